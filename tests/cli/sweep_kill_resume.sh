# A sweep killed with SIGKILL (the sweep and every run it started) in the
# middle of a point is finished by `ebm sweep --resume DIR`: the killed point
# continues from its checkpoint, the unstarted one runs, and every point's
# metrics and parameters equal those of a sweep that was never interrupted.
source "$SRC/tests/cli/lib.bash"
EXP="$SRC/tests/fixtures/resume-rbm.yaml"
GRID=(train.optim.lr=0.01,0.02 train.epochs=600)

dump() { (cd "$1" && h5dump -g /metrics run.h5 && h5dump -g /model run.h5); }
checkpoint_step() {
  h5dump -a /checkpoint/step "$1/checkpoint.h5" 2>/dev/null |
    sed -n 's/^ *(0): \([0-9]*\).*/\1/p' | head -1 | grep . || echo -1
}

"$EBM" sweep "$EXP" "${GRID[@]}" -j 1 --out "$WORK/ref" --quiet >/dev/null 2>&1 || fail "reference sweep"
mapfile -t points < <(cd "$WORK/ref" && ls -d */ | tr -d /)
[ "${#points[@]}" -eq 2 ] && pass "the reference sweep has two points" || fail "points: ${points[*]}"

setsid "$EBM" sweep "$EXP" "${GRID[@]}" -j 1 --out "$WORK/s" --quiet >/dev/null 2>&1 &
group=$!
first="$WORK/s/${points[0]}"
# The whole process group is paused while the first point's checkpoint is read.
for _ in $(seq 20000); do
  kill -STOP -- -"$group" 2>/dev/null || break
  [ "$(checkpoint_step "$first")" -ge 1000 ] && break
  kill -CONT -- -"$group"
  sleep 0.01
done
kill -9 -- -"$group" 2>/dev/null || fail "the sweep ended before it could be killed"
wait "$group" 2>/dev/null || true
step=$(checkpoint_step "$first")
[ "$step" -ge 1000 ] && pass "killed with the first point's checkpoint at step $step" || fail "checkpoint step $step"
[ ! -e "$WORK/s/${points[1]}/run.h5" ] && pass "the second point had not started" || fail "the second point had started"

expect_status 0 "sweep --resume finishes the sweep" -- "$EBM" sweep --resume "$WORK/s" --quiet
expect_in "$first/log.txt" "continuing from the checkpoint" "the killed point continued from its checkpoint"
for p in "${points[@]}"; do
  dump "$WORK/ref/$p" >"$WORK/ref-$p.txt"
  dump "$WORK/s/$p" >"$WORK/s-$p.txt"
  if [ -s "$WORK/ref-$p.txt" ] && cmp -s "$WORK/ref-$p.txt" "$WORK/s-$p.txt"; then
    pass "$p: identical metrics and parameters to the uninterrupted sweep"
  else
    fail "$p: differs from the uninterrupted sweep"
  fi
done
cmp -s "$WORK/ref/summary.csv" "$WORK/s/summary.csv" && pass "the summaries are identical" || {
  fail "summaries differ"; diff "$WORK/ref/summary.csv" "$WORK/s/summary.csv" >&2; }
finish
