# Runs with 1 and with 2 threads end with the same parameters, metrics and
# samples bit for bit: every random draw comes from a stream keyed by (seed,
# purpose, row or chain), and the products' results do not depend on how
# the work is split. Checked on an RBM (PCD training; and forward AIS with
# RAISE), on a DBM (mean field and PCD; forward AIS with RAISE), on an MLP
# energy (short-run Langevin training, mala sampling, every chain moving in
# one batched call) and on a 64-D Gaussian sampled by mala, langevin and mh
# with enough chains that their proposals are made on several threads.
# Another seed gives other parameters.
source "$SRC/tests/cli/lib.bash"

# Everything in the run file but the metrics that are wall-clock times.
dump() {
  local file=$1/run.h5 metric
  (cd "$1" && h5dump -g /model run.h5 && h5dump -g /samples run.h5) 2>/dev/null
  for metric in $(h5ls "$file/metrics" | awk '{print $1}'); do
    case "$metric" in *seconds* | *per_second*) continue ;; esac
    (cd "$1" && h5dump -g "/metrics/$metric" run.h5)
  done
}

for fixture in rbm-small rbm-ais-threads dbm-threads energy-threads gauss-threads; do
  EXP="$SRC/tests/fixtures/$fixture.yaml"
  OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 "$EBM" run "$EXP" threads=1 --out "$WORK/$fixture-a" --quiet >/dev/null || fail "$fixture: run with 1 thread"
  OMP_NUM_THREADS=2 OPENBLAS_NUM_THREADS=2 "$EBM" run "$EXP" threads=2 --out "$WORK/$fixture-b" --quiet >/dev/null || fail "$fixture: run with 2 threads"
  dump "$WORK/$fixture-a" >"$WORK/$fixture-a.txt"
  dump "$WORK/$fixture-b" >"$WORK/$fixture-b.txt"
  expect_in "$WORK/$fixture-a.txt" 'DATASET "value"' "$fixture: the run file holds metrics"
  if cmp -s "$WORK/$fixture-a.txt" "$WORK/$fixture-b.txt"; then pass "$fixture: 1 and 2 threads give the same run file"
  else fail "$fixture: 1 and 2 threads differ"; diff "$WORK/$fixture-a.txt" "$WORK/$fixture-b.txt" | head -20 >&2; fi
done

EXP="$SRC/tests/fixtures/rbm-small.yaml"
OPENBLAS_NUM_THREADS=2 "$EBM" run "$EXP" seed=10 --out "$WORK/c" --quiet >/dev/null || fail "run with another seed"
dump "$WORK/c" >"$WORK/c.txt"
expect_in "$WORK/rbm-small-a.txt" 'DATASET "W"' "the RBM's run file holds the weights"
if cmp -s "$WORK/rbm-small-a.txt" "$WORK/c.txt"; then fail "another seed gave the same parameters"
else pass "another seed gives other parameters"; fi
finish
