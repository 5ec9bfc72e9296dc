# lib.sh — what the benchmark scripts under bench/ share: where the build
# is, building one benchmark program if needed, and reading key=value lines.
# Sourced, never run.

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
build=${EBM_BUILD:-$root/build}
python=${PYTHON:-/usr/bin/python3}

# Configures build/ (Release) when it does not exist, then builds target $1.
bench_build() {
    if [ ! -f "$build/CMakeCache.txt" ]; then
        cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release >&2
    fi
    cmake --build "$build" --target "$1" -j "$(nproc)" >&2
}

# The value of key $1 in the captured output $2 (its last line).
bench_value() { sed -n "s/^$1=//p" <<<"$2" | tail -n 1; }
