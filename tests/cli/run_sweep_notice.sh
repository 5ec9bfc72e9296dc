# `ebm run` on a file with a `sweep:` block runs the base config and says so
# on stderr (exit 0, not an error); a run that sets every swept key, as each
# point of `ebm sweep` does, and a file without the block get no notice.
source "$SRC/tests/cli/lib.bash"

cat >exp.yaml <<'YAML'
name: notice
seed: 1
data: {type: bars_stripes, side: 2}
model: {type: rbm, hidden: 2}
train: {epochs: 1, batch: 4, sampler: {type: cd, k: 1}, optim: {lr: 0.1}}
sweep:
  model.hidden: [1, 2, 3]
  seed: "range(1,3)"
YAML
grep -v -e '^sweep:' -e '^  ' exp.yaml >plain.yaml

note="note: exp.yaml has a sweep: block (6 points); \`ebm run\` runs the base config; use \`ebm sweep exp.yaml\` for the grid"

expect_status 0 "run of a file with a sweep block succeeds" -- \
  "$EBM" run exp.yaml --out base --quiet
expect_in "$WORK/err" "$note" "the notice names the file, the grid size and ebm sweep"
[ -f base/run.h5 ] && pass "the base config ran" || fail "no base/run.h5"
ran_hidden=$(grep -c 'hidden: 2' base/config.yaml)
[ "$ran_hidden" -ge 1 ] && pass "the base value (hidden 2) was run" || fail "base/config.yaml lacks hidden: 2"

expect_status 0 "a run with one swept key set" -- \
  "$EBM" run exp.yaml model.hidden=3 --out one --quiet
expect_in "$WORK/err" "note: exp.yaml has a sweep: block" "one key left at its base value: still noted"

expect_status 0 "a run that sets every swept key (a sweep point)" -- \
  "$EBM" run exp.yaml model.hidden=3 seed=2 --out point --quiet
if grep -q "note:" "$WORK/err"; then fail "a sweep point was given the notice"; sed 's/^/  | /' "$WORK/err" >&2
else pass "no notice for a sweep point"; fi

expect_status 0 "a file without a sweep block" -- "$EBM" run plain.yaml --out plain --quiet
if grep -q "note:" "$WORK/err"; then fail "notice without a sweep block"; else pass "no notice without a sweep block"; fi

# ebm sweep's own points run `ebm run` with every key set: no notice in their logs
expect_status 0 "the sweep itself" -- "$EBM" sweep exp.yaml --out grid --quiet
n_logs=$(find grid -name log.txt | wc -l)
[ "$n_logs" -eq 6 ] && pass "6 point logs" || fail "$n_logs point logs, expected 6"
if grep -l "note:" $(find grid -name log.txt) >/dev/null 2>&1; then fail "a point's log holds the notice"
else pass "no point log holds the notice"; fi

finish
