# cmake --install puts ebm where a user expects it, and the installed ebm
# works without its build or source tree: the prefix is moved after
# installing, the binary finds its data beside itself (PREFIX/share/ebm),
# `ebm run`, `ebm plot` and `ebm reproduce` work from there, the man page
# renders, and a C program builds against the library with pkg-config.
source "$SRC/tests/cli/lib.bash"
BUILD=$(dirname "$EBM")

expect_status 0 "cmake --install into a fresh prefix" -- cmake --install "$BUILD" --prefix "$WORK/prefix"
for f in bin/ebm lib/libebm.so lib/libebm.a include/ebm/ebm.h lib/pkgconfig/ebm.pc \
         share/ebm/scripts/metric.gp share/ebm/configs/data/fashion-mnist.yaml \
         share/ebm/experiments/hopfield-recall.yaml share/man/man1/ebm.1 \
         share/bash-completion/completions/ebm; do
  [ -e "$WORK/prefix/$f" ] && pass "installed $f" || fail "cmake --install did not install $f"
done

# Moved after installing: nothing may point into the build or the old prefix.
mv "$WORK/prefix" "$WORK/moved"
P=$WORK/moved
unset EBM_DATA_DIR EBM_CONFIG_PATH
export PATH="$P/bin:/usr/bin:/bin"
mkdir "$WORK/user" && cd "$WORK/user"
expect_status 0 "ebm version" -- ebm version
for d in scripts configs experiments; do
  expect_in "$WORK/out" "$P/share/ebm/$d" "the installed ebm finds $d/ beside itself"
done
expect_status 0 "ebm run from the installed experiments" -- \
  ebm run "$P/share/ebm/experiments/hopfield-recall.yaml" --quiet --out recall
expect_status 0 "ebm plot with the installed scripts" -- ebm plot recall --out plots
n_png=$(ls plots/*.png 2>/dev/null | wc -l)
[ "$n_png" -ge 2 ] && [ -s plots/single_values.csv ] && pass "plot wrote $n_png PNGs and the one-point metrics table" || fail "plot wrote $n_png PNGs"
expect_status 0 "ebm reproduce of an installed experiment" -- \
  ebm reproduce "$P/share/ebm/experiments/hopfield-recall.yaml" --quiet --out reproduce
expect_in "$WORK/out" "hopfield-recall" "reproduce prints its table"

# Without the share directory beside it, EBM_DATA_DIR names it.
mkdir -p "$WORK/lone/bin" && cp "$P/bin/ebm" "$WORK/lone/bin/"
EBM_DATA_DIR=$P/share/ebm expect_status 0 "a lone binary with EBM_DATA_DIR" -- \
  "$WORK/lone/bin/ebm" version
expect_in "$WORK/out" "$P/share/ebm/scripts" "... finds the scripts there"

# The man page renders (man -l) and names every command.
MANWIDTH=100 expect_status 0 "man -l renders the installed page" -- man -l "$P/share/man/man1/ebm.1"
for cmd in run sweep plot reproduce; do expect_in "$WORK/out" "ebm $cmd" "the man page shows ebm $cmd"; done

# A C program against the installed library, through pkg-config.
flags=$(PKG_CONFIG_PATH=$P/lib/pkgconfig pkg-config --cflags --libs ebm) &&
  pass "pkg-config --cflags --libs ebm: $flags" || fail "pkg-config does not know ebm"
extra=()
sanitized && extra=(-fsanitize=address,undefined)
expect_status 0 "compile a C program with pkg-config's flags" -- \
  cc -std=c11 -Wall -Wextra -Werror "${extra[@]}" "$SRC/tests/fixtures/install/use_ebm.c" \
  $flags -Wl,-rpath,"$P/lib" -o use_ebm
expect_status 0 "run it (it runs an experiment and reads the run file)" -- \
  ./use_ebm "$P/share/ebm/experiments/hopfield-recall.yaml" from-c
expect_in "$WORK/out" "hopfield completed fixed_points 1" "it reads the metric back"
ldd ./use_ebm | grep -q "$P/lib/libebm.so" && pass "it uses the installed libebm.so" ||
  fail "use_ebm does not load $P/lib/libebm.so"
finish
