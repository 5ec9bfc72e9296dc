# experiments/ebm-2d.yaml, shrunk to seconds: an MLP energy trains with
# short-run Langevin negatives, quadrature logs the exact test log-likelihood
# and its gap to the kde baseline, and ebm plot draws the density. A run that
# diverges (SGD with a huge step) stops with a message naming the fix, exit
# status 1, status "failed", and keeps the metrics it logged before.
source "$SRC/tests/cli/lib.bash"
EXP="$SRC/experiments/ebm-2d.yaml"
SMALL=('~sweep' '~expect' data.n=600 data.valid=200 train.epochs=2 log.every.epochs=1
       "model.layers=[16]")

expect_status 0 "a short training run completes" -- "$EBM" run "$EXP" "${SMALL[@]}" \
  'log.estimators=[{type: kde, split: valid}, {type: quadrature, split: valid, grid: 60, baseline: kde_loglik}, {type: sample, chains: 20, images: 20, sampler: {type: mala, burn_in: 50, sweeps: 20, step: 0.05, start: random}}]' \
  --out "$WORK/ok" --quiet
h5dump -a /status "$WORK/ok/run.h5" >"$WORK/status" 2>&1
expect_in "$WORK/status" '"completed"' "status completed"
h5dump -d /metrics/quadrature_loglik_gap/step "$WORK/ok/run.h5" >"$WORK/gap" 2>&1
expect_in "$WORK/gap" "(0): 0, 1, 2" "the gap to the kde is logged at every log point"
# gap = loglik - kde_loglik at the last point
value() { h5dump -d "/metrics/$1/value" -y -w 0 -m %.17g "$WORK/ok/run.h5" |
          sed -n '/DATA {/,/}/{p;/}/q}' | sed '1d;$d' | tr -s ' ,' '\n' | grep -v '^$' | tail -1; }
gap=$(value quadrature_loglik_gap); ll=$(value quadrature_loglik); kde=$(value kde_loglik)
awk -v g="$gap" -v l="$ll" -v k="$kde" 'BEGIN { d = g - (l - k); exit !(d < 1e-9 && d > -1e-9) }' &&
  pass "gap = loglik - kde_loglik ($gap = $ll - $kde)" || fail "gap $gap != $ll - $kde"
expect_status 0 "ebm plot draws the run" -- "$EBM" plot "$WORK/ok" --out "$WORK/plots"
ls "$WORK/plots" >"$WORK/pngs"
expect_in "$WORK/pngs" "density" "a density picture comes out"

# ebm sample on a real-valued model: chains start from training rows (there
# are no binary values to draw a start from), and no count of samples equal
# to a training row is printed, as it means nothing for real values.
expect_status 0 "ebm sample draws from the energy model with mala" -- \
  "$EBM" sample "$WORK/ok" --n 20 --out "$WORK/drawn.h5" sampler.type=mala sampler.burn_in=20
expect_in "$WORK/out" "/samples/0000000000  20 samples of 2 values  clamped none" \
  "… 20 samples of 2 values"
grep -q "equal a training row" "$WORK/out" && fail "a match count for real-valued samples" ||
  pass "… with no match count"
n_finite=$(h5dump -A 0 -d /samples/0000000000 -y -w 0 -m %.9g "$WORK/drawn.h5" |
  sed -n '/DATA {/,/}/p' | sed '1d;$d' | tr -s ' ,' '\n' | grep -cE '^-?[0-9]')
[ "$n_finite" -eq 40 ] && pass "… 40 finite values" || fail "$n_finite finite sample values of 40"
# With no sampler named, ebm sample draws as the run's sample estimator did
# (its mala, 20 sweeps, step 0.05), with the overrides given on top.
expect_status 0 "with no sampler named, ebm sample takes the run's sample estimator's sampler" -- \
  "$EBM" sample "$WORK/ok" --n 5 --out "$WORK/default.h5" sampler.burn_in=20
expect_in "$WORK/out" "sampler mala: the settings of the run's sample estimator, with the overrides given" \
  "… and says so"
h5dump -a /samples/0000000000/sampler "$WORK/default.h5" >"$WORK/sampler.txt" 2>&1
expect_in "$WORK/sampler.txt" "\"type: mala" "… the file records mala"
expect_in "$WORK/sampler.txt" "step: 0.05" "… with the estimator's step"
expect_in "$WORK/sampler.txt" "burn_in: 20" "… and the burn-in given, not the estimator's 50"
expect_status 0 "naming another sampler starts from its defaults" -- \
  "$EBM" sample "$WORK/ok" --n 5 --out "$WORK/langevin.h5" sampler.type=langevin sampler.burn_in=20
expect_in "$WORK/out" "sampler langevin: ebm sample's defaults" "… and says so"
expect_status 1 "gibbs cannot move real-valued units" -- \
  "$EBM" sample "$WORK/ok" --n 5 --out "$WORK/gibbs.h5" sampler.type=gibbs
expect_in "$WORK/err" "choose another sampler with sampler.type=NAME" "… and the message says what to do"

expect_status 1 "SGD with lr 1000 diverges and stops" -- "$EBM" run "$EXP" "${SMALL[@]}" \
  train.optim.type=sgd train.optim.lr=1000 'log.estimators=[{type: quadrature, split: valid, grid: 60}]' \
  --out "$WORK/nan" --quiet
expect_in "$WORK/err" "NaN" "the message says NaN"
expect_in "$WORK/err" "lower train.optim.lr" "the message names the fix"
h5dump -a /status "$WORK/nan/run.h5" >"$WORK/status" 2>&1
expect_in "$WORK/status" '"failed"' "status failed"
h5dump -d /metrics/quadrature_loglik/step "$WORK/nan/run.h5" >"$WORK/steps" 2>&1
expect_in "$WORK/steps" "(0): 0" "the log point before the divergence is kept"
finish
