#!/usr/bin/env bash
# mutants.sh [MUTANT...] — mutation testing: plants each small bug listed in
# tests/mutants/ into a copy of the tree, one at a time, and checks that the
# test suite catches it. Prints a table (killed / SURVIVED / equivalent /
# stale / no build) and the score: killed / (mutants - equivalent - stale).
#
# A mutant file (tests/mutants/NAME.mutant) is a one-line patch in words:
#   # what the bug is, in one line or more of comments
#   file: path/from/the/top.c
#   from: exact text that occurs exactly once in the file
#   to:   what it becomes
#   tests: a ctest -R regex run first (optional)
#   equivalent: why no test can tell (optional; the mutant is not scored)
# "stale" means `from` no longer occurs exactly once, "no-build" that the
# mutated file does not compile: either way, fix the mutant (not scored).
#
# The suite runs on each mutant with a timeout; the tests named by `tests:`
# run first (with only the programs they need rebuilt), so a caught mutant
# costs seconds, and a mutant they miss gets the whole suite, everything
# rebuilt, before it counts as survived. The working tree is never touched:
# the copy lives in $TMPDIR (removed at the end), with its own Release build.
#
# Environment: JOBS (ctest -j, default 2), TEST_TIMEOUT (seconds per test,
# default 300), KEEP=1 keeps the copy.
set -uo pipefail
cd "$(dirname "$0")/.."
top=$(pwd)
jobs=${JOBS:-2}
test_timeout=${TEST_TIMEOUT:-300}

if [ $# -gt 0 ]; then
  mutants=()
  for m in "$@"; do mutants+=("tests/mutants/$(basename "$m" .mutant).mutant"); done
else
  mutants=(tests/mutants/*.mutant)
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/ebm-mutants-XXXXXX")
[ "${KEEP:-0}" = 1 ] || trap 'rm -rf "$work"' EXIT
git ls-files -z | (cd "$top" && xargs -0 cp --parents -t "$work") || exit 1
build=$work/build
echo "mutants: copy in $work; building it once"
cmake -S "$work" -B "$build" -DCMAKE_BUILD_TYPE=Release >"$work/cmake.log" 2>&1 &&
  cmake --build "$build" -j"$jobs" >"$work/build.log" 2>&1 ||
  { echo "mutants: the unmutated tree does not build (see $work/build.log)"; KEEP=1; exit 1; }

# field NAME FILE: the value of "NAME: value" (first occurrence; leading
# spaces after the colon dropped)
field() { sed -n "s/^$1:[[:space:]]*//p" "$2" | head -1; }

# targets_for REGEX: the build targets the tests REGEX selects need: a unit
# test is its own program; CLI tests need ebm and the fault libraries;
# anything else (structure tests) needs the whole build.
targets_for() {
  local t targets=()
  for t in $(ctest --test-dir "$build" -N -R "$1" | sed -n 's/^ *Test *#[0-9]*: //p'); do
    case $t in
      test_*) targets+=("$t") ;;
      cli_*) targets+=(ebm ebm_fault_inject ebm_interrupt_at) ;;
      *) targets+=(all) ;;
    esac
  done
  printf '%s\n' "${targets[@]}" | sort -u
}

run_suite() {   # run_suite [REGEX]: 0 when every selected test passes
  local select=()
  [ -n "${1:-}" ] && select=(-R "$1")
  OPENBLAS_NUM_THREADS=1 ctest --test-dir "$build" -j"$jobs" --timeout "$test_timeout" \
    --stop-on-failure "${select[@]}" >"$work/ctest.log" 2>&1
}

killed=0 survived=0 equivalent=0 stale=0 nobuild=0
table=$work/table
printf '%-38s %-10s %s\n' mutant result "caught by / reason" >"$table"
for m in "${mutants[@]}"; do
  name=$(basename "$m" .mutant)
  file=$(field file "$m"); from=$(field from "$m"); to=$(field to "$m")
  tests=$(field tests "$m"); equiv=$(field equivalent "$m")
  target=$work/$file
  count=0
  [ -f "$target" ] && count=$(FROM="$from" perl -0ne '$n = () = /\Q$ENV{FROM}\E/g; print $n' "$target")
  if [ -z "$from" ] || [ "$count" != 1 ]; then
    result=stale why="'from' occurs $count times in $file"
    stale=$((stale + 1))
  else
    cp "$target" "$work/original"
    FROM="$from" TO="$to" perl -0pi -e 's/\Q$ENV{FROM}\E/$ENV{TO}/' "$target"
    first=()
    [ -n "$tests" ] && first=($(targets_for "$tests"))
    [ ${#first[@]} -gt 0 ] || first=(all)
    if ! cmake --build "$build" -j"$jobs" --target "${first[@]}" >"$work/build.log" 2>&1; then
      result="no-build" why="$(grep -m1 'error' "$work/build.log")"
      nobuild=$((nobuild + 1))
    elif [ -n "$equiv" ]; then
      result=equivalent why=$equiv
      equivalent=$((equivalent + 1))
    elif { [ -n "$tests" ] && ! run_suite "$tests"; } ||
         { cmake --build "$build" -j"$jobs" >"$work/build.log" 2>&1 && ! run_suite; }; then
      result=killed
      why=$(sed -n 's/^[[:space:]]*[0-9]* - \([^ ]*\) .*/\1/p' "$work/ctest.log" | head -3 | tr '\n' ' ')
      killed=$((killed + 1))
    else
      result=SURVIVED why="the whole suite passes"
      survived=$((survived + 1))
    fi
    cp "$work/original" "$target"
    touch "$target"
  fi
  printf '%-38s %-10s %s\n' "$name" "$result" "$why" | tee -a "$table"
done
# the copy rebuilt clean, so a later run starts from the real tree
cmake --build "$build" -j"$jobs" >/dev/null 2>&1

scored=$((killed + survived))
echo
cat "$table"
echo
echo "mutants: ${#mutants[@]} in all; $killed killed, $survived survived, $nobuild did not" \
     "build, $equivalent equivalent, $stale stale"
if [ "$scored" -gt 0 ]; then
  echo "score: $killed of $scored non-equivalent mutants killed" \
       "($(( (100 * killed) / scored ))%)"
fi
[ "$survived" -eq 0 ] && [ "$stale" -eq 0 ] && [ "$nobuild" -eq 0 ]
