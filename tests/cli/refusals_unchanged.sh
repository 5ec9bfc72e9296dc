# Exit 2 means nothing changed: every refusal of run, run --resume, sweep,
# sweep --resume and sample against a directory that already holds results
# leaves that directory as it was, byte for byte (names, types, link targets
# and the content of every file). SQLite's rule: a failed operation leaves
# the database as it was.
source "$SRC/tests/cli/lib.bash"
RBM="$SRC/tests/fixtures/resume-rbm.yaml"
HOP="$SRC/experiments/hopfield-recall.yaml"

# snapshot DIR: every entry with its type and link target, every file's hash.
snapshot() {
  (cd "$1" && find . -printf '%y %p -> %l\n' | LC_ALL=C sort &&
     find . -type f -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum)
}

# refused DIR DESCRIPTION -- command...: exit status 2 and DIR unchanged.
refused() {
  local dir=$1 what=$2; shift 2
  snapshot "$dir" >"$WORK/before"
  expect_status 2 "$what: exit 2" "$@" || return
  snapshot "$dir" >"$WORK/after"
  if cmp -s "$WORK/before" "$WORK/after"; then pass "$what: $(basename "$dir") unchanged"
  else fail "$what: $(basename "$dir") changed"; diff "$WORK/before" "$WORK/after" | head >&2; fi
}

# A completed run, and an interrupted one with its checkpoint (a Ctrl-C from
# the injector right after the second checkpoint, never a timed poll).
"$EBM" run "$RBM" train.epochs=50 --out "$WORK/done" --quiet >/dev/null 2>&1 || fail "completed run"
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
  EBM_INTERRUPT_WHEN=checkpoint EBM_INTERRUPT_AFTER_CHECKPOINTS=2 LD_PRELOAD="$EBM_INTERRUPT_LIB" \
  "$EBM" run "$RBM" train.epochs=50 --out "$WORK/int" --quiet >/dev/null 2>&1
[ $? -eq 130 ] && [ -f "$WORK/int/checkpoint.h5" ] && pass "an interrupted run with a checkpoint" ||
  fail "the interrupted run should exit 130 and keep a checkpoint"
# A checkpoint of another model (4 hidden units, not 8).
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
  EBM_INTERRUPT_WHEN=checkpoint EBM_INTERRUPT_AFTER_CHECKPOINTS=2 LD_PRELOAD="$EBM_INTERRUPT_LIB" \
  "$EBM" run "$RBM" train.epochs=50 model.hidden=4 --out "$WORK/other" --quiet >/dev/null 2>&1

# run --resume: damaged checkpoints of every kind.
damaged() {   # damaged NAME: a copy of the interrupted run to damage
  rm -rf "$WORK/$1"; cp -a "$WORK/int" "$WORK/$1"; echo "$WORK/$1"
}
d=$(damaged truncated); head -c 3000 "$WORK/int/checkpoint.h5" >"$d/checkpoint.h5"
refused "$d" "resume, truncated checkpoint" -- "$EBM" run --resume "$d"
d=$(damaged garbage); echo "not hdf5" >"$d/checkpoint.h5"
refused "$d" "resume, not an HDF5 checkpoint" -- "$EBM" run --resume "$d"
d=$(damaged foreign); cp "$WORK/other/checkpoint.h5" "$d/checkpoint.h5"
refused "$d" "resume, another model's checkpoint" -- "$EBM" run --resume "$d"
expect_in "$WORK/err" "checkpoint" "… naming the checkpoint"
d=$(damaged bare)   # /checkpoint alone, without the run file around it
rm "$d/checkpoint.h5"; h5copy -i "$WORK/int/checkpoint.h5" -o "$d/checkpoint.h5" -s /checkpoint -d /checkpoint
refused "$d" "resume, a checkpoint that is not a run file" -- "$EBM" run --resume "$d"
# Another run's checkpoint of the same shapes: another seed, or the same
# config and seed run in another directory (told apart by the run_id).
for which in seed9:seed=9 twin:seed=5; do
  ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
    EBM_INTERRUPT_WHEN=checkpoint EBM_INTERRUPT_AFTER_CHECKPOINTS=2 LD_PRELOAD="$EBM_INTERRUPT_LIB" \
    "$EBM" run "$RBM" train.epochs=50 "${which#*:}" --out "$WORK/${which%%:*}" --quiet >/dev/null 2>&1
done
d=$(damaged foreign-seed); cp "$WORK/seed9/checkpoint.h5" "$d/checkpoint.h5"
refused "$d" "resume, a checkpoint of another seed" -- "$EBM" run --resume "$d"
expect_in "$WORK/err" "the checkpoint has 'seed: 9', config.yaml now gives 'seed: 5'" "… showing the line that differs"
d=$(damaged foreign-twin); cp "$WORK/twin/checkpoint.h5" "$d/checkpoint.h5"
refused "$d" "resume, a checkpoint of the same config run elsewhere" -- "$EBM" run --resume "$d"
expect_in "$WORK/err" "is another run's checkpoint" "… saying it is another run's"
d=$(damaged edited); sed -i 's/lr: 0.01/lr: 0.02/' "$d/config.yaml"
refused "$d" "resume, an edited config.yaml" -- "$EBM" run --resume "$d"
expect_in "$WORK/err" "config.yaml now gives '    lr: 0.02'" "… showing the edited line"
d=$(damaged noconfig); rm "$d/config.yaml"
refused "$d" "resume, no config.yaml" -- "$EBM" run --resume "$d"
refused "$WORK/done" "resume of a completed run" -- "$EBM" run --resume "$WORK/done"
refused "$WORK/int" "resume with a file" -- "$EBM" run "$RBM" --resume "$WORK/int"

# run: a bad config or bad data with --out onto results.
printf 'name: x\nmodel: {type: rbm, hiden: 3}\n' >"$WORK/bad.yaml"
refused "$WORK/done" "run, invalid config, --out a completed run" -- "$EBM" run "$WORK/bad.yaml" --out "$WORK/done"
refused "$WORK/int" "run, a sweep expression, --out an interrupted run" -- "$EBM" run "$RBM" seed=1,2 --out "$WORK/int"
printf 'name: x\ndata: {type: csv, path: %s}\nmodel: {type: rbm, hidden: 3}\n' "$WORK/missing.csv" >"$WORK/nodata.yaml"
refused "$WORK/done" "run, missing data file, --out a completed run" -- "$EBM" run "$WORK/nodata.yaml" --out "$WORK/done"

# sweep and sweep --resume against a completed sweep.
cp "$HOP" "$WORK/exp.yaml"
"$EBM" sweep "$WORK/exp.yaml" seed=1,2 --out "$WORK/sw" --quiet >/dev/null 2>&1 || fail "a completed sweep"
refused "$WORK/sw" "sweep, invalid config, --out a sweep" -- "$EBM" sweep "$WORK/bad.yaml" seed=1,2 --out "$WORK/sw"
refused "$WORK/sw" "sweep, bad grid, --out a sweep" -- "$EBM" sweep "$WORK/exp.yaml" "seed=range(1,x)" --out "$WORK/sw"
refused "$WORK/sw" "sweep --resume with a file" -- "$EBM" sweep "$WORK/exp.yaml" --resume "$WORK/sw"
sed -i 's/^seed: .*/seed: 99/' "$WORK/exp.yaml"
echo "seed: 99" >>"$WORK/exp.yaml"
refused "$WORK/sw" "sweep --resume of an edited experiment" -- "$EBM" sweep --resume "$WORK/sw"

# --out onto results is refused with the ways forward (never overwritten).
refused "$WORK/done" "run --out a completed run" -- "$EBM" run "$RBM" train.epochs=5 --out "$WORK/done"
expect_in "$WORK/err" "--force to move it aside" "… naming --resume, another --out and --force"
refused "$WORK/int" "run --out an interrupted run" -- "$EBM" run "$RBM" train.epochs=5 --out "$WORK/int"
refused "$WORK/sw" "run --out a sweep" -- "$EBM" run "$RBM" train.epochs=5 --out "$WORK/sw"
refused "$WORK/sw" "sweep --out a completed sweep" -- "$EBM" sweep "$HOP" seed=1,2 --out "$WORK/sw"
expect_in "$WORK/err" "ebm sweep --resume $WORK/sw" "… naming sweep --resume"
refused "$WORK/done" "sweep --out a run" -- "$EBM" sweep "$HOP" seed=1,2 --out "$WORK/done"
refused "$WORK/done" "sample --out the run's run.h5" -- "$EBM" sample "$WORK/done" --out "$WORK/done/run.h5"
refused "$WORK/done" "sample --out the run's config.yaml, forced" -- "$EBM" sample "$WORK/done/run.h5" --out "$WORK/done/config.yaml" --force
refused "$WORK/done" "sample --out the run's checkpoint name" -- "$EBM" sample "$WORK/done" --out "$WORK/done/../done/checkpoint.h5"
"$EBM" sample "$WORK/done" --n 2 --out "$WORK/done/s.h5" >/dev/null 2>&1 || fail "sample into a new file"
refused "$WORK/done" "sample --out an existing file" -- "$EBM" sample "$WORK/done" --n 2 --out "$WORK/done/s.h5"

# --force moves the old results aside, byte for byte, and writes afresh.
snapshot "$WORK/done" >"$WORK/before"
expect_status 0 "run --out a completed run --force" -- "$EBM" run "$RBM" train.epochs=5 --out "$WORK/done" --force --quiet
snapshot "$WORK/done.old-1" >"$WORK/after"
cmp -s "$WORK/before" "$WORK/after" && pass "--force: the old run is done.old-1, unchanged" ||
  fail "--force: done.old-1 is not the old run"
h5dump -a /status "$WORK/done/run.h5" 2>/dev/null | grep -q '"completed"' && pass "--force: a new run in done" ||
  fail "--force: no new completed run in done"
snapshot "$WORK/sw" >"$WORK/before"
expect_status 0 "sweep --out a sweep --force" -- "$EBM" sweep "$HOP" seed=1,2 --out "$WORK/sw" --force --quiet
snapshot "$WORK/sw.old-1" >"$WORK/after"
cmp -s "$WORK/before" "$WORK/after" && pass "--force: the old sweep is sw.old-1, unchanged" ||
  fail "--force: sw.old-1 is not the old sweep"
expect_status 0 "sample --out an existing file --force" -- "$EBM" sample "$WORK/done.old-1" --n 2 --out "$WORK/done.old-1/s.h5" --force
[ -f "$WORK/done.old-1/s.h5.old-1" ] && pass "--force: the old samples file is s.h5.old-1" || fail "--force: no s.h5.old-1"

# sample: bad options and overrides against a completed run.
refused "$WORK/done" "sample --n 0" -- "$EBM" sample "$WORK/done" --n 0
refused "$WORK/done" "sample, unknown sampler key" -- "$EBM" sample "$WORK/done" sampler.bogus=1
refused "$WORK/done" "sample, bad --clamp" -- "$EBM" sample "$WORK/done" --clamp x=1
refused "$WORK/int" "sample, bad override" -- "$EBM" sample "$WORK/int" model.hidden=3
finish
