# ebm run on the recall experiment: the run file has the README's layout as
# seen by h5ls/h5dump (not our reader), and ebm plot turns it into PNGs.
source "$SRC/tests/cli/lib.bash"

expect_status 0 "run hopfield-recall" -- "$EBM" run "$SRC/experiments/hopfield-recall.yaml" --out "$WORK/recall" --quiet
RUN="$WORK/recall/run.h5"
[ -f "$RUN" ] && pass "run.h5 written" || fail "no run.h5"
[ -f "$WORK/recall/config.yaml" ] && pass "config.yaml written" || fail "no config.yaml"

h5ls -r "$RUN" >"$WORK/ls" 2>&1 || fail "h5ls cannot read the run file"
for path in /config /metrics/retrieval_overlap/step /metrics/retrieval_overlap/value \
            /metrics/retrieval_recalled/value /metrics/fixed_points/value \
            /metrics/retrieval_energy/value /images/retrieval_recall/0000000000 /model/W /model/b; do
  expect_in "$WORK/ls" "$path " "h5ls lists $path"
done

h5dump -A "$RUN" >"$WORK/attrs" 2>&1 || fail "h5dump cannot read the run file"
expect_in "$WORK/attrs" 'ATTRIBUTE "status"' "status attribute"
expect_in "$WORK/attrs" '"completed"' "status is completed"
for a in ebm_version seed started finished; do expect_in "$WORK/attrs" "ATTRIBUTE \"$a\"" "root attribute $a"; done
expect_in "$WORK/attrs" '"hopfield"' "model type attribute"

h5dump -d /metrics/fixed_points/value "$RUN" >"$WORK/fp" 2>&1
expect_in "$WORK/fp" "(0): 1" "every stored image is a fixed point"
h5dump -d /config "$RUN" >"$WORK/cfg" 2>&1
expect_in "$WORK/cfg" "pseudo_inverse" "/config holds the resolved YAML"

expect_status 0 "plot the run" -- "$EBM" plot "$WORK/recall" --out "$WORK/plots"
n_png=$(ls "$WORK/plots"/*.png 2>/dev/null | wc -l)
# a one-shot run: the recall triples and the energy trace are pictures, the
# metrics of one point each a row of single_values.csv
[ "$n_png" -ge 2 ] && pass "plot wrote $n_png PNGs" || fail "plot wrote $n_png PNGs, expected >= 2"
expect_in "$WORK/plots/single_values.csv" '"fixed_points","recall",1' "one-point metrics are a table"
for png in "$WORK/plots"/*.png; do
  head -c 8 "$png" | od -An -c | grep -q 'P   N   G' || fail "$png is not a PNG"
done
finish
