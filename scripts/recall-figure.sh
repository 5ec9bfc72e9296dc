#!/bin/sh
# recall-figure.sh — recall triples of the three networks side by side, from
# a sweep of experiments/modern-hopfield-recall.yaml: one row per query, the
# columns pattern, query (lower half masked), and what the classic Hebbian
# network, the dense memory (n = 3) and the modern network (beta = 1) make of
# it after one update.
#   scripts/recall-figure.sh SWEEP_DIR OUT.png
# e.g. after build/ebm sweep experiments/modern-hopfield-recall.yaml -j 2 --out runs/mh
set -eu
[ $# -eq 2 ] || { echo "usage: $0 SWEEP_DIR OUT.png" >&2; exit 2; }
dir=$1
out=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
set -- "model={type:_hopfield,_rule:_hebbian}" \
       "model={type:_dense_memory,_function:_poly,_degree:_3}" \
       "model={type:_modern_hopfield,_beta:_1}"
k=0
for point in "$@"; do
    [ -f "$dir/$point/run.h5" ] || { echo "$0: no $dir/$point/run.h5" >&2; exit 1; }
    # /images/recall_recall/0000000000 holds (pattern, query, recalled) triples of 28x28 images
    HDF5_USE_FILE_LOCKING=FALSE h5dump -y -w 0 -d /images/recall_recall/0000000000 \
        -o "$tmp/raw$k.txt" "$dir/$point/run.h5" > /dev/null
    tr -s ', \n' '\n\n\n' < "$tmp/raw$k.txt" | grep -v '^$' > "$tmp/v$k.txt"
    k=$((k + 1))
done
# One matrix: row r of the figure is query r; five 28x28 tiles with a gap.
awk -v gap=2 '
    FNR == 1 { file++ }
    { v[file, FNR - 1] = $1; if (FNR > count) count = FNR }
    END {
        side = 28; px = side * side; rows = count / (3 * px)
        w = 5 * side + 4 * gap; h = rows * side + (rows - 1) * gap
        for (y = 0; y < h; y++) {
            line = ""
            for (x = 0; x < w; x++) {
                r = int(y / (side + gap)); yy = y % (side + gap)
                c = int(x / (side + gap)); xx = x % (side + gap)
                val = 1
                if (yy < side && xx < side) {
                    # tiles: pattern and query from the modern run (masked units grey), then each run'"'"'s recall
                    if (c < 2) { f = 3; t = 3 * r + c } else { f = c - 1; t = 3 * r + 2 }
                    val = v[f, t * px + yy * side + xx]
                }
                line = line (x ? " " : "") val
            }
            print line
        }
    }' "$tmp/v0.txt" "$tmp/v1.txt" "$tmp/v2.txt" > "$tmp/figure.dat"
rows=$(wc -l < "$tmp/figure.dat")
gnuplot <<GP
set terminal pngcairo size 560,$((rows * 4 + 60)) font ",10"
set output "$out"
unset key; unset colorbox; unset border; unset xtics; unset ytics
set palette gray
set cbrange [0:1]
set yrange [*:*] reverse
set size ratio -1
set margins 0,0,0,3
set title "pattern · query · classic · dense n=3 · modern β=1"
plot "$tmp/figure.dat" matrix with image
GP
