# docs/tutorial.md keeps working: every ebm command of its ```sh blocks runs
# (run and sweep with the overrides below, which shrink each experiment to
# seconds), every plot draws pictures, and every picture the page shows is
# in the repository (tests/cli/readme.sh checks the links).
source "$SRC/tests/cli/lib.bash"
PAGE=$SRC/docs/tutorial.md

# What keeps each experiment short in CI, by file name.
declare -A short=(
  [hopfield-recall]=""
  [hopfield-capacity]="data.dim=200 data.load=0.05,0.15"
  [hopfield-gradient]="train.epochs=20"
  [ising-2d]="model.side=8 log.estimators.0.sampler.sweeps=200 model.temperature=1.8,3.0"
  [sk-annealing]="model.n=50 seed=1,2"
  [boltzmann-shifter]="train.epochs=100 log.every.epochs=50 log.estimators.2.every.epochs=100 log.estimators.2.burn_in=100 log.estimators.2.samples=20"
  [rbm-bas]="train.epochs=200 log.every.epochs=100"
  [dbm-bas]="model.pretrain.epochs=50 train.epochs=100 log.every.epochs=50 log.estimators.1.every.epochs=100 log.estimators.1.runs=10 log.estimators.1.schedule=linear log.estimators.1.steps=100 log.estimators.1.raise_rows=4 log.estimators.2.every.epochs=100 log.estimators.2.sampler.burn_in=50 log.estimators.3.every.epochs=100"
  [ebm-2d]="train.epochs=2 data.n=400 data.valid=100 log.every.epochs=1 log.estimators.1.grid=40 log.estimators.2.sampler.sweeps=10 log.estimators.2.sampler.burn_in=10 log.estimators.2.chains=20 log.estimators.2.images=20 data.shape=two_moons"
)

awk '/^```sh$/ { inside = 1; next } /^```$/ { inside = 0 } inside' "$PAGE" | grep '^ebm ' >commands.txt
n=$(wc -l <commands.txt)
[ "$n" -ge 14 ] && pass "the tutorial has $n commands" || fail "the tutorial has only $n commands"
ln -s "$SRC/experiments" experiments && ln -s "$SRC/configs" configs

while IFS= read -r line; do
  read -r -a words <<<"$line"
  extra=()
  case ${words[1]} in
    run|sweep)
      name=$(basename "${words[2]}" .yaml)
      if [ -z "${short[$name]+set}" ]; then fail "no CI overrides for $name: add it to tutorial.sh"; continue; fi
      read -r -a extra <<<"${short[$name]}"
      extra+=(--quiet) ;;
  esac
  if "$EBM" "${words[@]:1}" "${extra[@]}" >out.txt 2>err.txt; then
    pass "$line"
  else
    fail "$line (with ${extra[*]})"; sed 's/^/  | /' err.txt | tail -5 >&2; continue
  fi
  if [ "${words[1]}" = plot ]; then
    n_png=$(grep -c '\.png$' out.txt)
    [ "$n_png" -ge 1 ] && pass "... drew $n_png pictures" || fail "... drew no picture"
  fi
done <commands.txt

# The pictures the page shows.
missing=0 shown=0
for img in $(grep -o '](img/[^)]*)' "$PAGE" | sed 's/^](//; s/)$//'); do
  shown=$((shown + 1))
  [ -s "$SRC/docs/$img" ] || { fail "docs/tutorial.md shows $img, which is missing"; missing=1; }
done
[ "$shown" -ge 7 ] || fail "the page shows only $shown pictures"
[ "$missing" -eq 1 ] || pass "the $shown pictures of the page are in docs/img"
finish
