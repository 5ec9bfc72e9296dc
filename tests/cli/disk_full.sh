# A failed write (ENOSPC, EIO), simulated by the LD_PRELOAD injector in
# tests/fault/: the run stops with a message naming the file and the errno
# text, keeps the last good checkpoint, and leaves no checkpoint.h5.tmp.
source "$SRC/tests/cli/lib.bash"
: "${EBM_FAULT_LIB:?EBM_FAULT_LIB must name the fault injector library}"
# ASan wants its runtime first among the loaded libraries; the injector is
# preloaded ahead of it, which is harmless here.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
cat >"$WORK/exp.yaml" <<'YAML'
name: disk-full
seed: 5
data: {type: bars_stripes, side: 4}
model: {type: rbm, hidden: 8}
train: {epochs: 400, batch: 8, sampler: {type: cd, k: 1}, optim: {lr: 0.05}}
log:
  every: {epochs: 1}
  estimators: [{type: reconstruction}, {type: filters}]
checkpoint: {steps: 40}
YAML

# faulty_run NAME PATH_SUBSTRING BYTES ERRNO: the run, with writes to files
# matching PATH_SUBSTRING failing after BYTES bytes.
faulty_run() {
  EBM_FAULT_PATH=$2 EBM_FAULT_AFTER=$3 EBM_FAULT_ERRNO=$4 LD_PRELOAD="$EBM_FAULT_LIB" \
    "$EBM" run "$WORK/exp.yaml" --out "$WORK/$1" --quiet >"$WORK/$1.out" 2>"$WORK/$1.err"
  echo $? >"$WORK/$1.status"
}

check_checkpoint_kept() {
  local dir=$WORK/$1
  [ ! -e "$dir/checkpoint.h5.tmp" ] && pass "$1: no checkpoint.h5.tmp left" || fail "$1: checkpoint.h5.tmp left behind"
  h5dump -a /checkpoint/epoch "$dir/checkpoint.h5" >/dev/null 2>&1 \
    && pass "$1: checkpoint.h5 reads with h5dump" || fail "$1: checkpoint.h5 unreadable"
  "$EBM" show "$dir" >"$WORK/$1.show" 2>&1 && pass "$1: ebm show exits 0" || fail "$1: ebm show failed"
  expect_in "$WORK/$1.show" "checkpoint:  epoch 0, minibatch 0, gradient step 0" "$1: show reports the checkpoint before the fault"
  expect_in "$WORK/$1.show" "resume:      yes: ebm run --resume $dir" "$1: show advises --resume"
}

# A full disk under run.h5 mid-run (the first checkpoint, at step 0, is
# written by then: 40 KB of run file is about 6 epochs).
for errno_name in ENOSPC EIO; do
  name=run-$errno_name
  faulty_run "$name" run.h5 60000 "$errno_name"
  status=$(cat "$WORK/$name.status")
  [ "$status" -eq 1 ] && pass "$name: exit status 1" || { fail "$name: exit status $status, expected 1"; sed 's/^/  | /' "$WORK/$name.err" >&2; }
  text=$([ "$errno_name" = EIO ] && echo "Input/output error" || echo "No space left on device")
  expect_in "$WORK/$name.err" "$WORK/$name/run.h5: cannot flush: $text" "$name: the message names run.h5 and says '$text'"
  check_checkpoint_kept "$name"
  # The status could not be written (HDF5 cannot write to a file after a
  # failed flush): show says what it can tell, and the metrics flushed
  # before the fault are there.
  expect_in "$WORK/$name.show" "status:      running (or killed: no process has it open)" "$name: show says no process has the file"
  expect_in "$WORK/$name.show" "reconstruction" "$name: metrics up to the last flush are readable"
done

# A full disk while the second checkpoint is written: the first stays, the
# run stops naming the temporary file, and run.h5 (still writable) says
# failed.
faulty_run ckpt checkpoint.h5.tmp 60000 ENOSPC
status=$(cat "$WORK/ckpt.status")
[ "$status" -eq 1 ] && pass "ckpt: exit status 1" || { fail "ckpt: exit status $status, expected 1"; sed 's/^/  | /' "$WORK/ckpt.err" >&2; }
expect_in "$WORK/ckpt.err" "$WORK/ckpt/checkpoint.h5.tmp: cannot" "ckpt: the message names checkpoint.h5.tmp"
expect_in "$WORK/ckpt.err" "No space left on device" "ckpt: the message says the disk is full"
check_checkpoint_kept ckpt
expect_in "$WORK/ckpt.show" "status:      failed" "ckpt: run.h5 status is failed"
h5dump -a /status "$WORK/ckpt/run.h5" >"$WORK/ckpt.status.h5" 2>&1 || fail "ckpt: h5dump cannot read run.h5"
expect_in "$WORK/ckpt.status.h5" '"failed"' "ckpt: h5dump reads status failed"
# Every log point is forced to the disk: at least one fsync of run.h5 per
# log point (5 epochs and step 0), so a power cut keeps what was logged.
EBM_FAULT_PATH=run.h5 EBM_FAULT_AFTER=1000000000000 EBM_FAULT_COUNT="$WORK/fsyncs" \
  LD_PRELOAD="$EBM_FAULT_LIB" "$EBM" run "$WORK/exp.yaml" train.epochs=5 \
  --out "$WORK/durable" --quiet >/dev/null 2>"$WORK/durable.err" || fail "durable: the run failed"
fsyncs=$(cat "$WORK/fsyncs" 2>/dev/null | wc -l)
[ "$fsyncs" -ge 6 ] && pass "run.h5 is fsynced at every log point ($fsyncs fsyncs for 6 log points)" ||
  fail "run.h5 was fsynced $fsyncs times for 6 log points"

finish
