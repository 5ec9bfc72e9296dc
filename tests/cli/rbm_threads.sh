# An RBM trained with 1 and with 2 OpenBLAS threads ends with the same
# parameters and metrics bit for bit: every random draw comes from a stream
# keyed by (seed, purpose, row), and the GEMMs' results do not depend on how
# OpenBLAS splits them. Another seed gives other parameters.
source "$SRC/tests/cli/lib.bash"
EXP="$SRC/tests/fixtures/rbm-small.yaml"

OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 "$EBM" run "$EXP" --out "$WORK/a" --quiet >/dev/null || fail "run with 1 thread"
OMP_NUM_THREADS=2 OPENBLAS_NUM_THREADS=2 "$EBM" run "$EXP" --out "$WORK/b" --quiet >/dev/null || fail "run with 2 threads"
OPENBLAS_NUM_THREADS=2 "$EBM" run "$EXP" seed=10 --out "$WORK/c" --quiet >/dev/null || fail "run with another seed"

dump() { (cd "$(dirname "$1")" && h5dump -g /model run.h5 && h5dump -g /metrics run.h5 && h5dump -g /samples run.h5); }
dump "$WORK/a/run.h5" >"$WORK/a.txt"
dump "$WORK/b/run.h5" >"$WORK/b.txt"
dump "$WORK/c/run.h5" >"$WORK/c.txt"
expect_in "$WORK/a.txt" 'DATASET "W"' "the run file holds the weights"
if cmp -s "$WORK/a.txt" "$WORK/b.txt"; then pass "1 and 2 BLAS threads: identical parameters, metrics and samples"
else fail "1 and 2 threads differ"; diff "$WORK/a.txt" "$WORK/b.txt" | head -20 >&2; fi
if cmp -s "$WORK/a.txt" "$WORK/c.txt"; then fail "another seed gave the same parameters"
else pass "another seed gives other parameters"; fi
finish
