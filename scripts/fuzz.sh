#!/usr/bin/env bash
# fuzz.sh [SECONDS_EACH] — builds the libFuzzer harnesses of tests/fuzz/ (config
# loader, CSV reader, IDX reader) with clang, ASan and UBSan into build-fuzz/,
# runs each for SECONDS_EACH seconds (default 60) from a fresh copy of its
# seed corpus and regressions, and exits 1 on any crash, leak or timeout,
# naming the input that caused it. CI runs it briefly; see the README for
# longer runs.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-60}
case "$seconds" in
  '' | *[!0-9]* | 0) echo "usage: scripts/fuzz.sh [SECONDS_EACH > 0]" >&2; exit 2 ;;
esac
read -ra targets <<< "${EBM_FUZZ_TARGETS:-config csv idx}"
build="build-fuzz"

# 1. clang, its libFuzzer runtime and OpenMP. Debian's clang only recommends
# the runtime (libclang-rt-N-dev), so check that -fsanitize=fuzzer links.
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
install() {
  echo "fuzz: installing $*" >&2
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}
missing=()
command -v clang >/dev/null || missing+=(clang)
dpkg-query -W -f='${Status}' libomp-dev 2>/dev/null | grep -q "install ok installed" ||
  missing+=(libomp-dev)
[ ${#missing[@]} -eq 0 ] || install "${missing[@]}"
mkdir -p "$build"
probe="$build/probe"
echo 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { (void)d; return (int)(n & 0); }' \
  > "$probe.c"
if ! clang -fsanitize=fuzzer,address,undefined "$probe.c" -o "$probe" 2>/dev/null; then
  major=$(clang -dumpversion | cut -d. -f1)
  install "libclang-rt-$major-dev"
  clang -fsanitize=fuzzer,address,undefined "$probe.c" -o "$probe"
fi

# 2. the library with coverage, ASan and UBSan (its own build directory; the
# normal build is untouched), then one binary per harness. UB aborts, so
# libFuzzer sees it as a crash.
flags="-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined"
echo "fuzz: building $build (clang)" >&2
cmake -S . -B "$build" -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=None -DEBM_WERROR=OFF \
  -DCMAKE_C_FLAGS="$flags -fsanitize=fuzzer-no-link" >"$build/cmake.log" 2>&1 ||
  { cat "$build/cmake.log" >&2; exit 1; }
cmake --build "$build" --target ebm_lib -j"$(nproc)" >"$build/build.log" 2>&1 ||
  { tail -40 "$build/build.log" >&2; exit 1; }
libs=$(pkg-config --libs yaml-0.1 hdf5 openblas zlib)
cflags=$(pkg-config --cflags yaml-0.1 hdf5 openblas zlib)
# every layer's folder (CMakeLists.txt lists them), as the tests see them
includes=$(find framework samplers datasets models estimators -type d | sed 's/^/-I/' | tr '\n' ' ')
for t in "${targets[@]}"; do
  # shellcheck disable=SC2086
  clang -std=gnu11 $flags $cflags -fsanitize=fuzzer $includes -Itests/fuzz \
    "tests/fuzz/fuzz_$t.c" "$build/libebm.a" $libs -fopenmp -lm -o "$build/fuzz_$t"
done

# 3. each target for the budget, from a fresh working corpus; what libFuzzer
# finds goes to $build/crashes/<target>/.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1
failed=0
for t in "${targets[@]}"; do
  work="$build/work/$t" crashes="$build/crashes/$t" log="$build/fuzz_$t.log"
  rm -rf "$work" "$crashes"
  mkdir -p "$work" "$crashes"
  cp tests/fuzz/corpus/"$t"/* "$work"/
  if [ -d "tests/fuzz/regressions/$t" ]; then
    cp tests/fuzz/regressions/"$t"/* "$work"/
  fi
  dict=()
  [ -f "tests/fuzz/$t.dict" ] && dict=(-dict="tests/fuzz/$t.dict")
  echo "fuzz: $t for ${seconds}s" >&2
  if "$build/fuzz_$t" "${dict[@]}" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
      -max_len=8192 -print_final_stats=1 -artifact_prefix="$crashes/" "$work" >"$log" 2>&1; then
    grep -E "^stat::number_of_executed_units|^stat::new_units_added" "$log" |
      sed "s/^/fuzz: $t: /" >&2 || true
  else
    failed=1
    echo "fuzz: $t FAILED; the end of $log:" >&2
    tail -60 "$log" >&2
    for found in "$crashes"/*; do
      [ -e "$found" ] || continue
      echo "fuzz: reproducer: $found (replay: $build/fuzz_$t $found; keep it as" \
           "tests/fuzz/regressions/$t/<name> once fixed)" >&2
    done
  fi
done
exit $failed
