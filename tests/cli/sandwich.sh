# `ebm show` presents every log-likelihood as its sandwich with the verdict:
# an RBM on 3x3 bars and stripes with ais (a long linear schedule: reliable)
# and with a 2-step schedule, 4 runs and a gap limit of 0.05 nats, which its
# sandwich (about 0.3 nats wide) exceeds: not reliable.
source "$SRC/tests/cli/lib.bash"

cat >exp.yaml <<'YAML'
name: sandwich
seed: 2
data: {type: bars_stripes, side: 3}
model: {type: rbm, hidden: 6}
train: {epochs: 300, batch: 14, sampler: {type: cd, k: 1}, optim: {lr: 0.1}}
log:
  every: {epochs: 300}
  estimators: [{type: ais, runs: 40, schedule: linear, steps: 2000, raise_rows: 14}]
YAML
expect_status 0 "a run with ais" -- "$EBM" run exp.yaml --out good -q
expect_status 0 "ebm show" -- "$EBM" show good
expect_in "$WORK/out" "likelihood:  ais: log p in [" "show states the sandwich"
expect_in "$WORK/out" "(RAISE below, forward AIS above)" "… says which end is which"
expect_in "$WORK/out" "at epoch 300: reliable" "… and a long schedule is reliable"
expect_status 0 "a run with a 2-step schedule" -- "$EBM" run exp.yaml --out poor -q \
  'log.estimators=[{type: ais, runs: 4, schedule: linear, steps: 2, raise_rows: 14, reliable_gap: 0.05}]'
expect_status 0 "ebm show" -- "$EBM" show poor
expect_in "$WORK/out" "NOT reliable" "a 2-step schedule is not"
finish
