# One writer per directory: runs started together get distinct directories
# (mkdir, never check-then-create); a second writer, a resume of a live run
# and a second sweep into a sweep's directory are refused at once with exit
# 2 and the holder's pid, while the live run goes on to complete; --force
# never moves a live directory aside; temporary files planted as symlinks
# are never written through. Every moment is fixed by the run itself (a
# SIGSTOP from the injector at a checkpoint, or flock(1) holding the lock),
# never by a timed poll.
source "$SRC/tests/cli/lib.bash"
TINY="$SRC/tests/fixtures/sample-tiny.yaml"
RBM="$SRC/tests/fixtures/resume-rbm.yaml"
: "${EBM_INTERRUPT_LIB:?EBM_INTERRUPT_LIB must name the signal injector library}"

# 20 runs of one experiment started together, default directories.
mkdir "$WORK/many" && cd "$WORK/many"
pids=()
for i in $(seq 20); do "$EBM" run "$TINY" --quiet >"out-$i" 2>"err-$i" & pids+=($!); done
bad=0
for p in "${pids[@]}"; do wait "$p" || bad=$((bad + 1)); done
cd "$WORK"
[ "$bad" -eq 0 ] && pass "20 runs started together: all exit 0" || { fail "$bad of 20 runs failed"; cat "$WORK"/many/err-* | sort | uniq -c | head >&2; }
# each prints its final values, then its run file's path last
n_dirs=$(for f in "$WORK"/many/out-*; do tail -n 1 "$f"; done | sort -u | wc -l)
n_done=0
for f in $(for f in "$WORK"/many/out-*; do tail -n 1 "$f"; done); do
  h5dump -a /status "$WORK/many/$f" 2>/dev/null | grep -q '"completed"' && n_done=$((n_done + 1))
done
[ "$n_dirs" -eq 20 ] && [ "$n_done" -eq 20 ] && pass "… in 20 distinct directories, each completed" ||
  fail "20 runs: $n_dirs distinct directories, $n_done completed"

# A live run, paused by the injector right after its second checkpoint.
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
  EBM_INTERRUPT_SIGNAL=STOP EBM_INTERRUPT_WHEN=checkpoint EBM_INTERRUPT_AFTER_CHECKPOINTS=2 \
  LD_PRELOAD="$EBM_INTERRUPT_LIB" "$EBM" run "$RBM" train.epochs=50 --out "$WORK/live" --quiet \
  >/dev/null 2>"$WORK/live-err" &
live=$!
# It stays stopped until we continue it, so this wait cannot miss it.
for _ in $(seq 6000); do
  [ "$(awk '{print $3}' /proc/$live/stat 2>/dev/null)" = T ] && break
  kill -0 "$live" 2>/dev/null || break
  sleep 0.05
done
[ "$(awk '{print $3}' /proc/$live/stat 2>/dev/null)" = T ] && pass "the live run paused at its checkpoint" ||
  fail "the live run did not pause"
expect_status 2 "resume of the live run is refused" -- "$EBM" run --resume "$WORK/live"
expect_in "$WORK/err" "another ebm process (pid $live) is writing this run" "… naming the live run's pid"
expect_status 2 "--out the live run's directory is refused" -- "$EBM" run "$RBM" --out "$WORK/live"
expect_status 2 "--out the live run's directory --force is refused" -- "$EBM" run "$RBM" --out "$WORK/live" --force
expect_in "$WORK/err" "(pid $live)" "… naming the live run's pid"
[ ! -e "$WORK/live.old-1" ] && pass "--force did not move the live run aside" || fail "--force moved a live run aside"
kill -CONT "$live"
wait "$live"; status=$?
[ "$status" -eq 0 ] && h5dump -a /status "$WORK/live/run.h5" 2>/dev/null | grep -q '"completed"' &&
  pass "the live run completed" || { fail "the live run: status $status"; sed 's/^/  | /' "$WORK/live-err" >&2; }

# A sweep's directory while another process holds it (flock(1) holds the
# lock for exactly as long as the command inside runs).
"$EBM" sweep "$TINY" seed=1,2 --out "$WORK/sw" --quiet >/dev/null 2>&1 || fail "a sweep"
[ -f "$WORK/sw/.ebm-lock" ] && pass "the sweep directory has its lock file" || fail "no $WORK/sw/.ebm-lock"
expect_status 2 "sweep --resume of a held sweep is refused" -- flock "$WORK/sw/.ebm-lock" "$EBM" sweep --resume "$WORK/sw"
expect_in "$WORK/err" "is writing this sweep" "… saying another process writes it"
expect_status 2 "sweep --out a held sweep --force is refused" -- flock "$WORK/sw/.ebm-lock" "$EBM" sweep "$TINY" seed=1,2 --out "$WORK/sw" --force
[ ! -e "$WORK/sw.old-1" ] && pass "--force did not move the held sweep aside" || fail "--force moved a held sweep aside"
mkdir -p "$WORK/fresh"
expect_status 2 "run --out a directory another process holds" -- flock "$WORK/fresh/.ebm-lock" "$EBM" run "$TINY" --out "$WORK/fresh"

# Symlinks planted as temporary files are never followed.
echo precious >"$WORK/outside"
mkdir -p "$WORK/planted"
ln -s "$WORK/outside" "$WORK/planted/config.yaml.tmp"
expect_status 0 "a run into a directory with a planted config.yaml.tmp" -- "$EBM" run "$TINY" --out "$WORK/planted" --quiet
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
  EBM_INTERRUPT_WHEN=checkpoint EBM_INTERRUPT_AFTER_CHECKPOINTS=2 LD_PRELOAD="$EBM_INTERRUPT_LIB" \
  "$EBM" run "$RBM" train.epochs=50 --out "$WORK/int" --quiet >/dev/null 2>&1
ln -s "$WORK/outside" "$WORK/int/checkpoint.h5.tmp"
ln -s "$WORK/outside" "$WORK/int/run.h5.tmp"
ln -s "$WORK/outside" "$WORK/int/run.h5.part"
expect_status 0 "resume with planted checkpoint.h5.tmp and run.h5.tmp" -- "$EBM" run --resume "$WORK/int" --quiet
[ "$(cat "$WORK/outside")" = precious ] && pass "the file the links point to is unchanged" || fail "a planted link was written through"
[ -f "$WORK/int/run.h5" ] && [ ! -L "$WORK/int/run.h5" ] && [ -f "$WORK/planted/config.yaml" ] && [ ! -L "$WORK/planted/config.yaml" ] &&
  pass "run.h5 and config.yaml are regular files" || fail "run.h5 or config.yaml is a link"
finish
