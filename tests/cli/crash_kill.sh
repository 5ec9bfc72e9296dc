# Crash safety: a run killed with SIGKILL at 20 moments leaves a run.h5 that
# h5dump, `ebm show` and `ebm plot` read, holding a prefix of the
# uninterrupted run's metrics (every log point up to the last flush). A kill
# inside a flush can leave run.h5 unreadable (HDF5 rewrites its metadata in
# place; the README says so): then nothing may be lost, so `ebm show` must
# read the run from its checkpoint and `ebm run --resume` must finish it with
# the uninterrupted run's metrics. The early kills land on the step-0 flush,
# the largest one, so a busy machine makes that case come up.
source "$SRC/tests/cli/lib.bash"
export HDF5_USE_FILE_LOCKING=FALSE   # h5dump on a file a killed run may still hold
cat >"$WORK/exp.yaml" <<'YAML'
name: crash-kill
seed: 5
data: {type: bars_stripes, side: 4}
model: {type: rbm, hidden: 8}
train: {epochs: 300, batch: 8, sampler: {type: cd, k: 1}, optim: {lr: 0.05}}
log:
  every: {epochs: 1}
  estimators:
    - {type: reconstruction}
    - {type: pseudo_likelihood}
    - {type: filters, every: {epochs: 20}}
checkpoint: {steps: 200}
YAML

# series FILE METRIC: the metric's values, one a line, as h5dump prints them.
series() {
  h5dump -y -w 0 -d "/metrics/$2/value" "$1" 2>/dev/null |
    sed -n '/DATA {/,/}/p' | grep -v 'DATA {\|}' | tr ',' '\n' | tr -d ' ' | grep -v '^$'
}

"$EBM" run "$WORK/exp.yaml" --out "$WORK/ref" --quiet >/dev/null 2>"$WORK/ref.err" \
  || { fail "uninterrupted run failed"; sed 's/^/  | /' "$WORK/ref.err" >&2; finish; }
series "$WORK/ref/run.h5" reconstruction >"$WORK/ref.values"
[ "$(wc -l <"$WORK/ref.values")" -eq 301 ] && pass "reference: 301 log points" \
  || fail "reference: $(wc -l <"$WORK/ref.values") log points, expected 301"

# Seconds after run.h5 appears; spread over the run (longer under sanitizers).
delays="0 0.01 0.03 0.05 0.08 0.1 0.13 0.17 0.2 0.25 0.3 0.35 0.4 0.5 0.6 0.7 0.8 0.9 1.0 1.2"
i=0; unreadable=0
for delay in $delays; do
  i=$((i + 1)); dir=$WORK/k$i
  "$EBM" run "$WORK/exp.yaml" --out "$dir" --quiet >/dev/null 2>&1 &
  pid=$!
  for _ in $(seq 500); do [ -f "$dir/run.h5" ] && break; sleep 0.01; done
  sleep "$delay"
  kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  what="kill $i (+${delay}s)"
  if ! h5dump -H "$dir/run.h5" >/dev/null 2>&1; then
    unreadable=$((unreadable + 1))
    # Killed in the flush before the set-up checkpoint, nothing had been
    # logged, and --resume starts over: only the resume is checked then.
    if [ -e "$dir/checkpoint.h5" ]; then
      if ! "$EBM" show "$dir" >"$WORK/show$i" 2>&1; then
        fail "$what: run.h5 unreadable and ebm show fails"; sed 's/^/  | /' "$WORK/show$i" >&2; continue
      fi
      expect_in "$WORK/show$i" "shown as of the checkpoint" "$what: run.h5 unreadable, ebm show reads the checkpoint"
    fi
    if ! "$EBM" run --resume "$dir" --quiet >/dev/null 2>"$WORK/resume$i.err"; then
      fail "$what: run.h5 unreadable and --resume fails"; sed 's/^/  | /' "$WORK/resume$i.err" >&2; continue
    fi
    series "$dir/run.h5" reconstruction >"$WORK/values$i"
    cmp -s "$WORK/ref.values" "$WORK/values$i" \
      && pass "$what: run.h5 unreadable; --resume finished it with the uninterrupted run's metrics" \
      || fail "$what: run.h5 unreadable; after --resume its metrics differ from the uninterrupted run's"
    continue
  fi
  "$EBM" show "$dir" >"$WORK/show$i" 2>&1 || { fail "$what: ebm show failed"; sed 's/^/  | /' "$WORK/show$i" >&2; continue; }
  if grep -q '^status:      completed' "$WORK/show$i"; then
    pass "$what: the run had completed"; continue
  fi
  expect_in "$WORK/show$i" "status:      running (or killed: no process has it open)" "$what: show says running, no process"
  series "$dir/run.h5" reconstruction >"$WORK/values$i"
  n=$(wc -l <"$WORK/values$i")
  if head -n "$n" "$WORK/ref.values" | cmp -s - "$WORK/values$i"; then
    pass "$what: $n log points, a prefix of the uninterrupted run"
  else
    fail "$what: the $n values read are not the uninterrupted run's first $n"
  fi
  # gnuplot is slow to start: plot every fifth kill.
  if [ $((i % 5)) -eq 0 ]; then
    "$EBM" plot "$dir" --out "$WORK/plot$i" >"$WORK/plot$i.out" 2>&1 \
      && pass "$what: ebm plot works" || { fail "$what: ebm plot failed"; sed 's/^/  | /' "$WORK/plot$i.out" >&2; }
  fi
done
echo "unreadable after kill (restored by --resume): $unreadable of $i"
finish
