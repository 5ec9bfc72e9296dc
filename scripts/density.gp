# density.gp — a 2-D model's density exp(-E)/Z as a heat map, with the data
# points (blue dots) and the model's samples (black crosses) on top.
# Called by `ebm plot` as: gnuplot -e "datafile='d.grid'; pointsfile='p.dat';
#   samplesfile='s.dat'; outfile='x.png'; plottitle='...'; xmin=-4; xmax=4;
#   ymin=-4; ymax=4" density.gp
# datafile holds "x y density" rows, a blank line between rows of the grid;
# pointsfile and samplesfile hold "x y" rows, or are '' when there are none.
set terminal pngcairo size 820,720 noenhanced font ",10"
set output outfile
set title plottitle
set size ratio -1
set xrange [xmin:xmax]
set yrange [ymin:ymax]
set xlabel "x1"
set ylabel "x2"
set cblabel "p(x) = exp(-E(x)) / Z"
set palette defined (0 '#ffffff', 0.2 '#fee391', 0.45 '#fe9929', 0.7 '#cc4c02', 1 '#662506')
set key outside bottom center horizontal
cmd = "plot datafile using 1:2:3 with image notitle"
if (strlen(pointsfile) > 0) \
    cmd = cmd . ", pointsfile using 1:2 with points pointtype 7 pointsize 0.3 lc rgb '#1f4fff' title 'data'"
if (strlen(samplesfile) > 0) \
    cmd = cmd . ", samplesfile using 1:2 with points pointtype 2 pointsize 0.4 lc rgb '#000000' title 'samples'"
eval cmd
