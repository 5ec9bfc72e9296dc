# images.gp — a grid of images (samples, or pattern|corrupted|recalled rows)
# from one matrix file; NaN cells are the gaps between images.
# Called by `ebm plot` as: gnuplot -e "datafile='m.dat'; outfile='x.png';
#   cols=100; rows=50; width=600; height=340; lo=0; hi=1; plottitle='...'" images.gp
# The matrix file's first row is the bottom of the picture.
set terminal pngcairo size width,height noenhanced font ",10"
set output outfile
set title plottitle
unset key
unset border
unset tics
unset colorbox
set palette gray
set cbrange [lo:hi]
set size ratio -1
set xrange [-0.5:cols-0.5]
set yrange [-0.5:rows-0.5]
set lmargin 1
set rmargin 1
set bmargin 1
set object 1 rectangle from graph 0,0 to graph 1,1 behind \
    fillcolor rgb "#7f8fb0" fillstyle solid noborder
plot datafile matrix with image
