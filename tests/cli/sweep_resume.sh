# ebm sweep --resume DIR re-runs only the points that did not complete (failed,
# or with no run file), leaves completed points' files untouched, resumes from
# a point's checkpoint when it has one, and refuses a sweep whose experiment
# changed; --fail-fast stops at the first failure, and failures are listed.
source "$SRC/tests/cli/lib.bash"
EXP="$SRC/experiments/hopfield-capacity.yaml"
HEBB=000     # data.load=1.5 model.rule=hebbian
STORKEY=001  # data.load=1.5 model.rule=storkey
PINV=002     # data.load=1.5 model.rule=pseudo_inverse, which refuses more patterns than units
stamp() { stat -c '%i %y' "$1" 2>/dev/null || echo missing; }

# A sweep with a failing point: the others complete, the failure is listed.
expect_status 1 "sweep with a failing point" -- "$EBM" sweep "$EXP" data.dim=100 data.load=1.5 \
  "model.rule=hebbian,storkey,pseudo_inverse" -j 2 --out "$WORK/sw" --quiet
expect_in "$WORK/err" "failed: $PINV data.load=1.5 model.rule=pseudo_inverse (see $WORK/sw/$PINV/log.txt)" "the failed point is listed with its log"
expect_in "$WORK/err" "ebm sweep --resume $WORK/sw" "the way to resume is shown"
hebb_before=$(stamp "$WORK/sw/$HEBB/run.h5")
# The storkey point "died before it wrote its run file".
rm "$WORK/sw/$STORKEY/run.h5"

expect_status 1 "resume: the failed point fails again" -- "$EBM" sweep --resume "$WORK/sw" -j 2 --quiet
expect_in "$WORK/sw/sweep.log" "resume: 2 of 3 points to run" "resume plans the two unfinished points"
sed -n '/^resume:/,$p' "$WORK/sw/sweep.log" >"$WORK/resumed"
grep -q "^start $HEBB " "$WORK/resumed" && fail "the completed point ran again" || pass "the completed point did not run again"
grep -q "^end $STORKEY worker 0 exit 0  20[0-9-]*T[0-9:]*Z  [0-9.]* s$" "$WORK/resumed" && pass "the point without run file ran" || fail "storkey did not run: $(cat "$WORK/resumed")"
grep -q "^end $PINV worker 0 exit 1 " "$WORK/resumed" && pass "the failed point ran again" || fail "pseudo_inverse did not run again"
[ "$(stamp "$WORK/sw/$HEBB/run.h5")" = "$hebb_before" ] && pass "the completed run.h5 is untouched (inode, mtime)" \
  || fail "the completed run.h5 changed: $hebb_before -> $(stamp "$WORK/sw/$HEBB/run.h5")"
h5dump -a /status "$WORK/sw/$STORKEY/run.h5" 2>/dev/null | grep -q '"completed"' && pass "storkey completed now" || fail "storkey has no completed run.h5"
expect_in "$WORK/sw/$PINV/log.txt" "--- ebm sweep --resume: running again" "the re-run is marked in the point's log"
[ "$(grep -c '^ebm run:' "$WORK/sw/$PINV/log.txt")" -ge 2 ] && pass "the log keeps both attempts" || fail "log.txt: $(cat "$WORK/sw/$PINV/log.txt")"
[ "$(grep -c ',completed,' "$WORK/sw/summary.csv")" -eq 2 ] \
  && pass "summary: two completed" || fail "summary: $(cat "$WORK/sw/summary.csv")"
grep -q "^$PINV,.*,failed," "$WORK/sw/summary.csv" && pass "summary: the failed point is failed" \
  || fail "summary: $(cat "$WORK/sw/summary.csv")"

# A point with a checkpoint continues from it (`ebm run --resume POINT`).
cp "$WORK/sw/$HEBB/run.h5" "$WORK/sw/$PINV/checkpoint.h5"
"$EBM" sweep --resume "$WORK/sw" --quiet >/dev/null 2>&1
expect_in "$WORK/sw/$PINV/log.txt" "--- ebm sweep --resume: continuing from the checkpoint" "a point with a checkpoint is resumed from it"

# Nothing left to do: every point completed, nothing runs.
expect_status 0 "complete sweep" -- "$EBM" sweep "$EXP" data.dim=100 "data.load=0.05,0.1" --out "$WORK/ok" --quiet
ok_before=$(stamp "$WORK/ok/000/run.h5")
expect_status 0 "resume a complete sweep" -- "$EBM" sweep --resume "$WORK/ok" --quiet
expect_in "$WORK/ok/sweep.log" "resume: 0 of 2 points to run" "nothing to run"
[ "$(stamp "$WORK/ok/000/run.h5")" = "$ok_before" ] && pass "run files untouched" || fail "run file changed"
expect_in "$WORK/out" "$WORK/ok/summary.csv" "the summary is written again"

# The experiment changed since the sweep ran: refused, nothing runs.
sed 's/^  data.load: range(0.05,0.26,0.01)$/  data.load: 0.05,0.1/' "$EXP" >"$WORK/exp.yaml"
expect_status 0 "sweep of a copy" -- "$EBM" sweep "$WORK/exp.yaml" data.dim=100 --out "$WORK/cp" --quiet
rm "$WORK/cp/001/run.h5"
cp_before=$(stamp "$WORK/cp/000/run.h5")
sed -i 's/^seed: 7$/seed: 8/' "$WORK/exp.yaml"
expect_status 2 "resume after the config changed" -- "$EBM" sweep --resume "$WORK/cp" --quiet
expect_in "$WORK/err" "the sweep's config changed since it ran" "the change is reported"
expect_in "$WORK/err" "was 'seed: 7'" "the changed line is shown"
[ ! -f "$WORK/cp/001/run.h5" ] && pass "nothing ran" || fail "a point ran"
sed -i 's/^seed: 8$/seed: 7/; s/^  data.load: 0.05,0.1$/  data.load: 0.05,0.1,0.15/' "$WORK/exp.yaml"
expect_status 2 "resume after the grid changed" -- "$EBM" sweep --resume "$WORK/cp" --quiet
expect_in "$WORK/err" "changed since it ran" "the grid change is reported"
sed -i 's/^  data.load: 0.05,0.1,0.15$/  data.load: 0.05,0.1/' "$WORK/exp.yaml"
expect_status 0 "resume once restored" -- "$EBM" sweep --resume "$WORK/cp" --quiet
[ -f "$WORK/cp/001/run.h5" ] && pass "the missing point ran" || fail "the missing point did not run"
[ "$(stamp "$WORK/cp/000/run.h5")" = "$cp_before" ] && pass "the other is untouched" || fail "the other changed"

# A sweep made before points were numbered (its sweep.yaml lists them by
# their overrides) is refused with that reason, not as a changed grid.
cp -r "$WORK/cp" "$WORK/old"
sed -i '/^points:/,$d' "$WORK/old/sweep.yaml"
printf 'points:\n  - data.dim=100,data.load=0.05\n  - data.dim=100,data.load=0.1\n' >>"$WORK/old/sweep.yaml"
expect_status 2 "resume of a sweep with points named by overrides" -- "$EBM" sweep --resume "$WORK/old" --quiet
expect_in "$WORK/err" "made by an older ebm, which named its points by their overrides" "… says why"

# --fail-fast, one point at a time: the first point fails, the rest never start.
expect_status 1 "sweep --fail-fast" -- "$EBM" sweep "$EXP" data.dim=100 data.load=1.5 \
  "model.rule=pseudo_inverse,hebbian,storkey" -j 1 --fail-fast --out "$WORK/ff" --quiet
expect_in "$WORK/err" "--fail-fast" "the stop is explained"
expect_in "$WORK/err" "failed: 000 data.load=1.5 model.rule=pseudo_inverse" "the failed point is listed"
[ "$(grep -c '^start ' "$WORK/ff/sweep.log")" -eq 1 ] && pass "only the first point started" || fail "sweep.log: $(cat "$WORK/ff/sweep.log")"
[ "$(grep -c ',interrupted' "$WORK/ff/summary.csv")" -eq 2 ] && pass "the others are interrupted in the summary" \
  || fail "summary: $(cat "$WORK/ff/summary.csv")"
expect_status 1 "--fail-fast on resume" -- "$EBM" sweep --resume "$WORK/ff" --fail-fast --quiet
[ "$(sed -n '/^resume:/,$p' "$WORK/ff/sweep.log" | grep -c '^start ')" -eq 1 ] && pass "resume stops at the first failure too" \
  || fail "sweep.log: $(cat "$WORK/ff/sweep.log")"
finish
