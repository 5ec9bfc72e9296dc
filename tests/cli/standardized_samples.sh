# A model of standardised rows (data.standardize) is trained on z-scores, but
# its samples are written in the data's own units: the run's /samples and
# `ebm sample`'s file alike. The data sit far from 0 (columns around 100 and
# −40), so samples left in z-scores (around 0) cannot pass for them. The run
# has an unnamed `sample` estimator of its own, which the entry `ebm sample`
# adds to the config once collided with ("writes its metrics as 'sample_...'").
source "$SRC/tests/cli/lib.bash"

# Column 1 uniform on 100 ± 10 (sd 5.8), column 2 on −40 ± 2 (sd 1.2),
# column 3 always 7: a constant has no spread to sample, so its samples are 7.
awk 'BEGIN { srand(3); for (r = 0; r < 400; r++)
  printf "%.4f,%.4f,7\n", 100 + 20 * (rand() - 0.5), -40 + 4 * (rand() - 0.5) }' >"$WORK/far.csv"

cat >"$WORK/far.yaml" <<YAML
name: far
data: {type: csv, path: $WORK/far.csv, standardize: true}
model: {type: rbm, hidden: 4, visible_units: gaussian}
train: {epochs: 4, batch: 20, sampler: {type: pcd, chains: 20}}
log:
  every: {epochs: 4}
  estimators:
    - {type: sample, chains: 400, images: 400, sampler: {type: gibbs, burn_in: 200, sweeps: 1}}
YAML

# column_means FILE DATASET: the means of the first two columns, and how
# many values of the third are not exactly 7.
column_means() {
  h5dump -A 0 -d "$2" -y -w 0 -m %.9g "$1" | sed -n '/DATA {/,/}/p' | sed '1d;$d' |
    tr -s ' ,' '\n' | grep -v '^$' |
    awk '{ c = (NR - 1) % 3; s[c] += $1; if (c == 2 && $1 != 7) off++; n++ }
         END { if (n) printf "%.4f %.4f %d\n", 3 * s[0] / n, 3 * s[1] / n, off }'
}

# near_data WHAT MEANS: each mean within three of its column's data sds of
# the column's mean (z-scores would be near 0, 17 and 35 sds away), and the
# constant column 7 throughout.
near_data() {
  local a b off
  read -r a b off <<<"$2"
  if [ -n "$a" ] && awk -v a="$a" -v b="$b" 'BEGIN { exit !(a > 82.7 && a < 117.3 && b > -43.5 && b < -36.5) }'; then
    pass "$1: samples in the data's units (column means $a, $b)"
  else
    fail "$1: column means '$a' '$b', the data's are 100 and -40"
  fi
  [ "$off" = 0 ] && pass "$1: the constant column is 7 in every sample" ||
    fail "$1: ${off:-?} samples of the constant column are not 7"
}

expect_status 0 "a Gaussian RBM on standardised rows runs" -- \
  "$EBM" run "$WORK/far.yaml" --out "$WORK/far" --quiet
h5ls "$WORK/far/run.h5/metrics" >"$WORK/metrics" 2>&1
grep -q "sample_magnetisation" "$WORK/metrics" &&
  fail "a magnetisation of real-valued visible units" || pass "… and logs no magnetisation of real values"
last=$(h5ls "$WORK/far/run.h5/samples" 2>/dev/null | awk '{ print $1 }' | sort | tail -1)
[ -n "$last" ] || fail "the run wrote no /samples"
near_data "the run's /samples" "$(column_means "$WORK/far/run.h5" "/samples/$last")"

expect_status 0 "ebm sample draws from it" -- \
  "$EBM" sample "$WORK/far" --n 400 --out "$WORK/drawn.h5" sampler.burn_in=200
near_data "ebm sample" "$(column_means "$WORK/drawn.h5" /samples/0000000000)"

finish
