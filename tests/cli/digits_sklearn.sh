# scripts/digits-pll.py: scikit-learn's BernoulliRBM and ebm trained alike on
# the 8x8 digits, both scored by scikit-learn's one-site pseudo-likelihood;
# ebm's own sites: one figure must agree with scikit-learn's formula on ebm's
# model (the script exits 1 when it is more than 4 standard errors off, as
# with grey sites thresholded at 1/2). Skipped (77) without python3-sklearn
# or python3-h5py.
source "$SRC/tests/cli/lib.bash"

if ! /usr/bin/python3 -c "import sklearn, h5py" 2>/dev/null; then
  echo "skipped: /usr/bin/python3 lacks sklearn or h5py (apt-get install python3-sklearn python3-h5py)"
  exit 77
fi
expect_status 0 "digits-pll.py trains both and scores them" -- \
  /usr/bin/python3 "$SRC/scripts/digits-pll.py" "$EBM" "$WORK/out-dir"
cat "$WORK/out"
expect_in "$WORK/out" "scikit-learn BernoulliRBM" "scikit-learn's RBM is scored"
expect_in "$WORK/out" "agrees with scikit-learn's formula" "ebm's figure agrees with scikit-learn's formula"
head -1 "$WORK/out-dir/digits.csv" | grep -q '^p0,p1,.*,p63,label$' && pass "the CSV's header names p0..p63 and label" ||
  fail "the CSV's header"
[ "$(wc -l <"$WORK/out-dir/digits.csv")" = 1798 ] && pass "1797 images and a header" ||
  fail "digits.csv should hold 1797 images and a header"
finish
