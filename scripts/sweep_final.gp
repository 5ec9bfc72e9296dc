# sweep_final.gp — a metric's final value against a swept key, one line (or,
# for a text key, one set of points) per value of the other swept keys.
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
# Below the plot, one series a line, so long titles never squeeze it.
set key below left Left reverse maxcols 1 spacing 1.1
# Empty iterations draw nothing: the documented values only when given, and
# the file names stay data (a quote in a path cannot break the command).
if (!exists("docpoints")) docpoints = ''
if (!exists("doccross")) doccross = ''
n_points = strlen(docpoints) > 0 ? 1 : 0
n_cross = strlen(doccross) > 0 ? 1 : 0
# categories=K > 0: the key is text (a rule, a sampler), its K values at
# x = 0 .. K-1, each file's third column the value's label; points, no lines.
if (!exists("categories")) categories = 0
if (categories > 0) {
  set xrange [-0.5:categories - 0.5]
  set offsets 0, 0, graph 0.05, graph 0.05
  # labels slant down to the left of their tic: room for the first on the
  # left, none needed on the right
  set xtics rotate by 30 right
  set lmargin 26
  set rmargin 4
  style = 'points pointtype 7 pointsize 1.2'
  cols = '1:2:xtic(3)'
} else {
  style = 'linespoints pointtype 7 pointsize 0.8'
  cols = '1:2'
}
plot for [i=1:n] value(sprintf('file%d', i)) using @cols \
     with @style title value(sprintf('title%d', i)), \
     for [j=1:n_points] docpoints using 1:2:3:4 with yerrorbars pointtype 6 pointsize 1.4 \
     linecolor rgb 'black' title 'documented', \
     for [j=1:n_cross] doccross using 1:2:3:4 with xerrorbars pointtype 4 pointsize 1.4 \
     linecolor rgb 'black' title 'documented crossing'
