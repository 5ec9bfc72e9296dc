# A run killed with SIGTERM (or SIGINT, or SIGHUP) stops at the next check, marks its run
# file `interrupted`, leaves a file h5dump reads with what was logged, and
# prints the command that continues it.
source "$SRC/tests/cli/lib.bash"
EXP="$SRC/experiments/hopfield-gradient.yaml"

for sig in TERM INT HUP; do
  "$EBM" run "$EXP" train.epochs=1000000 log.every.epochs=1 --out "$WORK/$sig" --quiet >/dev/null 2>"$WORK/err.$sig" &
  pid=$!
  for _ in $(seq 100); do [ -f "$WORK/$sig/run.h5" ] && break; sleep 0.1; done
  sleep 1
  kill -s "$sig" "$pid"
  wait "$pid"; status=$?
  [ "$status" -eq 130 ] && pass "SIG$sig: exit status 130" || fail "SIG$sig: exit status $status"
  h5dump -a /status "$WORK/$sig/run.h5" >"$WORK/status.$sig" 2>&1 || fail "SIG$sig: h5dump cannot read the file"
  expect_in "$WORK/status.$sig" '"interrupted"' "SIG$sig: status interrupted"
  h5dump -d /metrics/fixed_points/step "$WORK/$sig/run.h5" >"$WORK/steps.$sig" 2>&1 || fail "SIG$sig: metrics unreadable"
  expect_in "$WORK/steps.$sig" "(0): 0" "SIG$sig: metrics logged before the signal are kept"
  expect_in "$WORK/err.$sig" "continue it with: ebm run --resume $WORK/$sig" "SIG$sig: the --resume command is printed"
done
finish
