# ebm reproduce: the recall experiment's documented value is met, the table
# is printed; the N = 1000 capacity sweep runs only outside sanitizer builds.
source "$SRC/tests/cli/lib.bash"

expect_status 0 "reproduce hopfield-recall" -- "$EBM" reproduce "$SRC/experiments/hopfield-recall.yaml" --out "$WORK/r1" --quiet
expect_in "$WORK/out" "PASS" "table shows PASS"
expect_in "$WORK/out" "Personnaz" "table shows the source"

if sanitized; then echo "skip capacity sweep under sanitizers"; finish; fi
expect_status 0 "reproduce hopfield-capacity" -- "$EBM" reproduce "$SRC/experiments/hopfield-capacity.yaml" -j 2 --out "$WORK/r2" --quiet
expect_in "$WORK/out" "critical load" "capacity row printed"
expect_in "$WORK/out" "PASS" "capacity within the documented range"
finish
