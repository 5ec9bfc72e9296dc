# ebm sweep with -j 2: one directory per point, a summary table in CSV and
# HDF5, a failed point reported without stopping the others, and the overlaid
# and final-value plots.
source "$SRC/tests/cli/lib.bash"
EXP="$SRC/experiments/hopfield-capacity.yaml"

expect_status 0 "sweep 2x2 grid, -j 2" -- "$EBM" sweep "$EXP" data.dim=200 "data.load=0.05,0.3" "model.rule=hebbian,storkey" -j 2 --out "$WORK/sw" --quiet
# points are numbered in grid order (the last key fastest), and the number
# maps to its overrides in sweep.yaml, summary.csv, summary.h5 and the point's run file
for point in 000:"data.load=0.05 model.rule=hebbian" 003:"data.load=0.3 model.rule=storkey"; do
  dir=${point%%:*} overrides=${point#*:}
  [ -f "$WORK/sw/$dir/run.h5" ] && pass "point $dir ran" || fail "no run for point $dir"
  h5dump -a /overrides "$WORK/sw/$dir/run.h5" | grep -qF "(0): \"data.dim=200 $overrides\"" \
    && pass "$dir/run.h5 records $overrides" || fail "$dir/run.h5: $(h5dump -a /overrides "$WORK/sw/$dir/run.h5")"
  expect_in "$WORK/sw/sweep.yaml" "{dir: \"$dir\", overrides: [\"${overrides// /\", \"}\"]}" "sweep.yaml maps $dir"
done
[ "$(ls "$WORK/sw" | grep -c '^[0-9][0-9][0-9]$')" -eq 4 ] && pass "four point directories, 000 to 003" || fail "dirs: $(ls "$WORK/sw")"
grep -q '^003,0.3,storkey,completed,' "$WORK/sw/summary.csv" && pass "summary.csv maps 003" || fail "summary.csv: $(cat "$WORK/sw/summary.csv")"
h5dump -d /params/data.load "$WORK/sw/summary.h5" >"$WORK/load" 2>&1
expect_in "$WORK/load" '(0): 0.05, 0.05, 0.3, 0.3' "summary.h5 maps the points, swept numbers as numbers"
h5dump -d /params/model.rule "$WORK/sw/summary.h5" >"$WORK/rule" 2>&1
expect_in "$WORK/rule" '"hebbian", "storkey", "hebbian", "storkey"' "… and swept text as strings"
expect_in "$WORK/out" "point  data.load  model.rule  status" "the sweep ends with a table of its points"
grep -q '^003    0.3        storkey     completed' "$WORK/out" && pass "… a row per point" || fail "table: $(cat "$WORK/out")"
# … then the documented values of the experiment's expect: block, checked as
# ebm run checks a run's (here over a coarse grid: pass or fail, the line
# says), one verdict per learning rule: the crossing over data.load follows
# each rule's curve, not their mean. Hebbian's overlap falls from 1 to 0.45
# between loads 0.05 and 0.3, so it crosses 0.9 at 0.0956; Storkey's stays 1.
grep -qE '^expect: critical load \(overlap crosses 0\.9\) \[model\.rule=hebbian\] = 0\.0955[0-9]*, documented \[0\.12, 0\.17\] \(Amit.*\): FAIL$' "$WORK/out" &&
  pass "… and the expect: entries' verdicts, one per rule" || fail "no expect: line: $(cat "$WORK/out")"
grep -qE '^expect: critical load \(overlap crosses 0\.9\) \[model\.rule=storkey\] = nan, .*: FAIL \(never goes below 0\.9 over \[0\.05, 0\.3\]\)$' "$WORK/out" &&
  pass "… the other rule's curve judged alone" || fail "no storkey line: $(cat "$WORK/out")"
[ "$(tail -n +2 "$WORK/sw/summary.csv" | wc -l)" -eq 4 ] && pass "summary.csv has 4 rows" || fail "summary.csv rows: $(cat "$WORK/sw/summary.csv")"
expect_in "$WORK/sw/summary.csv" "retrieval_overlap" "summary has the metric column"
expect_in "$WORK/sw/summary.csv" "completed" "summary has statuses"
h5ls -r "$WORK/sw/summary.h5" >"$WORK/sls" 2>&1 || fail "summary.h5 unreadable"
expect_in "$WORK/sls" "/metrics/retrieval_overlap" "summary.h5 has the metric"

# A grid whose second point fails at run time (the projection rule refuses
# more patterns than units): the first still completes.
expect_status 1 "sweep with a failing point" -- "$EBM" sweep "$EXP" data.dim=100 data.load=1.5 "model.rule=hebbian,pseudo_inverse" -j 2 --out "$WORK/bad" --quiet
expect_in "$WORK/err" "1 point failed" "failure reported"
[ -f "$WORK/bad/000/run.h5" ] && pass "the good point still ran" || fail "good point missing"
expect_in "$WORK/bad/summary.csv" "failed" "summary marks the failed point"

# A point that is invalid before anything runs: the sweep refuses up front.
expect_status 2 "sweep with an invalid point" -- "$EBM" sweep "$EXP" data.dim=100 "data.load=0.1,-1" --out "$WORK/invalid" --quiet
expect_in "$WORK/err" "data.load" "invalid point named"

expect_status 0 "plot the sweep" -- "$EBM" plot "$WORK/sw" --out "$WORK/plots"
ls "$WORK/plots"/*.png >/dev/null 2>&1 && pass "sweep plots written" || fail "no sweep plots"
# The final overlap against load carries the crossing hopfield-capacity's
# expect: block documents: 0.138 in [0.12, 0.17], at the level 0.9.
awk 'NF == 4 && $1 > 0.1379 && $1 < 0.1381 && $2 > 0.8999 && $2 < 0.9001 &&
     $3 > 0.1199 && $3 < 0.1201 && $4 > 0.1699 && $4 < 0.1701 { found = 1 } END { exit !found }' \
  "$WORK"/plots/data/*final_retrieval_overlap_vs_data.load__doccross.dat 2>/dev/null &&
  pass "… with the documented crossing on the overlap's plot" ||
  fail "no documented crossing: $(ls "$WORK/plots/data")"
# … drawn from data files the script names as data: a quote in the output
# path does not break the plot command.
expect_status 0 "plot into a directory with a quote in its name" -- "$EBM" plot "$WORK/sw" --out "$WORK/q'x"
[ -s "$WORK/q'x/final_retrieval_overlap_vs_data.load.png" ] && pass "… the overlap's plot drawn" ||
  fail "no overlap plot under a quoted path: $(ls "$WORK/q'x")"

# Several runs without images and no --out: the curves go to the first
# run's plots/, and no run is left an empty plots/ directory.
G="$SRC/experiments/hopfield-gradient.yaml"
for s in 1 2; do
  "$EBM" run "$G" data.dim=60 train.epochs=2 seed=$s --out "$WORK/g$s" --quiet >/dev/null || fail "run g$s"
done
expect_status 0 "plot two runs" -- "$EBM" plot "$WORK/g1" "$WORK/g2"
ls "$WORK/g1/plots"/*.png >/dev/null 2>&1 && pass "the overlays in the first run's plots/" || fail "no overlays"
[ ! -e "$WORK/g2/plots" ] && pass "no empty plots/ in a run without images" || fail "$WORK/g2/plots made: $(ls -A "$WORK/g2/plots")"
finish
