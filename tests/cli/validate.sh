# ebm validate on good and bad configs: file:line:column, a clear reason,
# exit status 2, and nothing written.
source "$SRC/tests/cli/lib.bash"
F="$SRC/tests/fixtures/cli"

expect_status 0 "valid experiment resolves" -- "$EBM" validate "$SRC/experiments/hopfield-recall.yaml"
expect_in "$WORK/out" "rule: pseudo_inverse" "resolved config printed"
expect_in "$WORK/out" "max_sweeps: 100" "defaults filled in"

expect_status 2 "misspelt key" -- "$EBM" validate "$F/misspelt.yaml"
expect_in "$WORK/err" "misspelt.yaml:6:3: model.rul" "misspelt key position"
expect_in "$WORK/err" "did you mean 'rule'" "misspelt key suggestion"

expect_status 2 "wrong type" -- "$EBM" validate "$F/wrong-type.yaml"
expect_in "$WORK/err" "wrong-type.yaml:5:8: data.dim" "wrong type position"
expect_in "$WORK/err" "expected an integer" "wrong type reason"

expect_status 2 "out of range" -- "$EBM" validate "$F/out-of-range.yaml"
expect_in "$WORK/err" "out-of-range.yaml:9:31: log.estimators" "out of range position"
expect_in "$WORK/err" "[0, 1]" "out of range names the interval"

expect_status 2 "YAML syntax error" -- "$EBM" validate "$F/syntax.yaml"
expect_in "$WORK/err" "syntax.yaml:5:" "syntax error position"

expect_status 2 "missing file" -- "$EBM" validate "$F/no-such-file.yaml"
expect_in "$WORK/err" "no-such-file.yaml: cannot open" "missing file reason"

expect_status 2 "bad override value" -- "$EBM" validate "$SRC/experiments/hopfield-recall.yaml" model.rule=hebian
expect_in "$WORK/err" "<override 1>" "override error names the override"
expect_in "$WORK/err" "hebbian|storkey|pseudo_inverse|gradient" "enum choices listed"

expect_status 2 "several problems at once" -- "$EBM" validate "$F/misspelt.yaml" data.dim=abc
expect_in "$WORK/err" "model.rul" "first problem reported"
expect_in "$WORK/err" "data.dim" "second problem reported"

expect_status 2 "run refuses a bad config" -- "$EBM" run "$F/misspelt.yaml" --out "$WORK/should-not-exist"
[ ! -e "$WORK/should-not-exist" ] && pass "nothing written for a bad config" || fail "run wrote output for a bad config"
[ ! -e "$WORK/runs" ] && pass "no runs/ directory created" || fail "runs/ created for a bad config"

# Pretraining configures its optimiser with the optimiser's own table, Adam's
# keys included (it once had a copy that had drifted).
cat >"$WORK/pretrain.yaml" <<'YAML'
name: pretrain-adam
data: {type: bars_stripes, side: 3}
model: {type: dbm, layers: [4, 4], pretrain: {optim: {type: adam, betas: [0.5, 0.9], eps: 1.0e-6}}}
YAML
expect_status 0 "model.pretrain.optim takes Adam's betas and eps" -- "$EBM" validate "$WORK/pretrain.yaml"
expect_in "$WORK/out" "lr: 0.05" "… and keeps pretraining's own default lr"

# An estimator that cannot measure the model is refused at validation, in one
# format: what the estimator needs, what the model lacks.
cat >"$WORK/mismatch.yaml" <<'YAML'
name: mismatch
data: {type: random_patterns, dim: 16, count: 2}
model: {type: hopfield}
log: {estimators: [{type: ais}, {type: quadrature}]}
YAML
expect_status 2 "estimators that cannot measure the model are refused" -- "$EBM" validate "$WORK/mismatch.yaml"
expect_in "$WORK/err" "estimator 'ais' cannot measure model 'hopfield': ais reads the internals of the rbm model" "… a model-specific one names its model"
expect_in "$WORK/err" "quadrature needs continuous states with an energy gradient (xStateGrad), which model hopfield lacks" "… a generic one names the capability"

expect_status 2 "unknown command" -- "$EBM" frobnicate
expect_status 0 "list" -- "$EBM" list models
expect_in "$WORK/out" "hopfield" "list shows the Hopfield model"
expect_in "$WORK/out" "hebbian|storkey|pseudo_inverse|gradient" "list shows the learning rules"
finish
