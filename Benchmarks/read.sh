#!/usr/bin/env bash
# Benchmark 1: reading a capture. osilab read against tcpdump on the same generated file.
#
#   Benchmarks/read.sh [--packets N] [--runs R] [--no-callgrind]
#
# Prints hyperfine's table (median of R runs, and how many times faster or slower each
# command is than osilab), peak memory at 100k and at N packets (it must not grow with
# the file), the system calls per packet, and callgrind's instruction count (the same on
# a busy and an idle machine).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

PACKETS=1000000
RUNS=5
CALLGRIND=1
while [[ $# -gt 0 ]]; do
    case $1 in
        --packets) PACKETS=$2; shift 2 ;;
        --runs) RUNS=$2; shift 2 ;;
        --no-callgrind) CALLGRIND=0; shift ;;
        *) echo "usage: $0 [--packets N] [--runs R] [--no-callgrind]" >&2; exit 2 ;;
    esac
done
need hyperfine tcpdump python3 strace

build_release
small=$BENCH_DIR/capture-100000.pcap
large=$BENCH_DIR/capture-$PACKETS.pcap
for spec in "100000:$small" "$PACKETS:$large"; do
    count=${spec%%:*} file=${spec#*:}
    if [[ ! -s $file ]]; then
        echo "== Generating $file ($count packets)"
        python3 "$ROOT/Benchmarks/gen-capture.py" "$file" --packets "$count"
    fi
done
echo "capture: $large, $(stat -c %s "$large") bytes, sha256 $(sha256sum "$large" | cut -c1-16)"
machine_facts
load_now

echo "== Reading $PACKETS packets, output to /dev/null (hyperfine, $RUNS runs each, medians)"
# tcpdump without TZ asks glibc for the local time of every packet, and glibc then stats
# /etc/localtime each time; with TZ set it does not. Both are shown.
hyperfine -N --style basic --warmup 1 --runs "$RUNS" \
    --export-json "$BENCH_DIR/read.json" \
    -n "osilab read" "$OSILAB read $large" \
    -n "tcpdump -nn -r" "env -u TZ tcpdump -nn -r $large" \
    -n "TZ=UTC tcpdump -nn -r" "env TZ=UTC tcpdump -nn -r $large" \
    -n "tcpdump -nn -S -tt -r" "tcpdump -nn -S -tt -r $large"
python3 - "$BENCH_DIR/read.json" <<'PY'
import json, sys
results = json.load(open(sys.argv[1]))["results"]
osilab = results[0]["median"]
print("medians (s) and osilab's time as a share of each:")
for r in results:
    print(f"  {r['command']:<24} {r['median']:7.3f} s   osilab/this = {osilab / r['median']:.2f}")
PY
load_now

echo "== Peak memory (RSS)"
echo "  osilab read, 100k packets:        $(peak_mib "$OSILAB" read "$small") MiB"
echo "  osilab read, $PACKETS packets:    $(peak_mib "$OSILAB" read "$large") MiB"
echo "  osilab --help (the floor):        $(peak_mib "$OSILAB" --help) MiB"
# Memory follows the connections open at once, not the file: the same generator with
# 20,000 connections interleaved instead of 64.
busy=$BENCH_DIR/capture-200000-open20000.pcap
[[ -s $busy ]] || python3 "$ROOT/Benchmarks/gen-capture.py" "$busy" --packets 200000 --concurrency 20000
echo "  osilab read, 200k packets, 20,000 connections open at once: $(peak_mib "$OSILAB" read "$busy") MiB"
echo "  tcpdump -nn -S -tt -r, $PACKETS:  $(peak_mib tcpdump -nn -S -tt -r "$large") MiB"
if command -v tshark >/dev/null 2>&1; then
    echo "  tshark -n -r, $PACKETS:           $(peak_mib tshark -n -r "$large") MiB"
fi

echo "== System calls while reading 100k packets (strace -c)"
strace -c -o "$BENCH_DIR/strace-osilab.txt" "$OSILAB" read "$small" >/dev/null
strace -c -o "$BENCH_DIR/strace-tcpdump.txt" env -u TZ tcpdump -nn -r "$small" >/dev/null 2>&1
for who in osilab tcpdump; do
    total=$(awk '/^100.00|total/ { print $4; exit }' "$BENCH_DIR/strace-$who.txt")
    stats=$(awk '$NF ~ /^(newfstatat|stat|fstat|statx|openat)$/ { n += $4 } END { print n + 0 }' "$BENCH_DIR/strace-$who.txt")
    echo "  $who: $total system calls for 100000 packets; stat/open calls: $stats"
done

if [[ $CALLGRIND == 1 ]] && command -v valgrind >/dev/null 2>&1; then
    echo "== Instructions for 100k packets (callgrind; independent of the machine's load)"
    # Valgrind 3.19 gives up on the debug information Swift 6.3 writes, so it runs a
    # stripped copy. tcpdump gets -Z root: it would otherwise switch to the tcpdump user
    # and could not write callgrind's output file.
    strip -o "$BENCH_DIR/osilab-stripped" "$OSILAB"
    valgrind --tool=callgrind --callgrind-out-file="$BENCH_DIR/callgrind.out" "$BENCH_DIR/osilab-stripped" read "$small" \
        >/dev/null 2>"$BENCH_DIR/callgrind.log" || true
    valgrind --tool=callgrind --callgrind-out-file="$BENCH_DIR/callgrind-help.out" "$BENCH_DIR/osilab-stripped" --help \
        >/dev/null 2>"$BENCH_DIR/callgrind-help.log" || true
    valgrind --tool=callgrind --callgrind-out-file="$BENCH_DIR/callgrind-tcpdump.out" tcpdump -Z root -nn -S -tt -r "$small" \
        >/dev/null 2>"$BENCH_DIR/callgrind-tcpdump.log" || true
    collected() { awk '/Collected/ { print $4 }' "$1"; }
    echo "  osilab read:           $(collected "$BENCH_DIR/callgrind.log") instructions ($(collected "$BENCH_DIR/callgrind-help.log") of them start-up, as for --help)"
    echo "  tcpdump -nn -S -tt -r: $(collected "$BENCH_DIR/callgrind-tcpdump.log") instructions"
    echo "  (callgrind_annotate $BENCH_DIR/callgrind.out | head -40 shows where they go)"
fi
