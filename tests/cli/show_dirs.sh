# ebm show on a sweep directory (a row per point) and on a directory of runs
# (a row per run or sweep, newest first), as tables and as JSON that a JSON
# parser reads, with swept numbers as numbers.
source "$SRC/tests/cli/lib.bash"
EXP="$SRC/experiments/hopfield-capacity.yaml"

"$EBM" sweep "$EXP" data.dim=100 "data.load=0.05,1.5" "model.rule=hebbian,pseudo_inverse" \
  --out "$WORK/runs/sw" --quiet >/dev/null 2>&1   # 003 fails: more patterns than units
"$EBM" run "$SRC/experiments/hopfield-recall.yaml" --out "$WORK/runs/old" --quiet >/dev/null || fail "run old"
sleep 1.1   # so the second run starts a second later: newest first is then defined
# Both Hopfield experiments lead with fixed_points, the metric their expect
# block reads; the second names another headline, so the rows differ.
"$EBM" run "$SRC/experiments/hopfield-gradient.yaml" data.dim=60 train.epochs=2 log.headline=energy_gap \
  --out "$WORK/runs/new" --quiet >/dev/null || fail "run new"

expect_status 0 "show a sweep directory" -- "$EBM" show "$WORK/runs/sw"
expect_in "$WORK/out" "point  data.load  model.rule      status     duration   retrieval_overlap" "a header with the swept keys and the headline metric"
grep -q '^000    0.05       hebbian         completed  [0-9.]* s  *1$' "$WORK/out" && pass "a row per point" || fail "rows: $(cat "$WORK/out")"
grep -q '^003    1.5        pseudo_inverse  failed     -  *-$' "$WORK/out" && pass "the failed point" || fail "rows: $(cat "$WORK/out")"

expect_status 0 "show --json on a sweep" -- "$EBM" show "$WORK/runs/sw" --json
python3 - "$WORK/out" <<'PY' && pass "the sweep's JSON parses and holds the points" || fail "sweep JSON: $(cat "$WORK/out")"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["kind"] == "sweep" and d["keys"] == ["data.load", "model.rule"], d
rows = d["rows"]
assert [r["name"] for r in rows] == ["000", "001", "002", "003"], rows
assert rows[2]["values"] == {"data.load": 1.5, "model.rule": "hebbian"}, rows[2]
assert rows[0]["status"] == "completed" and rows[3]["status"] == "failed"
assert rows[0]["metrics"]["retrieval_overlap"] == 1 and rows[0]["duration_s"] > 0
assert rows[0]["overrides"] == "data.load=0.05 model.rule=hebbian"
PY

# A swept flow map: its whole value, spaces and all, not cut at the first
# space ("{type:" for every point); when too long for a column, the front the
# points share is elided so what differs shows. JSON keeps it whole.
"$EBM" sweep "$SRC/experiments/ebm-2d.yaml" train.epochs=1 data.n=400 data.valid=200 data.shape=two_moons \
  --out "$WORK/maps" --quiet >/dev/null 2>&1 || fail "sweep ebm-2d"
expect_status 0 "show a sweep of flow maps" -- "$EBM" show "$WORK/maps"
grep -q '^000  *two_moons  *\.\.\.sampler: {type: langevin, sweeps: 20, step: 0\.01}}  *completed' "$WORK/out" &&
  grep -q '^001  *two_moons  *\.\.\.sampler: {type: mh, kernel: gaussian, sweeps: 20, \.\.\.  *completed' "$WORK/out" &&
  pass "a swept map shows what differs between points" || fail "maps: $(cat "$WORK/out")"
expect_status 0 "show --json on a sweep of flow maps" -- "$EBM" show "$WORK/maps" --json
python3 - "$WORK/out" <<'PY' && pass "… and its JSON holds the whole values" || fail "maps JSON: $(cat "$WORK/out")"
import json, sys
rows = json.load(open(sys.argv[1]))["rows"]
assert rows[1]["values"]["train.sampler"].startswith("{type: short_run, start: replay,"), rows
assert rows[1]["values"]["train.sampler"].endswith("step: 0.3, adapt: false}}"), rows
PY

expect_status 0 "show a directory of runs" -- "$EBM" show "$WORK/runs"
expect_in "$WORK/out" "3 runs and sweeps, newest first" "the count"
names=$(sed -n '3,$p' "$WORK/out" | awk '{print $1}' | tr '\n' ' ')
[ "$names" = "new old sw " ] && pass "newest first: $names" || fail "order: $names ($(cat "$WORK/out"))"
grep -q '^sw  .*3/4 completed .* 4 points$' "$WORK/out" && pass "the sweep's row counts its points" || fail "sweep row: $(cat "$WORK/out")"
grep -q '^new  *completed  *[0-9.]* s  *20[0-9-]*T[0-9:]*Z  energy_gap -0\.[0-9]*$' "$WORK/out" && pass "a run's row: status, duration, start, headline" || fail "run row: $(cat "$WORK/out")"
grep -q '^old  *completed  *[0-9.]* s  *20[0-9-]*T[0-9:]*Z  fixed_points 1$' "$WORK/out" &&
  pass "… and a run without log.headline leads with its expect block's metric" ||
  fail "old row: $(cat "$WORK/out")"

expect_status 0 "show --json on a directory of runs" -- "$EBM" show "$WORK/runs" --json
python3 - "$WORK/out" <<'PY' && pass "the runs' JSON parses" || fail "runs JSON: $(cat "$WORK/out")"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["kind"] == "runs"
assert [(r["name"], r["kind"]) for r in d["rows"]] == [("new", "run"), ("old", "run"), ("sw", "sweep")]
assert d["rows"][0]["overrides"] == "data.dim=60 train.epochs=2 log.headline=energy_gap"
PY

# A completed run's expect: entries are checked again, as ebm run's end did.
expect_status 0 "show a run" -- "$EBM" show "$WORK/runs/old"
grep -qE '^expect: fraction of stored patterns that are fixed points = 1, documented \[1, 1\] \(Personnaz.*\): PASS$' "$WORK/out" &&
  pass "… with its expect: entry's verdict" || fail "show a run: $(cat "$WORK/out")"
# A completed run deletes its checkpoint: that is no error, and no resume is needed.
expect_in "$WORK/out" "checkpoint:  none (deleted when the run completed)" "a completed run's missing checkpoint explained"
expect_in "$WORK/out" "resume:      not needed (completed)" "… and no resume needed"

expect_status 0 "show --json on a run" -- "$EBM" show "$WORK/runs/new" --json
python3 - "$WORK/out" <<'PY' && pass "a run's JSON parses" || fail "run JSON: $(cat "$WORK/out")"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["kind"] == "run" and d["status"] == "completed" and d["last_epoch"] == 2
assert d["metrics"]["fixed_points"]["axis"] == "epoch" and d["metrics"]["fixed_points"]["at"] == 2
assert d["metrics"]["retrieval_energy"]["axis"] == "sweep"
assert " run " in d["command"] and d["duration_s"] > 0 and d["resumable"] is False
# 60 units trained 2 epochs: no pattern is a fixed point yet, documented 1
assert [(e["quantity"], e["obtained"], e["low"], e["pass"]) for e in d["expect"]] == \
    [("fraction of patterns that are fixed points after training", 0, 1, False)], d["expect"]
PY
expect_status 0 "show a run" -- "$EBM" show "$WORK/runs/new"
expect_in "$WORK/out" "overrides:   data.dim=60 train.epochs=2" "the run's overrides"
expect_in "$WORK/out" "last epoch:  2" "the last epoch"

# Entries only a sweep can check are counted, as ebm run's end counts them
# (hopfield-capacity's two crossings over data.load).
"$EBM" run "$SRC/experiments/hopfield-capacity.yaml" data.dim=60 --out "$WORK/cap" --quiet \
  >/dev/null || fail "run one point of hopfield-capacity"
expect_status 0 "show a run whose expect: block is the sweep's" -- "$EBM" show "$WORK/cap"
grep -qx 'expect: 2 more entries need the sweep (ebm sweep or ebm reproduce)' "$WORK/out" &&
  pass "… says how many entries need the sweep" || fail "show cap: $(cat "$WORK/out")"
expect_status 0 "show --json on it" -- "$EBM" show "$WORK/cap" --json
python3 - "$WORK/out" <<'PY' && pass "… and so does its JSON" || fail "cap JSON: $(cat "$WORK/out")"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["expect"] == [] and d["expect_need_sweep"] == 2, d
PY
finish
