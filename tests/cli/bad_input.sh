# The bad-input corpus (tests/bad-input/cases/*): every case must exit with
# status 2 (not 0, 1, a signal or a sanitizer report), print its expected
# message fragment on stderr, and, for run/sweep, leave no run.h5 behind.
source "$SRC/tests/cli/lib.bash"
CASES="$SRC/tests/bad-input/cases"
n_cases=0

for CASE in "$CASES"/*/; do
  CASE=${CASE%/}
  name=$(basename "$CASE")
  n_cases=$((n_cases + 1))
  OUT="$WORK/out-$name"
  # cmd may quote arguments (sweep expressions hold parentheses), so the
  # shell splits it; $CASE and $OUT are the only variables it may name.
  eval "args=($(cat "$CASE/cmd"))"
  "$EBM" "${args[@]}" >"$WORK/out" 2>"$WORK/err" </dev/null
  status=$?
  if grep -qE 'AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|runtime error:' "$WORK/err"; then
    fail "$name: sanitizer report"; sed 's/^/  | /' "$WORK/err" | head -20 >&2; continue
  fi
  if [ "$status" -ne 2 ]; then
    fail "$name: exit status $status, expected 2"; sed 's/^/  | /' "$WORK/err" | head -20 >&2; continue
  fi
  # The fragment names paths through $CASE and $SRC; substitute them as text.
  want=$(cat "$CASE/expect")
  want=${want//'$CASE'/$CASE}
  want=${want//'$SRC'/$SRC}
  if ! grep -qF -- "$want" "$WORK/err"; then
    fail "$name: expected on stderr: $want"; sed 's/^/  | /' "$WORK/err" | head -20 >&2; continue
  fi
  case "${args[0]}" in
    run|sweep)
      if [ -d "$OUT" ] && [ -n "$(find "$OUT" -name run.h5)" ]; then
        fail "$name: a run.h5 was left under the output directory"; continue
      fi ;;
  esac
  # A directory left by a refused command is not (yet) an error: note it.
  [ -e "$OUT" ] && echo "note $name: left $(cd "$OUT" && ls -A | tr '\n' ' ')"
  pass "$name"
done

[ "$n_cases" -ge 60 ] && pass "$n_cases cases" || fail "only $n_cases cases found in $CASES"
finish
