#!/usr/bin/env bash
# Benchmark 4: start-up. The whole process, as a person starting osilab feels it.
#
#   Benchmarks/startup.sh [--runs R]
#
# `osilab --help`, `osilab --version`, and the first lesson printed without a terminal
# (`osilab lesson 1 < /dev/null | head`), with hyperfine; the target is under 50 ms each.
# Also counts the shared libraries loaded and the progress-file writes (each one is an
# fsync), the two things that cost most here.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

RUNS=30
while [[ $# -gt 0 ]]; do
    case $1 in
        --runs) RUNS=$2; shift 2 ;;
        *) echo "usage: $0 [--runs R]" >&2; exit 2 ;;
    esac
done
need hyperfine strace
build_release
# The lesson's progress goes to a throwaway state folder, not the maintainer's own.
export XDG_STATE_HOME=$BENCH_DIR/state
machine_facts
load_now
hyperfine --style basic --warmup 3 --runs "$RUNS" --export-json "$BENCH_DIR/startup.json" \
    -n "osilab --help" "$OSILAB --help" \
    -n "osilab --version" "$OSILAB --version" \
    -n "osilab lesson 1 < /dev/null | head" "$OSILAB lesson 1 < /dev/null | head"
python3 - "$BENCH_DIR/startup.json" <<'PY'
import json, sys
for r in json.load(open(sys.argv[1]))["results"]:
    print(f"  {r['command']:<38} median {r['median'] * 1000:6.1f} ms   (user {r['user'] * 1000:.1f} ms, system {r['system'] * 1000:.1f} ms)")
PY
load_now
strace -f -e trace=openat,fsync -o "$BENCH_DIR/startup.strace" "$OSILAB" lesson 1 </dev/null >/dev/null
echo "  lesson 1: $(grep -c '\.so' "$BENCH_DIR/startup.strace") shared-library opens, $(grep -c 'fsync(' "$BENCH_DIR/startup.strace") fsyncs of the progress file"
