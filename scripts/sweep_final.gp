# sweep_final.gp — a metric's final value against a swept key, one line per
# value of the other swept keys.
# Called by `ebm plot` as: gnuplot -e "n=1; file1='f.dat'; title1='rule=hebb';
#   outfile='x.png'; xlabel='data.load'; ylabel='final recall'; plottitle='...'" sweep_final.gp
# Each file holds two columns: swept value, final metric value (sorted by the first).
# Optional: docpoints='d.dat' (values the experiment documents at swept values:
# x y ylow yhigh) and doccross='c.dat' (documented crossings: x y xlow xhigh,
# y the level), drawn in black with their intervals.
set terminal pngcairo size 900,560 noenhanced font ",10"
set output outfile
set title plottitle
set xlabel xlabel
set ylabel ylabel
set grid
# ranges that end at the data (not the next tic), with room around them so
# points and intervals on an edge are drawn whole
set autoscale fix
set offsets graph 0.03, graph 0.03, graph 0.05, graph 0.05
set key outside right top spacing 1.1
# Empty iterations draw nothing: the documented values only when given, and
# the file names stay data (a quote in a path cannot break the command).
if (!exists("docpoints")) docpoints = ''
if (!exists("doccross")) doccross = ''
n_points = strlen(docpoints) > 0 ? 1 : 0
n_cross = strlen(doccross) > 0 ? 1 : 0
plot for [i=1:n] value(sprintf('file%d', i)) using 1:2 \
     with linespoints pointtype 7 pointsize 0.8 title value(sprintf('title%d', i)), \
     for [j=1:n_points] docpoints using 1:2:3:4 with yerrorbars pointtype 6 pointsize 1.4 \
     linecolor rgb 'black' title 'documented', \
     for [j=1:n_cross] doccross using 1:2:3:4 with xerrorbars pointtype 4 pointsize 1.4 \
     linecolor rgb 'black' title 'documented crossing'
