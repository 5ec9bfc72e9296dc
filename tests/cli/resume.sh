# `ebm run --resume DIR` after SIGKILL (three moments each: right after the
# first checkpoints, mid-run, late) and after Ctrl-C gives a run file whose
# metrics and parameters equal an uninterrupted run's bit for bit: an RBM
# with PCD chains, Adam moments and a sparsity running mean, one with
# parallel tempering (its chains from noise and from data), and an MLP energy
# with a replay buffer.
source "$SRC/tests/cli/lib.bash"

# dump RUN_H5: what must match (metrics and parameters), in h5dump's text.
dump() { (cd "$(dirname "$1")" && h5dump -g /metrics run.h5 && h5dump -g /model run.h5); }

# checkpoint_step DIR: the step of DIR's checkpoint, or -1.
checkpoint_step() {
  h5dump -a /checkpoint/step "$1/checkpoint.h5" 2>/dev/null |
    sed -n 's/^ *(0): \([0-9]*\).*/\1/p' | head -1 | grep . || echo -1
}

# kill_at NAME EXP TARGET INTERVAL [overrides]: runs EXP with checkpoints
# every INTERVAL steps, SIGKILLs it past its first checkpoint at or after step
# TARGET, resumes it and compares with the reference. The kill comes from the
# preloaded injector, at a moment fixed by what the run has done (a poll
# could miss the checkpoint on a busy machine, or stop the run inside a
# flush, where a kill can leave run.h5 unreadable; resume does not need it,
# but that is not what this checks):
#  - step 0: right after the set-up checkpoint, before the step-0 log point;
#  - later: at the first run-file flush after that checkpoint (the flush of
#    a log point, or the one before the next checkpoint), so the run has
#    trained past the checkpoint and the resume must redo that part.
kill_at() {
  local name=$1 exp=$2 target=$3 interval=$4; shift 4
  local dir="$WORK/$name" when=flush
  local after=$(( (target + interval - 1) / interval + 1 ))   # the set-up one is the first
  [ "$target" -eq 0 ] && when=checkpoint
  { ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
      EBM_INTERRUPT_SIGNAL=KILL EBM_INTERRUPT_WHEN=$when EBM_INTERRUPT_AFTER_CHECKPOINTS=$after \
      LD_PRELOAD="$EBM_INTERRUPT_LIB" "$EBM" run "$exp" "$@" --out "$dir" --quiet \
      >/dev/null 2>&1; } 2>/dev/null   # (bash's "Killed" notice)
  local status=$? step
  step=$(checkpoint_step "$dir")
  [ "$status" -eq 137 ] && [ "$step" -ge "$target" ] ||
    { fail "$name: expected a kill (status 137) past a checkpoint at step $target or later, got status $status, step $step"; return; }
  h5dump -a /status "$dir/run.h5" 2>/dev/null | grep -q '"running"' ||
    fail "$name: a killed run's file should still say running"
  [ -e "$WORK/killed" ] || cp -r "$dir" "$WORK/killed"
  "$EBM" run --resume "$dir" --quiet >/dev/null 2>"$WORK/err" ||
    { fail "$name: resume failed"; sed 's/^/  | /' "$WORK/err" >&2; return; }
  dump "$dir/run.h5" >"$WORK/$name.txt"
  if cmp -s "$WORK/$name.txt" "$REF"; then
    pass "$name: killed at checkpoint step $step, resumed: identical metrics and parameters"
  else
    fail "$name: resumed run differs from the uninterrupted one"
    diff "$WORK/$name.txt" "$REF" | head -10 >&2
  fi
  h5dump -a /status "$dir/run.h5" 2>/dev/null | grep -q '"completed"' ||
    fail "$name: the resumed run should end completed"
  [ ! -e "$dir/checkpoint.h5" ] || fail "$name: a completed run keeps no checkpoint"
}

: "${EBM_INTERRUPT_LIB:?EBM_INTERRUPT_LIB must name the signal injector library}"
RBM="$SRC/tests/fixtures/resume-rbm.yaml"
EBMX="$SRC/tests/fixtures/resume-ebm.yaml"
# Under sanitizers every run is several times slower: shorter runs, the same
# kill moments relative to their length.
RBM_EPOCHS=1000 EBM_EPOCHS=60
sanitized && RBM_EPOCHS=400 EBM_EPOCHS=30
RBM_STEPS=$((RBM_EPOCHS * 4)) EBM_STEPS=$((EBM_EPOCHS * 8))

"$EBM" run "$RBM" train.epochs=$RBM_EPOCHS --out "$WORK/rbm-ref" --quiet >/dev/null || fail "reference RBM run"
dump "$WORK/rbm-ref/run.h5" >"$WORK/rbm-ref.txt"
expect_in "$WORK/rbm-ref.txt" 'DATASET "W"' "the reference run file holds the weights"
REF="$WORK/rbm-ref.txt"
# Checkpoints every 97 steps.
kill_at rbm-early "$RBM" 0 97 train.epochs=$RBM_EPOCHS
kill_at rbm-mid "$RBM" $((RBM_STEPS * 3 / 10)) 97 train.epochs=$RBM_EPOCHS
kill_at rbm-late "$RBM" $((RBM_STEPS * 65 / 100)) 97 train.epochs=$RBM_EPOCHS

# A kill inside a flush can leave run.h5 unreadable (HDF5 rewrites its
# metadata in place; the README says so and cli_crash_kill meets it now and
# then): the checkpoint holds the run. Stand-in: the first killed run's
# run.h5 cut to its first 2 KiB.
cp -r "$WORK/killed" "$WORK/torn"
truncate -s 2048 "$WORK/torn/run.h5"
expect_status 0 "a torn run.h5: ebm show still reads the run" -- "$EBM" show "$WORK/torn"
expect_in "$WORK/out" "shown as of the checkpoint" "… from its checkpoint"
expect_in "$WORK/out" "resume:      yes" "… and says it can be resumed"
"$EBM" run --resume "$WORK/torn" --quiet >/dev/null 2>"$WORK/err" ||
  { fail "a torn run.h5: resume failed"; sed 's/^/  | /' "$WORK/err" >&2; }
dump "$WORK/torn/run.h5" >"$WORK/torn.txt" 2>/dev/null
cmp -s "$WORK/torn.txt" "$REF" && pass "a torn run.h5, resumed: identical metrics and parameters" ||
  fail "a torn run.h5, resumed: differs from the uninterrupted run"

PT=(train.sampler.type=pt train.sampler.temperatures=4 train.epochs=$((RBM_EPOCHS * 2 / 5)))
"$EBM" run "$RBM" "${PT[@]}" --out "$WORK/pt-ref" --quiet >/dev/null || fail "reference PT run"
dump "$WORK/pt-ref/run.h5" >"$WORK/pt-ref.txt"
REF="$WORK/pt-ref.txt"
kill_at pt-mid "$RBM" $((RBM_STEPS * 7 / 40)) 97 "${PT[@]}"
# Killed (by the injector, not a poll) right after its step-97 checkpoint, the
# one after set-up's: an odd number of sweeps, so a resume that forgot which
# neighbour pairs swap next would differ from the uninterrupted run.
: "${EBM_INTERRUPT_LIB:?EBM_INTERRUPT_LIB must name the signal injector library}"
{ ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
    EBM_INTERRUPT_SIGNAL=KILL EBM_INTERRUPT_WHEN=checkpoint EBM_INTERRUPT_AFTER_CHECKPOINTS=2 \
    LD_PRELOAD="$EBM_INTERRUPT_LIB" "$EBM" run "$RBM" "${PT[@]}" --out "$WORK/pt-odd" --quiet \
    >/dev/null 2>&1; } 2>/dev/null   # (bash's "Killed" notice)
status=$?
step=$(checkpoint_step "$WORK/pt-odd")
[ "$status" -eq 137 ] && [ "$step" -eq 97 ] && pass "pt: killed right after the step-97 checkpoint" ||
  fail "pt: expected a kill (status 137) at checkpoint step 97, got status $status, step $step"
"$EBM" run --resume "$WORK/pt-odd" --quiet >/dev/null 2>"$WORK/err" || fail "pt: resume after the kill"
dump "$WORK/pt-odd/run.h5" >"$WORK/pt-odd.txt"
cmp -s "$WORK/pt-odd.txt" "$REF" && pass "pt: killed at an odd sweep, resumed: identical" ||
  fail "pt: killed at an odd sweep, resumed: differs from the uninterrupted run"

# start: data — the chains begin at training rows (set up before the first
# checkpoint), PT's replicas at their chain's row at the first step: killed
# right after the set-up checkpoint (random replicas, no step taken) and
# mid-run, where a resume must not start the replicas again.
# The set-up checkpoint's chains (16 visible units of the 4x4 bars and
# stripes, then 8 hidden) are pictures of bars or stripes from data, and
# not all of them are from noise.
pictures() {
  h5dump -y -w 0 -d /checkpoint/state/trainer/chains "$1/checkpoint.h5" |
    sed -n '/DATA {/,/}/p' | tr -c '0-9.\n-' ' ' | tr -s ' ' '\n' | grep . |
    awk '{ x[n++] = $1 } END {
      if (n == 0 || n % 24) exit 1
      for (c = 0; c < n / 24; c++) {
        rows = 1; cols = 1
        for (i = 0; i < 4; i++) for (j = 1; j < 4; j++) {
          if (x[c*24 + 4*i + j] != x[c*24 + 4*i]) rows = 0
          if (x[c*24 + 4*j + i] != x[c*24 + i]) cols = 0
        }
        if (!rows && !cols) exit 1
      }
    }'
}
for start in noise data; do
  { ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
      EBM_INTERRUPT_SIGNAL=KILL EBM_INTERRUPT_WHEN=checkpoint EBM_INTERRUPT_AFTER_CHECKPOINTS=1 \
      LD_PRELOAD="$EBM_INTERRUPT_LIB" "$EBM" run "$RBM" train.sampler.start=$start \
      --out "$WORK/start-$start" --quiet >/dev/null 2>&1; } 2>/dev/null
  if pictures "$WORK/start-$start"; then got=rows; else got=other; fi
  want=other; [ $start = data ] && want=rows
  [ $got = $want ] && pass "start=$start: the chains at step 0 are $want" ||
    fail "start=$start: the chains at step 0 are $got, expected $want"
done
PTD=("${PT[@]}" train.sampler.start=data)
"$EBM" run "$RBM" "${PTD[@]}" --out "$WORK/pt-data-ref" --quiet >/dev/null || fail "reference PT run from data"
dump "$WORK/pt-data-ref/run.h5" >"$WORK/pt-data-ref.txt"
REF="$WORK/pt-data-ref.txt"
kill_at pt-data-early "$RBM" 0 97 "${PTD[@]}"
kill_at pt-data-mid "$RBM" $((RBM_STEPS * 7 / 40)) 97 "${PTD[@]}"

"$EBM" run "$EBMX" train.epochs=$EBM_EPOCHS --out "$WORK/ebm-ref" --quiet >/dev/null || fail "reference energy run"
dump "$WORK/ebm-ref/run.h5" >"$WORK/ebm-ref.txt"
REF="$WORK/ebm-ref.txt"
# Checkpoints every 9 steps.
kill_at ebm-early "$EBMX" 0 9 train.epochs=$EBM_EPOCHS
kill_at ebm-mid "$EBMX" $((EBM_STEPS * 3 / 10)) 9 train.epochs=$EBM_EPOCHS
kill_at ebm-late "$EBMX" $((EBM_STEPS * 7 / 10)) 9 train.epochs=$EBM_EPOCHS

# Ctrl-C: the run stops between minibatches, checkpoints there, says
# interrupted; resuming finishes it identically. The SIGINT comes from the
# preloaded injector at the first run-file flush after the step-1000
# checkpoint (a log point), so where it lands depends on the run alone, never
# on how busy the machine is.
REF="$WORK/rbm-ref.txt"
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
  EBM_INTERRUPT_AFTER_CHECKPOINTS=2 LD_PRELOAD="$EBM_INTERRUPT_LIB" \
  "$EBM" run "$RBM" train.epochs=$RBM_EPOCHS checkpoint.steps=1000 --out "$WORK/int" --quiet >/dev/null 2>&1
status=$?
[ "$status" -eq 130 ] && pass "Ctrl-C: exit status 130" || fail "Ctrl-C: exit status $status"
h5dump -a /status "$WORK/int/run.h5" 2>/dev/null | grep -q '"interrupted"' &&
  pass "Ctrl-C: the run file says interrupted" || fail "Ctrl-C: the run file should say interrupted"
step=$(checkpoint_step "$WORK/int")
# Regular checkpoints fall at 0 and 1000 (the second one armed the injector):
# one past 1000 and before 2000 was written where the run stopped.
[ "$step" -gt 1000 ] && [ "$step" -lt 2000 ] && pass "Ctrl-C wrote a checkpoint where it stopped (step $step)" ||
  fail "Ctrl-C: the checkpoint is at step $step, not where the run stopped"
"$EBM" run --resume "$WORK/int" --quiet >/dev/null 2>"$WORK/err" || fail "resume after Ctrl-C"
dump "$WORK/int/run.h5" >"$WORK/int.txt"
cmp -s "$WORK/int.txt" "$REF" && pass "Ctrl-C, resumed: identical" || fail "Ctrl-C, resumed: differs"

# Misuse: a completed run, a directory that is not a run, a damaged checkpoint.
expect_status 2 "resume refuses a completed run" -- "$EBM" run --resume "$WORK/rbm-ref"
expect_in "$WORK/err" "has completed" "… and says so"
mkdir -p "$WORK/empty"
expect_status 2 "resume refuses a directory without config.yaml" -- "$EBM" run --resume "$WORK/empty"
echo "not hdf5" >"$WORK/killed/checkpoint.h5"
expect_status 2 "resume refuses a damaged checkpoint" -- "$EBM" run --resume "$WORK/killed"
expect_in "$WORK/err" "checkpoint.h5" "… naming the file"
expect_status 2 "resume takes no experiment file" -- "$EBM" run "$RBM" --resume "$WORK/killed"
finish
