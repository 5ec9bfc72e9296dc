# metric.gp — one metric's curves, several runs overlaid.
# Called by `ebm plot` as: gnuplot -e "n=2; file1='a.dat'; band1='';
#   exact1=''; title1='lr=0.05'; ...; hasref=1; refvalue=0.138;
#   reflabel='documented 0.138: Amit 1985'; gradient=0; shade1=0.05;
#   shadekey='data.load'; outfile='x.png'; xlabel='epoch';
#   ylabel='loss'; plottitle='loss'" metric.gp
# fileK: "step value" lines (NaN where undefined), or '' for none;
# marksK: 1 to mark each point of fileK (a short series), 0 for a line alone;
# bandK: "step lo hi" lines, drawn as a shaded band (e.g. a confidence
# interval or a likelihood sandwich), or ''; exactK: the exact value, dashed.
set terminal pngcairo size 900,560 noenhanced font ",10"
set output outfile
set title plottitle
set xlabel xlabel
set ylabel ylabel
set grid
# a little room above and below, so a line on a limit (0, 1) stays visible
set offsets graph 0, graph 0, graph 0.05, graph 0.05
# Below the plot, one run a line, so long labels never squeeze it.
set key below left Left reverse maxcols 1 spacing 1.1
# The plot command is built from the clauses each run has (a file name of ''
# has none), referring to the variables, so no file name is parsed twice.
# gradient=1: a sweep over one numeric key; each curve's colour is its
# shadeK on a colour bar named shadekey, and there is no legend line per run.
if (!exists("gradient")) gradient = 0
if (gradient) {
  set palette defined (0 "#440154", 0.33 "#31688e", 0.66 "#35b779", 1 "#fde725")
  set colorbox
  set cblabel shadekey
}
cmd = ''
do for [i=1:n] {
  f = value(sprintf('file%d', i)); b = value(sprintf('band%d', i)); e = value(sprintf('exact%d', i))
  t = sprintf('title%d', i)
  if (strlen(b) > 0) {
    cmd = cmd . sprintf("band%d using 1:2:3 with filledcurves fillstyle transparent solid 0.2 noborder linecolor %d title (%s.' (band)'), ", i, i, t)
  }
  if (strlen(f) > 0 && gradient) {
    cmd = cmd . sprintf("file%d using 1:2:(shade%d) with lines linecolor palette notitle, ", i, i)
  }
  if (strlen(f) > 0 && !gradient) {
    style = (!exists(sprintf('marks%d', i)) || value(sprintf('marks%d', i))) ? 'linespoints pointtype 7 pointsize 0.4' : 'lines'
    cmd = cmd . sprintf("file%d using 1:2 with %s linecolor %d title %s, ", i, style, i, t)
  }
  if (strlen(e) > 0) {
    cmd = cmd . sprintf("exact%d using 1:2 with lines dashtype 2 linecolor %d title (%s.' (exact)'), ", i, i, t)
  }
}
# An expect: entry's documented value: a dotted black line with its source.
if (exists("hasref") && hasref) {
  cmd = cmd . "refvalue with lines dashtype 3 linecolor rgb 'black' title reflabel, "
}
eval('plot ' . cmd[1:strlen(cmd) - 2])
