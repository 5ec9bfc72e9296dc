#!/bin/sh
# memory-capacity.sh — the capacity picture of docs/associative-memories.md:
# the fraction of stored patterns that are fixed points against K for the
# dense memory with n = 2, 3, 4 and for F = exp, with Krotov & Hopfield's
# K_max = N^(n-1) / (2 (2n-3)!! ln N) marked, from the two sweeps' summaries.
#   scripts/memory-capacity.sh DENSE_SWEEP_DIR EXP_SWEEP_DIR OUT.png
# e.g. after
#   build/ebm sweep experiments/dense-memory-capacity.yaml -j 2 --out runs/dm
#   build/ebm sweep experiments/exp-memory-capacity.yaml -j 2 --out runs/em
set -eu
[ $# -eq 3 ] || { echo "usage: $0 DENSE_SWEEP_DIR EXP_SWEEP_DIR OUT.png" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# summary.csv: the quoted point name first, then the swept keys, the status
# and the metrics; read the columns by their header names.
column() { # FILE NAME...: the named columns of completed points, space-separated
    file=$1; shift
    sed 's/"[^"]*"/x/' "$file" | awk -F, -v names="$*" '
        NR == 1 { n = split(names, want, " "); for (i = 1; i <= NF; i++) col[$i] = i; next }
        $col["status"] == "completed" {
            line = ""; for (k = 1; k <= n; k++) line = line (k > 1 ? " " : "") $col[want[k]]
            print line }'
}
for n in 2 3 4; do
    column "$1/summary.csv" model.degree data.count fixed_points |
        awk -v n=$n '$1 == n { print $2, $3 }' | sort -n > "$tmp/poly$n.dat"
done
column "$2/summary.csv" data.count fixed_points | sort -n > "$tmp/exp.dat"
gnuplot <<GP
set terminal pngcairo size 900,560 font ",11"
set output "$3"
set logscale x
set xrange [3:20000]
set yrange [-0.03:1.05]
set xlabel "stored patterns K (N = 100)"
set ylabel "fraction of stored patterns that are fixed points"
set key at 300, 0.8 right box opaque
set grid
kmax(n, df) = 100.0**(n - 1) / (2 * df * log(100.0))
set arrow from kmax(2, 1), graph 0 to kmax(2, 1), graph 1 nohead dt 2 lc 1
set arrow from kmax(3, 3), graph 0 to kmax(3, 3), graph 1 nohead dt 2 lc 2
set arrow from kmax(4, 15), graph 0 to kmax(4, 15), graph 1 nohead dt 2 lc 3
set label "K_{max}, n = 2" at kmax(2, 1), 0.55 rotate by 90 offset -1,0
set label "K_{max}, n = 3" at kmax(3, 3), 0.55 rotate by 90 offset -1,0
set label "K_{max}, n = 4" at kmax(4, 15), 0.55 rotate by 90 offset -1,0
plot "$tmp/poly2.dat" with linespoints lc 1 pt 7 title "F = x^2 (classic)", \
     "$tmp/poly3.dat" with linespoints lc 2 pt 7 title "F = x^3", \
     "$tmp/poly4.dat" with linespoints lc 3 pt 7 title "F = x^4", \
     "$tmp/exp.dat" with linespoints lc 4 pt 5 title "F = exp"
GP
