# An estimator's test set (split: test) is made like the training rows:
# standardised with the training rows' statistics, labels appended as the
# training rows' were. Each run scores the same rows as training and as test
# data, so the two metrics must agree to the last digit; and validation
# refuses a test set that cannot be read.
source "$SRC/tests/cli/lib.bash"

# metric_final RUN_DIR NAME: the metric's last value, as ebm show --json says.
metric_final() {
  "$EBM" show "$1" --json | sed -n "s/.*\"$2\": {\"final\": \([^,]*\),.*/\1/p"
}

# same_on_both NAME YAML: runs it; rec_train and rec_test must be equal.
same_on_both() {
  local what=$1
  printf '%s\n' "$2" >"$WORK/$what.yaml"
  expect_status 0 "$what: runs" -- "$EBM" run "$WORK/$what.yaml" --out "$WORK/$what" --quiet ||
    return
  local train test
  train=$(metric_final "$WORK/$what" rec_train)
  test=$(metric_final "$WORK/$what" rec_test)
  if [ -n "$train" ] && [ "$train" = "$test" ]; then
    pass "$what: the test rows score as the same training rows ($train)"
  else
    fail "$what: training rows $train, the same rows as a test set $test"
  fi
}

# Six columns around 50 with spread 10: unstandardised, they are far from
# what a model of standardised rows expects.
awk 'BEGIN { srand(1); for (r = 0; r < 120; r++) { line = "";
  for (j = 0; j < 6; j++) line = line (j ? "," : "") sprintf("%.3f", 50 + 20 * (rand() - 0.5));
  print line } }' >"$WORK/g.csv"

same_on_both standardised "name: standardised
data: {type: csv, path: $WORK/g.csv, standardize: true}
model: {type: rbm, hidden: 4, visible_units: gaussian}
train: {epochs: 2, batch: 20, sampler: {type: pcd, chains: 10}}
log:
  every: {epochs: 2}
  estimators:
    - {type: reconstruction, name: rec_train, split: train}
    - {type: reconstruction, name: rec_test, split: test, test: {type: csv, path: $WORK/g.csv}}"

same_on_both labelled "name: labelled
data: {type: bars_stripes, side: 3, append_labels: true}
model: {type: rbm, hidden: 4}
train: {epochs: 2, batch: 7, sampler: {type: pcd, chains: 7}}
log:
  every: {epochs: 2}
  estimators:
    - {type: reconstruction, name: rec_train, split: train}
    - {type: reconstruction, name: rec_test, split: test, test: {type: bars_stripes, side: 3}}"

cat >"$WORK/missing.yaml" <<YAML
name: missing
data: {type: csv, path: $WORK/g.csv}
model: {type: rbm, hidden: 4}
log: {estimators: [{type: reconstruction, split: test, test: {type: csv, path: $WORK/nowhere.csv}}]}
YAML
expect_status 2 "validate refuses a test set that cannot be read" -- \
  "$EBM" validate "$WORK/missing.yaml"
expect_in "$WORK/err" "log.estimators[0] (reconstruction): test: data (csv): $WORK/nowhere.csv: cannot open" \
  "… naming the estimator and the file"

finish
