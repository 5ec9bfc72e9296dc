# ebm sweep under a 3-rank `mpirun --oversubscribe` on loopback: every point
# runs exactly once, the points spread over the ranks, and the summary equals
# a local `-j 2` run's; a bad point is refused before any rank runs anything,
# a point too large is left to the memory of the rank that runs it, and
# --fail-fast stops every rank. Skips when mpirun or MPI support is absent.
source "$SRC/tests/cli/lib.bash"
EXP="$SRC/experiments/hopfield-capacity.yaml"
GRID=(data.dim=100 "data.load=0.05,0.1,0.15" "model.rule=hebbian,storkey")
POINTS=(000 001 002 003 004 005)   # load × rule, the rule fastest

if ! command -v mpirun >/dev/null; then
  echo "skip: mpirun not found (apt-get install openmpi-bin libopenmpi-dev)"; finish
fi
# CI runs as root; these are harmless for anyone else. Loopback needs no
# single-copy (CMA) transfers, which containers often forbid.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_btl_vader_single_copy_mechanism=none
MPIRUN=(mpirun --oversubscribe -n 3)
MPIRUN_QUICK=("${MPIRUN[@]}")
if sanitized; then
  # Open MPI never frees some of its own memory; LeakSanitizer needs full
  # stacks (Open MPI has no frame pointers) to match them to its libraries,
  # which costs ~40 s per mpirun: the main sweep checks leaks that way, the
  # refusal and --fail-fast runs check memory errors only.
  MPIRUN=(env "LSAN_OPTIONS=suppressions=$SRC/tests/support/lsan-openmpi.supp:fast_unwind_on_malloc=0"
          "${MPIRUN[@]}" -x LSAN_OPTIONS)
  MPIRUN_QUICK=(env "ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" "${MPIRUN_QUICK[@]}" -x ASAN_OPTIONS)
fi

expect_status 0 "local sweep, -j 2" -- "$EBM" sweep "$EXP" "${GRID[@]}" -j 2 --out "$WORK/local" --quiet
expect_status 0 "3-rank mpirun sweep" -- "${MPIRUN[@]}" "$EBM" sweep "$EXP" "${GRID[@]}" --out "$WORK/mpi" --quiet
if grep -q "built without MPI" "$WORK/err"; then
  echo "skip: this ebm was built without MPI (rank 0 ran the sweep alone)"; finish
fi
if grep -qE 'AddressSanitizer|LeakSanitizer|runtime error:' "$WORK/err"; then
  fail "sanitizer report under mpirun"; sed 's/^/  | /' "$WORK/err" | head -30 >&2
fi
expect_in "$WORK/out" "$WORK/mpi/summary.csv" "rank 0 prints the summary's path"
[ "$(grep -c summary.csv "$WORK/out")" -eq 1 ] && pass "only rank 0 prints" || fail "stdout: $(cat "$WORK/out")"

# Exactly once: each point's log holds one run's output (logs are appended
# to, never truncated, during a sweep) and the ledger one start and one end.
for point in "${POINTS[@]}"; do
  h5dump -a /status "$WORK/mpi/$point/run.h5" 2>/dev/null | grep -q '"completed"' \
    || fail "point $point: no completed run.h5"
  runs=$(grep -c '/run.h5$' "$WORK/mpi/$point/log.txt" 2>/dev/null)
  [ "$runs" = 1 ] || fail "point $point ran $runs times (log.txt)"
  starts=$(grep -c "^start $point worker" "$WORK/mpi/sweep.log")
  ends=$(grep -c "^end $point worker [0-9]* exit 0  20[0-9-]*T[0-9:]*Z  [0-9.]* s$" "$WORK/mpi/sweep.log")
  [ "$starts" = 1 ] && [ "$ends" = 1 ] || fail "point $point: $starts starts, $ends ends in sweep.log"
done
[ "$failures" -eq 0 ] && pass "each of the ${#POINTS[@]} points ran once, completed"
[ "$(grep -c '^start ' "$WORK/mpi/sweep.log")" -eq ${#POINTS[@]} ] && pass "no other run started" \
  || fail "sweep.log: $(cat "$WORK/mpi/sweep.log")"
workers=$(awk '$1 == "start" { print $4 }' "$WORK/mpi/sweep.log" | sort -u | wc -l)
[ "$workers" -ge 2 ] && pass "points ran on $workers ranks" || fail "all points ran on one rank"

cmp -s "$WORK/local/summary.csv" "$WORK/mpi/summary.csv" && pass "summary.csv equals the local run's" \
  || { fail "summary.csv differs from the local run's"; diff "$WORK/local/summary.csv" "$WORK/mpi/summary.csv" >&2; }
h5dump "$WORK/local/summary.h5" | tail -n +2 >"$WORK/local.dump"
h5dump "$WORK/mpi/summary.h5" | tail -n +2 >"$WORK/mpi.dump"
cmp -s "$WORK/local.dump" "$WORK/mpi.dump" && pass "summary.h5 equals the local run's" \
  || fail "summary.h5 differs from the local run's"

# A bad point: rank 0 refuses (exit 2) and lets the other ranks go.
expect_status 2 "mpirun sweep with an invalid point" -- timeout 120 "${MPIRUN_QUICK[@]}" "$EBM" sweep "$EXP" data.dim=100 "data.load=0.1,-1" --out "$WORK/invalid" --quiet
expect_in "$WORK/err" "data.load" "invalid point named"
[ -z "$(find "$WORK/invalid" -name run.h5 2>/dev/null)" ] && pass "nothing ran" || fail "a point ran"

# Memory is each rank's own: the planner (rank 0) does not refuse a point
# for its size, as a local sweep does; the point meets the memory check on
# the rank that runs it and fails there with the same message. (Here both
# machines are this one, and no machine has 3.6 TB.)
cat >"$WORK/huge.yaml" <<'YAML'
name: huge
data: {type: random_patterns, dim: 1000000, load: 0.00001}
model: {type: hopfield, rule: hebbian}
train: {epochs: 0}
log: {estimators: [{type: fixed_points}]}
YAML
HUGE=("$WORK/huge.yaml" "seed=1,2")
expect_status 2 "local sweep of a point too large for this machine" -- "$EBM" sweep "${HUGE[@]}" --out "$WORK/huge-local" --quiet
expect_in "$WORK/err" "needs at least 3.6 TB of memory" "… is refused before it runs"
expect_status 1 "mpirun sweep of the same points" -- timeout 120 "${MPIRUN_QUICK[@]}" "$EBM" sweep "${HUGE[@]}" --out "$WORK/huge" --quiet
grep -q "needs at least 3.6 TB of memory" "$WORK/huge/000/log.txt" &&
  pass "… is left to the rank that runs it, which refuses it" || fail "huge/000/log.txt: $(cat "$WORK/huge/000/log.txt" 2>&1)"

# --fail-fast: the projection rule refuses more patterns than units, so the
# first point fails; the others are stopped or never started, on every rank.
expect_status 1 "mpirun sweep --fail-fast" -- timeout 120 "${MPIRUN_QUICK[@]}" "$EBM" sweep "$EXP" data.dim=100 data.load=1.5 \
  "model.rule=pseudo_inverse,hebbian,storkey" "seed=1,2,3" --out "$WORK/ff" --quiet --fail-fast
expect_in "$WORK/err" "data.load=1.5 model.rule=pseudo_inverse seed=" "the failed point is listed"
started=$(grep -c '^start ' "$WORK/ff/sweep.log")
[ "$started" -lt 9 ] && pass "stopped early ($started of 9 started)" || fail "every point started despite --fail-fast"
expect_in "$WORK/ff/summary.csv" "interrupted" "points not run are marked interrupted"
finish
