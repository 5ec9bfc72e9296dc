# log.at_start: false skips the log point before training (step 0); by
# default it is there. A model without training keeps its one log point.
source "$SRC/tests/cli/lib.bash"
EXP="$SRC/tests/fixtures/resume-rbm.yaml"
steps() { h5dump -d /metrics/exact_loglik/step "$1/run.h5" | sed -n 's/^ *(0): //p'; }

"$EBM" run "$EXP" train.epochs=2 log.every.epochs=1 --out "$WORK/a" --quiet >/dev/null || fail "run"
[ "$(steps "$WORK/a")" = "0, 1, 2" ] && pass "by default: steps 0, 1, 2" || fail "default steps: $(steps "$WORK/a")"
"$EBM" run "$EXP" train.epochs=2 log.every.epochs=1 log.at_start=false --out "$WORK/b" --quiet >/dev/null || fail "run"
[ "$(steps "$WORK/b")" = "1, 2" ] && pass "at_start: false: steps 1, 2" || fail "at_start false steps: $(steps "$WORK/b")"
"$EBM" run "$EXP" train.epochs=0 log.at_start=false --out "$WORK/c" --quiet >/dev/null || fail "run"
[ "$(steps "$WORK/c")" = "0" ] && pass "no training: the one log point stays" || fail "epochs 0 steps: $(steps "$WORK/c")"
finish
