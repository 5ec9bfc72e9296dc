# The progress line on a terminal (a pseudo-terminal from script(1)) shows
# where AIS stands inside a log point, β steps done of all its passes
# (forward, then RAISE), for the RBM's ais and the DBM's dbm_ais, with an
# ETA while it runs, and exact's, kde's and quadrature's rows or cells and
# recall's queries; off a terminal nothing but the log-point lines.
source "$SRC/tests/cli/lib.bash"
command -v script >/dev/null || { echo "script(1) (util-linux) is missing"; exit 1; }

# on_tty OUT -- command...: runs it with stdout and stderr on a terminal
on_tty() {
  local out=$1; shift 2
  script -qec "$(printf '%q ' "$@")" /dev/null </dev/null | tr '\r' '\n' >"$out"
}

ais="{type: ais, split: valid, runs: 16, schedule: linear, steps: 600, raise_rows: 8}"
on_tty "$WORK/rbm" -- "$EBM" run "$SRC/tests/fixtures/rbm-ais-threads.yaml" \
  "log.estimators=[$ais]" data.count=200 --out "$WORK/r"
expect_in "$WORK/rbm" "[ais step 256/1200]" "ais: forward steps counted"
expect_in "$WORK/rbm" "[ais step 856/1200]" "ais: RAISE steps follow the forward ones"
grep -q "epoch 1/1 .*ETA [0-9]*:[0-9]*  \[ais step" "$WORK/rbm" \
  && pass "ais: an ETA while the final AIS runs" || fail "no ETA beside the AIS steps"
# the training speed (epochs per second of training, the log point's AIS
# not counted) once the epoch is timed
grep -q "epoch 1/1  [0-9.e+]* epoch/s  ETA" "$WORK/rbm" \
  && pass "the training speed beside the epoch" || fail "no epoch/s once the epoch is timed"

dbm="{type: dbm_ais, split: valid, runs: 16, schedule: linear, steps: 600, raise_rows: 8}"
on_tty "$WORK/dbm" -- "$EBM" run "$SRC/tests/fixtures/dbm-threads.yaml" \
  "log.estimators=[$dbm]" data.count=200 train.epochs=1 --out "$WORK/d"
expect_in "$WORK/dbm" "[dbm_ais step 512/1200]" "dbm_ais: forward steps counted"
expect_in "$WORK/dbm" "[dbm_ais step 1112/1200]" "dbm_ais: RAISE steps follow"

# exact counts the rows whose log-likelihood it has summed.
exact="{type: exact, split: valid}"
on_tty "$WORK/exact" -- "$EBM" run "$SRC/tests/fixtures/rbm-ais-threads.yaml" \
  "log.estimators=[$exact]" model.hidden=8 data.count=700 data.valid=600 --out "$WORK/e"
expect_in "$WORK/exact" "[exact step 256/" "exact: rows counted"

# kde counts the rows it has scored, quadrature the grid cells it has summed.
on_tty "$WORK/density" -- "$EBM" run "$SRC/experiments/ebm-2d.yaml" train.epochs=1 \
  data.n=1200 data.valid=600 "log.estimators=[{type: kde, split: valid}, {type: quadrature, split: valid, grid: 100}]" \
  --out "$WORK/k"
expect_in "$WORK/density" "[kde step 256/" "kde: rows counted"
expect_in "$WORK/density" "[quadrature step " "quadrature: grid cells counted"

# recall counts the queries it has updated and compared, a block at a time.
cat >"$WORK/recall.yaml" <<'YAML'
name: recall-progress
seed: 1
data: {type: random_patterns, dim: 64, count: 700}
model: {type: hopfield}
log:
  estimators:
    - {type: recall, query: flip, flip: 0.05, patterns: 0}
YAML
on_tty "$WORK/recall" -- "$EBM" run "$WORK/recall.yaml" --out "$WORK/rc"
expect_in "$WORK/recall" "[recall step 256/700]" "recall: queries counted"

# Off a terminal the steps are not printed: only the log-point lines.
"$EBM" run "$SRC/tests/fixtures/rbm-ais-threads.yaml" "log.estimators=[$ais]" \
  data.count=200 --out "$WORK/plain" >/dev/null 2>"$WORK/plain.err"
if grep -q "step 256" "$WORK/plain.err"; then fail "steps printed off a terminal"
else pass "off a terminal: no step lines"; fi
finish
