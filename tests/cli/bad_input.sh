# The bad-input corpus (tests/bad-input/cases/*): every case must exit with
# status 2 (not 0, 1, a signal or a sanitizer report), print its expected
# message fragment on stderr, and, for run/sweep, leave no run.h5 behind.
# Cases run two at a time (each is a separate process; under ASan each costs
# half a second), their reports printed in case order.
source "$SRC/tests/cli/lib.bash"
CASES="$SRC/tests/bad-input/cases"

# run_case DIR: checks one case; prints "ok   NAME", or "FAIL: NAME: why" and
# the stderr it got, indented.
run_case() {
  local CASE=${1%/} name OUT args status want
  name=$(basename "$CASE")
  OUT="$WORK/out-$name"
  local err="$WORK/err-$name"
  # cmd may quote arguments (sweep expressions hold parentheses), so the
  # shell splits it; $CASE and $OUT are the only variables it may name.
  eval "args=($(cat "$CASE/cmd"))"
  "$EBM" "${args[@]}" >"$WORK/out-$name.txt" 2>"$err" </dev/null
  status=$?
  if grep -qE 'AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|runtime error:' "$err"; then
    echo "FAIL: $name: sanitizer report"; sed 's/^/  | /' "$err" | head -20; return
  fi
  if [ "$status" -ne 2 ]; then
    echo "FAIL: $name: exit status $status, expected 2"; sed 's/^/  | /' "$err" | head -20; return
  fi
  # The fragment names paths through $CASE and $SRC; substitute them as text.
  want=$(cat "$CASE/expect")
  want=${want//'$CASE'/$CASE}
  want=${want//'$SRC'/$SRC}
  if ! grep -qF -- "$want" "$err"; then
    echo "FAIL: $name: expected on stderr: $want"; sed 's/^/  | /' "$err" | head -20; return
  fi
  case "${args[0]}" in
    run|sweep)
      if [ -d "$OUT" ] && [ -n "$(find "$OUT" -name run.h5)" ]; then
        echo "FAIL: $name: a run.h5 was left under the output directory"; return
      fi ;;
  esac
  # A directory left by a refused command is not (yet) an error: note it.
  [ -e "$OUT" ] && echo "note $name: left $(cd "$OUT" && ls -A | tr '\n' ' ')"
  echo "ok   $name"
}
export -f run_case
export WORK EBM SRC

mkdir -p "$WORK/reports"
n_cases=0
for c in "$CASES"/*/; do n_cases=$((n_cases + 1)); done
printf '%s\n' "$CASES"/*/ |
  xargs -P 2 -I{} bash -c 'run_case "$1" >"$WORK/reports/$(basename "$1")"' _ {}
for c in "$CASES"/*/; do
  report="$WORK/reports/$(basename "$c")"
  if [ -s "$report" ]; then cat "$report"; else echo "FAIL: $(basename "$c"): no report"; fi
done >"$WORK/all-reports"
cat "$WORK/all-reports"
failures=$(grep -c '^FAIL' "$WORK/all-reports")

[ "$n_cases" -ge 60 ] && pass "$n_cases cases" || fail "only $n_cases cases found in $CASES"
finish
