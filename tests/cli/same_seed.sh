# Two runs with the same seed give the same run file contents (all but the
# started/finished time stamps and the run_id), whatever OpenBLAS's thread count; another
# seed gives different contents.
source "$SRC/tests/cli/lib.bash"
EXP="$SRC/experiments/hopfield-gradient.yaml"
SMALL=(data.dim=60 train.epochs=6 log.every.epochs=2)

OPENBLAS_NUM_THREADS=1 "$EBM" run "$EXP" "${SMALL[@]}" --out "$WORK/a" --quiet >/dev/null || fail "run a"
sleep 1   # so the time stamps differ and the comparison must ignore them
OPENBLAS_NUM_THREADS=2 "$EBM" run "$EXP" "${SMALL[@]}" --out "$WORK/b" --quiet >/dev/null || fail "run b"
"$EBM" run "$EXP" "${SMALL[@]}" seed=4 --out "$WORK/c" --quiet >/dev/null || fail "run c"

# (the time stamps, the run's random id, its command line (--out differs)
# and its duration differ by design)
drop_provenance() {
  awk '/ATTRIBUTE "(command|duration_s)" \{/ { skip = 1 }
       skip { depth += gsub(/\{/, "{") - gsub(/\}/, "}"); if (depth == 0) skip = 0; next }
       { print }'
}
dump() {
  (cd "$(dirname "$1")" && h5dump run.h5) | drop_provenance |
    grep -v -E '"20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z"|"[0-9a-f]{32}"'
}
dump "$WORK/a/run.h5" >"$WORK/a.txt"
dump "$WORK/b/run.h5" >"$WORK/b.txt"
dump "$WORK/c/run.h5" >"$WORK/c.txt"
[ -s "$WORK/a.txt" ] || fail "h5dump printed nothing"
if cmp -s "$WORK/a.txt" "$WORK/b.txt"; then pass "same seed, 1 and 2 BLAS threads: identical contents"
else fail "same seed gave different contents"; diff "$WORK/a.txt" "$WORK/b.txt" | head -20 >&2; fi
if cmp -s "$WORK/a.txt" "$WORK/c.txt"; then fail "another seed gave the same contents"
else pass "another seed gives other contents"; fi
finish
