# Shared by the benchmark scripts: where things are, the release build, and the
# machine facts that go beside every number in REPORT.md.
# shellcheck shell=bash

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH_DIR=${BENCH_DIR:-/tmp/osilab-bench}
mkdir -p "$BENCH_DIR"
# Release build in its own scratch path, so it never fights the debug build the tests use.
RELEASE_SCRATCH=${RELEASE_SCRATCH:-$ROOT/.build}
OSILAB=$RELEASE_SCRATCH/release/osilab

build_release() {
    if [[ ${NO_BUILD:-0} == 1 && -x $OSILAB ]]; then return; fi
    echo "== Building osilab in release mode"
    (cd "$ROOT" && swift build -c release --product osilab --scratch-path "$RELEASE_SCRATCH" 2>&1 | tail -1)
}

# One line about the machine and one about its load: benchmarks on a shared 2-core
# machine mean little without them.
machine_facts() {
    local cpu
    cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
    echo "machine: $cpu, $(nproc) cores, kernel $(uname -r), $(date -u '+%Y-%m-%d %H:%M UTC')"
}

load_now() {
    echo "load: $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min averages)"
}

need() {
    for tool in "$@"; do
        command -v "$tool" >/dev/null 2>&1 || { echo "This benchmark needs $tool (apt-get install $tool)." >&2; exit 1; }
    done
}

# Compiles the benchmark's C helper Benchmarks/NAME.c into $BENCH_DIR/NAME and prints its path.
build_tool() {
    cc -O2 -pthread -o "$BENCH_DIR/$1" "$ROOT/Benchmarks/$1.c" && echo "$BENCH_DIR/$1"
}

# Runs a check (a command) every 50 ms until it succeeds; fails if it has not within 5 s.
wait_for() {
    for _ in $(seq 100); do
        "$@" && return 0
        sleep 0.05
    done
    return 1
}

# Peak resident memory of a command in MiB, from /usr/bin/time.
peak_mib() {
    local kib
    /usr/bin/time -f '%M' -o "$BENCH_DIR/.time" "$@" >/dev/null 2>&1
    kib=$(tail -1 "$BENCH_DIR/.time")
    awk -v k="$kib" 'BEGIN { printf "%.1f", k / 1024 }'
}

# Peak resident memory so far of a running process, in MiB (VmHWM in /proc/PID/status).
peak_of_pid() {
    awk '/^VmHWM:/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status" 2>/dev/null || echo "?"
}
