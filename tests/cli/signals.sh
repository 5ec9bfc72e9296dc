# Signals save work: SIGHUP (a closed terminal or ssh session) stops a run
# like SIGTERM and SIGINT — between minibatches, with a checkpoint, status
# `interrupted`, exit 130 — and the resumed run equals an uninterrupted one;
# the set-up checkpoint is written before the step-0 log point, so a signal
# during that log point still leaves a checkpoint to resume from. Each
# signal comes from the preloaded injector at a moment fixed by the run
# itself, never by the clock.
source "$SRC/tests/cli/lib.bash"
RBM="$SRC/tests/fixtures/resume-rbm.yaml"
: "${EBM_INTERRUPT_LIB:?EBM_INTERRUPT_LIB must name the signal injector library}"
dump() { (cd "$(dirname "$1")" && h5dump -g /metrics run.h5 && h5dump -g /model run.h5); }
status_of() { h5dump -a /status "$1/run.h5" 2>/dev/null | sed -n 's/.*(0): "\(.*\)".*/\1/p'; }
inject() {   # inject SIGNAL WHEN AFTER DIR: a run signalled by the injector
  ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
    EBM_INTERRUPT_SIGNAL=$1 EBM_INTERRUPT_WHEN=$2 EBM_INTERRUPT_AFTER_CHECKPOINTS=$3 \
    LD_PRELOAD="$EBM_INTERRUPT_LIB" "$EBM" run "$RBM" train.epochs=50 --out "$4" --quiet >/dev/null 2>&1
}

"$EBM" run "$RBM" train.epochs=50 --out "$WORK/ref" --quiet >/dev/null 2>&1 || fail "reference run"
dump "$WORK/ref/run.h5" >"$WORK/ref.txt"

# SIGHUP right after the second checkpoint.
inject HUP checkpoint 2 "$WORK/hup"; status=$?
[ "$status" -eq 130 ] && pass "SIGHUP: exit status 130" || fail "SIGHUP: exit status $status, expected 130"
[ "$(status_of "$WORK/hup")" = interrupted ] && pass "SIGHUP: status interrupted" ||
  fail "SIGHUP: status '$(status_of "$WORK/hup")', expected interrupted"
[ -f "$WORK/hup/checkpoint.h5" ] && pass "SIGHUP: a checkpoint was written" || fail "SIGHUP: no checkpoint"
"$EBM" run --resume "$WORK/hup" --quiet >/dev/null 2>"$WORK/err" || fail "SIGHUP: resume failed"
dump "$WORK/hup/run.h5" >"$WORK/hup.txt"
cmp -s "$WORK/hup.txt" "$WORK/ref.txt" && pass "SIGHUP, resumed: identical to the uninterrupted run" ||
  fail "SIGHUP, resumed: differs from the uninterrupted run"

# Ctrl-C during the step-0 log point: the injector raises SIGINT as the run
# file's skeleton becomes run.h5, so the run meets the stop request in that
# log point, which the estimator (exact) honours.
inject INT publish 0 "$WORK/start"; status=$?
[ "$status" -eq 130 ] && pass "Ctrl-C at the start: exit status 130" || fail "Ctrl-C at the start: exit status $status"
[ -f "$WORK/start/checkpoint.h5" ] && pass "Ctrl-C during the step-0 log point leaves a checkpoint" ||
  fail "Ctrl-C during the step-0 log point left no checkpoint"
"$EBM" run --resume "$WORK/start" --quiet >/dev/null 2>"$WORK/err" || { fail "resume after a Ctrl-C at the start"; sed 's/^/  | /' "$WORK/err" >&2; }
dump "$WORK/start/run.h5" >"$WORK/start.txt"
cmp -s "$WORK/start.txt" "$WORK/ref.txt" && pass "Ctrl-C at the start, resumed: identical (step 0 logged once)" ||
  { fail "Ctrl-C at the start, resumed: differs"; diff "$WORK/start.txt" "$WORK/ref.txt" | head >&2; }

# A kill right after the set-up checkpoint (before step 0 is logged).
{ inject KILL checkpoint 1 "$WORK/kill0"; } 2>/dev/null
"$EBM" run --resume "$WORK/kill0" --quiet >/dev/null 2>"$WORK/err" || fail "resume after a kill at the set-up checkpoint"
dump "$WORK/kill0/run.h5" >"$WORK/kill0.txt"
cmp -s "$WORK/kill0.txt" "$WORK/ref.txt" && pass "killed at the set-up checkpoint, resumed: identical" ||
  fail "killed at the set-up checkpoint, resumed: differs"
finish
