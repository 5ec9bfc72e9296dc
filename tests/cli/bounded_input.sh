# Bounded input: experiment files, fragments and data files must be regular
# files (a FIFO or a device is refused by name, at once, never read forever)
# of at most the README's sizes; a run file that claims more data than it
# can hold is refused before anything is allocated for the claim.
source "$SRC/tests/cli/lib.bash"
TINY="$SRC/tests/fixtures/sample-tiny.yaml"
HUGE="$SRC/tests/bad-input/cases/342-show-huge-metric-claim/run.h5"

# refused_fast WHAT FRAGMENT -- command...: exit 2 (timeout would say 124)
# with FRAGMENT on stderr.
refused_fast() {
  local what=$1 want=$2; shift 3
  timeout 20 "$@" >"$WORK/out" 2>"$WORK/err"; local got=$?
  [ "$got" -eq 2 ] && grep -qF -- "$want" "$WORK/err" && pass "$what" ||
    { fail "$what: exit $got, expected 2 and '$want'"; sed 's/^/  | /' "$WORK/err" | head -5 >&2; }
}

mkfifo "$WORK/fifo.yaml" "$WORK/fifo.csv"
refused_fast "a FIFO as the experiment file" "fifo.yaml: a FIFO (named pipe), not a regular file" -- "$EBM" validate "$WORK/fifo.yaml"
refused_fast "a FIFO as the experiment file of a run" "a FIFO (named pipe)" -- "$EBM" run "$WORK/fifo.yaml" --out "$WORK/r1"
[ ! -e "$WORK/r1" ] && pass "… and no directory is made" || fail "a refused run made $WORK/r1"
refused_fast "/dev/zero as the experiment file" "/dev/zero: a character device, not a regular file" -- "$EBM" validate /dev/zero
mkdir -p "$WORK/configs/data"
ln -s "$WORK/fifo.yaml" "$WORK/configs/data/pipe.yaml"
printf 'name: x\ndefaults: [data/pipe]\nmodel: {type: rbm, hidden: 2}\n' >"$WORK/frag.yaml"
refused_fast "a FIFO as a fragment" "a FIFO (named pipe), not a regular file" -- "$EBM" validate "$WORK/frag.yaml"
for data in "$WORK/fifo.csv" /dev/zero; do
  printf 'name: x\ndata: {type: csv, path: %s}\nmodel: {type: rbm, hidden: 2}\n' "$data" >"$WORK/csv.yaml"
  refused_fast "$data as a CSV data file" "$data: a " -- "$EBM" run "$WORK/csv.yaml" --out "$WORK/r2"
done
truncate -s 17M "$WORK/big.yaml"
refused_fast "an experiment file over 16 MiB" "more than the 16 MiB an experiment file or fragment may have" -- "$EBM" validate "$WORK/big.yaml"

# A metric claiming 2^40 points in a 38 kB file: refused by show, plot and
# sample, with little memory to spare (an 8 TiB allocation would fail with
# exit 1, "out of memory").
# (Sanitizers reserve address space, so they run without the limit; ASan
# would report the allocation itself.)
LIMIT=(bash -c 'ulimit -v 1000000; exec "$0" "$@"')
sanitized && LIMIT=()
refused_fast "show, a 2^40-point metric claim" "claims 1099511627776 values" -- "${LIMIT[@]}" "$EBM" show "$HUGE"
refused_fast "plot, a 2^40-point metric claim" "claims 1099511627776 values" -- "${LIMIT[@]}" "$EBM" plot "$HUGE" --out "$WORK/plots"
# 20,000 bad entries: the first 100 messages, then one line counting the rest,
# and the total in the summary line (not 20,000 lines).
{ printf 'name: many\nmodel: {type: rbm, hidden: 4}\ndata: {type: bars_stripes, side: 4}\nlog:\n  estimators:\n'
  for i in $(seq 1 20000); do printf '    - {type: nosuch%d}\n' "$i"; done; } >"$WORK/many.yaml"
"$EBM" validate "$WORK/many.yaml" 2>"$WORK/err" >/dev/null
got=$?
lines=$(wc -l <"$WORK/err")
[ "$got" -eq 2 ] && [ "$lines" -le 102 ] && grep -qF '... and 19,900 more' "$WORK/err" &&
  grep -qF 'many.yaml: 20000 problems' "$WORK/err" &&
  pass "20,000 bad estimators: $lines lines, the rest counted" ||
  { fail "20,000 bad estimators: exit $got, $lines lines"; tail -3 "$WORK/err" | sed 's/^/  | /' >&2; }
finish
