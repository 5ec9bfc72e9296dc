# images.gp — a grid of images (samples, or pattern|corrupted|recalled rows)
# from one matrix file; NaN cells are the gaps between images. With heat=1,
# one heat map instead (a row of values per sample, e.g. a DBM's features),
# with a colour bar.
# Called by `ebm plot` as: gnuplot -e "datafile='m.dat'; outfile='x.png';
#   cols=100; rows=50; width=600; height=340; lo=0; hi=1; heat=0;
#   plottitle='...'" images.gp
# The matrix file's first row is the bottom of the picture.
if (!exists("heat")) heat = 0
set terminal pngcairo size width,height noenhanced font ",10"
set output outfile
set title plottitle
unset key
set cbrange [lo:hi]
set size ratio -1
set xrange [-0.5:cols-0.5]
set yrange [-0.5:rows-0.5]
if (heat) {
  set palette defined (0 "#30123b", 0.25 "#4686fb", 0.5 "#1ae4b6", 0.75 "#fabb39", 1 "#7a0403")
  set colorbox
  set xlabel "unit"
  set ylabel "sample (first at the top)"
  unset ytics
  set xtics out nomirror
  plot datafile matrix with image
} else {
  unset border
  unset tics
  unset colorbox
  set palette gray
  set lmargin 1
  set rmargin 1
  set bmargin 1
  set object 1 rectangle from graph 0,0 to graph 1,1 behind \
      fillcolor rgb "#7f8fb0" fillstyle solid noborder
  plot datafile matrix with image
}
