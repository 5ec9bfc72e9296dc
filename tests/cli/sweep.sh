# ebm sweep with -j 2: one directory per point, a summary table in CSV and
# HDF5, a failed point reported without stopping the others, and the overlaid
# and final-value plots.
source "$SRC/tests/cli/lib.bash"
EXP="$SRC/experiments/hopfield-capacity.yaml"

expect_status 0 "sweep 2x2 grid, -j 2" -- "$EBM" sweep "$EXP" data.dim=200 "data.load=0.05,0.3" "model.rule=hebbian,storkey" -j 2 --out "$WORK/sw" --quiet
for point in "data.load=0.05,model.rule=hebbian" "data.load=0.3,model.rule=storkey"; do
  [ -f "$WORK/sw/$point/run.h5" ] && pass "point $point ran" || fail "no run for point $point"
done
[ "$(tail -n +2 "$WORK/sw/summary.csv" | wc -l)" -eq 4 ] && pass "summary.csv has 4 rows" || fail "summary.csv rows: $(cat "$WORK/sw/summary.csv")"
expect_in "$WORK/sw/summary.csv" "retrieval_overlap" "summary has the metric column"
expect_in "$WORK/sw/summary.csv" "completed" "summary has statuses"
h5ls -r "$WORK/sw/summary.h5" >"$WORK/sls" 2>&1 || fail "summary.h5 unreadable"
expect_in "$WORK/sls" "/metrics/retrieval_overlap" "summary.h5 has the metric"

# A grid whose second point fails at run time (the projection rule refuses
# more patterns than units): the first still completes.
expect_status 1 "sweep with a failing point" -- "$EBM" sweep "$EXP" data.dim=100 data.load=1.5 "model.rule=hebbian,pseudo_inverse" -j 2 --out "$WORK/bad" --quiet
expect_in "$WORK/err" "1 point failed" "failure reported"
[ -f "$WORK/bad/data.load=1.5,model.rule=hebbian/run.h5" ] && pass "the good point still ran" || fail "good point missing"
expect_in "$WORK/bad/summary.csv" "failed" "summary marks the failed point"

# A point that is invalid before anything runs: the sweep refuses up front.
expect_status 2 "sweep with an invalid point" -- "$EBM" sweep "$EXP" data.dim=100 "data.load=0.1,-1" --out "$WORK/invalid" --quiet
expect_in "$WORK/err" "data.load" "invalid point named"

expect_status 0 "plot the sweep" -- "$EBM" plot "$WORK/sw" --out "$WORK/plots"
ls "$WORK/plots"/*.png >/dev/null 2>&1 && pass "sweep plots written" || fail "no sweep plots"
finish
