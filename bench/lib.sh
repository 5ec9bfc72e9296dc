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

# "wall busy steal own" in seconds: the clock, the machine's busy and stolen
# time since boot (/proc/stat), and the CPU time of this script and its
# finished children (/proc/$$/stat: $$ is the script even in a subshell),
# for bench_watch_print.
bench_watch_start() {
    awk -v hz="$(getconf CLK_TCK)" -v wall="$(date +%s.%N)" '
        FILENAME == "/proc/stat" && /^cpu / { busy = ($2 + $3 + $4 + $7 + $8) / hz; steal = $9 / hz }
        FILENAME != "/proc/stat" { sub(/^.*\) /, ""); own = ($12 + $13 + $14 + $15) / hz }
        END { printf "%s %.2f %.2f %.2f\n", wall, busy, steal, own }' /proc/stat "/proc/$$/stat"
}

# Prints others_cores= and steal_cores= since bench_watch_start printed $1
# (as bench_watch_print in benchutil.c does for one program): the cores'
# time other processes used and the host took, with a warning when either
# reaches 0.1. Peers the script ran count as its own.
bench_watch_print() {
    local now; now=$(bench_watch_start)
    awk -v a="$1" -v b="$now" 'BEGIN {
        split(a, s, " "); split(b, e, " ")
        wall = e[1] - s[1]; if (wall <= 0) exit
        others = (e[2] - s[2] - (e[4] - s[4])) / wall; if (others < 0) others = 0
        steal = (e[3] - s[3]) / wall
        printf "others_cores=%.2f\nsteal_cores=%.2f\n", others, steal
        if (others >= 0.1 || steal >= 0.1)
            printf "# other processes used %.2f cores and the host took %.2f while this ran:\n# these ratios are not a quiet machine'"'"'s (docs/performance.md)\n", others, steal
    }'
}
