# metric.gp — one metric's curves, several runs overlaid.
# Called by `ebm plot` as: gnuplot -e "n=2; file1='a.dat'; title1='run a';
#   ...; outfile='x.png'; xlabel='step'; ylabel='loss'; plottitle='loss'" metric.gp
# Each file holds two columns: step value (NaN where undefined).
set terminal pngcairo size 900,560 noenhanced font ",10"
set output outfile
set title plottitle
set xlabel xlabel
set ylabel ylabel
set grid
# Below the plot, one run a line, so long sweep-point names never squeeze it.
set key below left Left reverse maxcols 1 spacing 1.1
plot for [i=1:n] value(sprintf('file%d', i)) using 1:2 \
     with linespoints pointtype 7 pointsize 0.5 title value(sprintf('title%d', i))
