# sweep_final.gp — a metric's final value against a swept key, one line per
# value of the other swept keys.
# Called by `ebm plot` as: gnuplot -e "n=1; file1='f.dat'; title1='rule=hebb';
#   outfile='x.png'; xlabel='data.load'; ylabel='final recall'; plottitle='...'" sweep_final.gp
# Each file holds two columns: swept value, final metric value (sorted by the first).
set terminal pngcairo size 900,560 noenhanced font ",10"
set output outfile
set title plottitle
set xlabel xlabel
set ylabel ylabel
set grid
set key outside right top spacing 1.1
plot for [i=1:n] value(sprintf('file%d', i)) using 1:2 \
     with linespoints pointtype 7 pointsize 0.8 title value(sprintf('title%d', i))
