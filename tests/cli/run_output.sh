# What a run tells its user and records about itself: the provenance root
# attributes (command, overrides, ebm_version, host, duration_s), DIR/log.txt
# with a line per log point, the same lines on a stderr that is not a
# terminal, and the end-of-run table with the expect: verdict.
source "$SRC/tests/cli/lib.bash"
EXP="$SRC/experiments/hopfield-gradient.yaml"

# stderr is a file here, as under nohup or Slurm: 4 epochs, a log point every 2
"$EBM" run "$EXP" data.dim=60 train.epochs=4 log.every.epochs=2 --out "$WORK/a" \
  >"$WORK/out" 2>"$WORK/err" || fail "run: $(cat "$WORK/err")"
RUN="$WORK/a/run.h5"

attr() { h5dump -a "/$1" "$RUN" | sed -n 's/^ *(0): //p'; }
command=$(attr command)
case "$command" in
  *" run $EXP data.dim=60 train.epochs=4 log.every.epochs=2 --out $WORK/a\"") pass "command is the command line";;
  *) fail "command attribute: $command";;
esac
[ "$(attr overrides)" = '"data.dim=60 train.epochs=4 log.every.epochs=2"' ] \
  && pass "overrides attribute" || fail "overrides attribute: $(attr overrides)"
case "$(attr ebm_version)" in
  \"[0-9]*.[0-9]*.[0-9]*) pass "ebm_version attribute";;
  *) fail "ebm_version attribute: $(attr ebm_version)";;
esac
[ "$(attr host)" = "\"$(hostname)\"" ] && pass "host attribute" || fail "host attribute: $(attr host)"
awk -v d="$(attr duration_s)" 'BEGIN { exit !(d > 0 && d < 3600) }' \
  && pass "duration_s attribute is a positive number" || fail "duration_s: $(attr duration_s)"

# one line per log point (epochs 0, 2, 4), in log.txt and on stderr
for f in "$WORK/a/log.txt" "$WORK/err"; do
  n=$(grep -c '^20[0-9-]*T[0-9:]*Z  epoch [024]/4  fixed_points ' "$f")
  [ "$n" -eq 3 ] && pass "$(basename "$f"): one line per log point" \
    || { fail "$(basename "$f"): $n log point lines, expected 3"; sed 's/^/  | /' "$f" >&2; }
done
expect_in "$WORK/err" "epoch 4/4  fixed_points 0  fixed_points_energy " "the line holds the metrics"
[ "$(grep -c $'\r' "$WORK/err")" -eq 0 ] && pass "no terminal redraws in a file" || fail "carriage returns in stderr"

# --quiet: none
"$EBM" run "$EXP" data.dim=60 train.epochs=2 --out "$WORK/q" --quiet >/dev/null 2>"$WORK/qerr" || fail "quiet run"
[ ! -s "$WORK/qerr" ] && pass "--quiet prints nothing on stderr" || fail "--quiet printed: $(cat "$WORK/qerr")"

# the end-of-run table: final values (headline first) and the verdict
expect_in "$WORK/out" "completed: final values" "the final values are printed"
sed -n 3p "$WORK/out" | grep -q '^  fixed_points  *0  *epoch 4$' && pass "the headline metric leads, at its epoch" \
  || fail "first row: $(sed -n 3p "$WORK/out")"
expect_in "$WORK/out" "expect: fraction of patterns that are fixed points after training = 0, documented [1, 1]" "the expect: entry is evaluated"
expect_in "$WORK/out" "): FAIL" "4 epochs of 60 units do not reach it: FAIL"
tail -1 "$WORK/out" | grep -qx "$RUN" && pass "the run file's path comes last" || fail "last line: $(tail -1 "$WORK/out")"
"$EBM" run "$SRC/experiments/hopfield-recall.yaml" --out "$WORK/r" --quiet >"$WORK/rout" 2>&1 || fail "recall run"
expect_in "$WORK/rout" "expect: fraction of stored patterns that are fixed points = 1, documented [1, 1]" "the recall expect: entry"
expect_in "$WORK/rout" "): PASS" "and it passes"
# A run that fails keeps why: show prints it, warns that a resume would meet
# it again, and --json carries it.
"$EBM" run "$SRC/experiments/rbm-bas.yaml" train.optim.lr=1e30 train.epochs=3 --out "$WORK/div" \
  --quiet >/dev/null 2>&1
[ $? -eq 1 ] && pass "a diverging run fails" || fail "a diverging run should exit 1"
"$EBM" show "$WORK/div" >"$WORK/show" 2>&1
expect_in "$WORK/show" "failure:     epoch 1: parameter W[0] is" "show prints why the run failed"
expect_in "$WORK/show" "once the cause of the failure above is gone" "and that a resume would meet it again"
"$EBM" show "$WORK/div" --json >"$WORK/json" 2>&1
python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); sys.exit(0 if "max_abs_param" in d["failure"] else 1)' \
  "$WORK/json" && pass "--json carries the failure" || fail "--json: $(cat "$WORK/json")"
finish
