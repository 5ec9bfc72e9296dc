# Power loss: a training run is cut at 12 writes spread over its life by a
# preloaded library (tests/fault/lose_unsynced.c) that puts the run
# directory back to what had been fsync'd (file contents at their last
# fsync, names as of the directory's last fsync), as a disk would after the
# power fails, and then SIGKILLs the run. Afterwards:
#   - run.h5, once its creation was synced, is a run file `ebm show` reads;
#   - it holds every log point whose flush ebm had synced, and its values
#     are a prefix of the uninterrupted run's;
#   - a checkpoint whose rename was synced is there, and `ebm run --resume`
#     from it ends with the uninterrupted run's metrics and model, bit for bit.
# A control cut with fsync made ineffective (EBM_LOSE_NO_SYNC=1) must lose
# the run file, which shows the cut really discards unsynced writes.
source "$SRC/tests/cli/lib.bash"
: "${EBM_LOSE_LIB:?EBM_LOSE_LIB must name the power-cut library}"
# ASan wants its runtime first among the loaded libraries; the library is
# preloaded ahead of it, which is harmless here.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
cat >"$WORK/exp.yaml" <<'YAML'
name: lost-writes
seed: 7
data: {type: bars_stripes, side: 4}
model: {type: rbm, hidden: 8}
train: {epochs: 40, batch: 8, sampler: {type: cd, k: 1}, optim: {lr: 0.05}}
log:
  every: {epochs: 4}
  estimators:
    - {type: exact}
checkpoint: {steps: 30, minutes: 0}
YAML

series() {
  h5dump -y -w 0 -d "/metrics/$2/value" "$1" 2>/dev/null |
    sed -n '/DATA {/,/}/p' | grep -v 'DATA {\|}' | tr ',' '\n' | tr -d ' ' | grep -v '^$'
}
# results FILE: /metrics and /model as text, without the times.
results() { h5dump -g /metrics -g /model "$1" 2>/dev/null | sed 1d; }

# cut_run DIR LOG [VAR=VALUE...]: the run under the library.
cut_run() {
  local dir=$1 log=$2; shift 2
  env "$@" EBM_LOSE_DIR="$dir" EBM_LOSE_LOG="$log" LD_PRELOAD="$EBM_LOSE_LIB" \
    "$EBM" run "$WORK/exp.yaml" --out "$dir" --quiet >/dev/null 2>"$log.err"
}

"$EBM" run "$WORK/exp.yaml" --out "$WORK/ref" --quiet >/dev/null 2>"$WORK/ref.err" \
  || { fail "uninterrupted run failed"; sed 's/^/  | /' "$WORK/ref.err" >&2; finish; }
series "$WORK/ref/run.h5" exact_loglik >"$WORK/ref.values"
results "$WORK/ref/run.h5" >"$WORK/ref.results"
points=$(wc -l <"$WORK/ref.values")
[ "$points" -eq 11 ] && pass "reference: 11 log points" || fail "reference: $points log points, expected 11"

# How many writes the run makes (the library counts them, cutting nothing).
cut_run "$WORK/count" "$WORK/count.log" || fail "the run under the library (no cut) failed"
total=$(sed -n 's/^writes //p' "$WORK/count.log")
[ "${total:-0}" -gt 50 ] && pass "the run makes $total writes" || { fail "only '${total:-}' writes counted"; finish; }
# What the cuts can keep is what ebm syncs: every log point, the config and
# each checkpoint's rename.
syncs=$(grep -c '^sync run.h5$' "$WORK/count.log")
[ "$syncs" -ge "$points" ] && grep -q '^sync config.yaml' "$WORK/count.log" &&
  [ "$(grep -c '^dirsync$' "$WORK/count.log")" -ge 3 ] &&
  pass "uncut: run.h5 synced $syncs times, config.yaml and the renames synced" ||
  fail "uncut: run.h5 synced $syncs times for $points log points, or config.yaml or a rename not synced"
cmp -s <(results "$WORK/count/run.h5") "$WORK/ref.results" &&
  pass "under the library, uncut: the same results" || fail "the library changed the results"

for k in $(seq 1 12); do
  at=$((total * k / 13)); dir=$WORK/cut$k; log=$WORK/cut$k.log
  cut_run "$dir" "$log" EBM_LOSE_AT="$at"
  status=$?
  what="cut at write $at of $total"
  [ "$status" -eq 137 ] || { fail "$what: exit status $status, expected 137 (SIGKILL)"; continue; }
  events=$(sed -n '/^cut /q;p' "$log")
  # run.h5 exists durably once the rename of run.h5.part was synced.
  if ! echo "$events" | grep -q '^sync run.h5$'; then
    [ ! -s "$dir/run.h5" ] && pass "$what: before run.h5 was synced; none is left" ||
      fail "$what: a run.h5 survived that was never synced"
    continue
  fi
  "$EBM" show "$dir" >"$WORK/show$k" 2>&1 ||
    { fail "$what: ebm show cannot read what survived"; sed 's/^/  | /' "$WORK/show$k" >&2; continue; }
  # Log-point flushes: a sync of run.h5 followed by another event than a
  # checkpoint's sync (a sync just before the cut may have been the flush
  # before a checkpoint: not counted).
  flushed=$(echo "$events" | awk '$0 == "sync run.h5" { if (pending) n++; pending = 1; next }
    pending && /^sync checkpoint/ { pending = 0; next }
    pending { n++; pending = 0 } END { print n + 0 }')
  [ "$flushed" -gt "$points" ] && flushed=$points
  series "$dir/run.h5" exact_loglik >"$WORK/values$k"
  n=$(wc -l <"$WORK/values$k")
  if [ "$n" -ge "$flushed" ] && head -n "$n" "$WORK/ref.values" | cmp -s - "$WORK/values$k"; then
    pass "$what: $n log points survive ($flushed flushed), a prefix of the uninterrupted run"
  else
    fail "$what: $n log points survive, $flushed were flushed, or they differ from the run's"
  fi
  # A checkpoint is durable once a directory sync follows its sync.
  durable_ck=$(echo "$events" | awk '/^sync checkpoint/ { c = 1; next } c && $0 == "dirsync" { n++; c = 0 } END { print n + 0 }')
  if [ "$durable_ck" -eq 0 ]; then
    pass "$what: no checkpoint had been synced yet"; continue
  fi
  [ -s "$dir/checkpoint.h5" ] || { fail "$what: a synced checkpoint was lost"; continue; }
  if grep -q '^status:      completed' "$WORK/show$k"; then
    pass "$what: the run had completed"; continue
  fi
  if "$EBM" run --resume "$dir" --quiet >/dev/null 2>"$WORK/resume$k.err" &&
     cmp -s <(results "$dir/run.h5") "$WORK/ref.results"; then
    pass "$what: resumed from checkpoint $durable_ck to the uninterrupted run's results"
  else
    fail "$what: the resume failed or its results differ"; sed 's/^/  | /' "$WORK/resume$k.err" >&2
  fi
done

# The control: with fsync ignored, a cut in the middle leaves no run file.
cut_run "$WORK/nosync" "$WORK/nosync.log" EBM_LOSE_AT=$((total / 2)) EBM_LOSE_NO_SYNC=1
if [ ! -s "$WORK/nosync/run.h5" ] && ! "$EBM" show "$WORK/nosync" >/dev/null 2>&1; then
  pass "control: without fsync the same cut loses the run file"
else
  fail "control: without fsync the run file survived; the library does not cut"
fi
finish
