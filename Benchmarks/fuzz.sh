#!/usr/bin/env bash
# Fuzzes the packet decoder and the per-packet lines with libFuzzer under AddressSanitizer.
#
#   Benchmarks/fuzz.sh [--time SECONDS] [--jobs N]      (default: 180 seconds, 1 job)
#
# Builds Benchmarks/fuzz/DecoderFuzz.swift with the Wire, Trace, TextUI and Timeline
# sources (swiftc directly: SwiftPM renames an executable's entry point, which clashes with
# libFuzzer's own main), seeds the corpus from the fixture captures, runs for the given
# time, and fails if any input crashed. A crashing input is left in $BENCH_DIR/fuzz/ as
# crash-*; turn it into a test in Tests/WireTests (see README, "Benchmarks and reliability").
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

SECONDS_TO_RUN=180
JOBS=1
while [[ $# -gt 0 ]]; do
    case $1 in
        --time) SECONDS_TO_RUN=$2; shift 2 ;;
        --jobs) JOBS=$2; shift 2 ;;
        *) echo "usage: $0 [--time SECONDS] [--jobs N]" >&2; exit 2 ;;
    esac
done

work=$BENCH_DIR/fuzz
build=$work/build
mkdir -p "$build" "$work/corpus" "$work/seeds"
binary=$build/decoder-fuzz

echo "== Building the fuzz target (-sanitize=fuzzer,address)"
flags=(-O -g -wmo -parse-as-library -swift-version 6 -sanitize=fuzzer,address)
compile_module() {
    local name=$1
    swiftc "${flags[@]}" -c -I "$build" -module-name "$name" -emit-module -emit-module-path "$build/$name.swiftmodule" \
        "$ROOT"/Sources/"$name"/*.swift -o "$build/$name.o"
}
# Dependency order: Wire and TextUI need nothing of ours, Trace needs Wire, Timeline all three.
for module in Wire TextUI Trace Timeline; do compile_module "$module"; done
# The linker warns about ASan's local helper symbols; that is noise, not a problem.
swiftc "${flags[@]}" -I "$build" -module-name DecoderFuzz "$ROOT/Benchmarks/fuzz/DecoderFuzz.swift" \
    "$build"/Wire.o "$build"/TextUI.o "$build"/Trace.o "$build"/Timeline.o -o "$binary" 2>&1 \
    | grep -v "Cannot export local symbol" || true
[[ -x $binary ]] || { echo "The fuzz target did not build." >&2; exit 1; }

echo "== Seeds from the fixture captures and a generated busy-host capture"
python3 "$ROOT/Benchmarks/gen-capture.py" "$work/generated.pcap" --packets 300 --concurrency 8
python3 "$ROOT/Benchmarks/fuzz/make-seeds.py" "$work/seeds" "$ROOT"/Tests/CaptureTests/Fixtures/*.pcap "$work/generated.pcap"

machine_facts
load_now
echo "== Fuzzing for $SECONDS_TO_RUN s ($JOBS job(s))"
rm -f "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$work"/oom-*
set +e
(cd "$work" && "$binary" corpus seeds -max_total_time="$SECONDS_TO_RUN" -max_len=4096 -timeout=10 \
    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$work/" \
    $( [[ $JOBS -gt 1 ]] && echo "-jobs=$JOBS -workers=$JOBS" ) ) >"$work/fuzz.log" 2>&1
status=$?
set -e
grep -E "^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)|cov: " "$work/fuzz.log" | tail -4
findings=$(find "$work" -maxdepth 1 \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \) | wc -l)
echo "corpus: $(find "$work/corpus" -type f | wc -l) inputs; crashes, leaks, timeouts: $findings; libFuzzer exit $status"
load_now
if [[ $findings -gt 0 || $status -ne 0 ]]; then
    echo "The fuzzer found a problem; see $work/fuzz.log and the input(s) in $work." >&2
    exit 1
fi
echo "No crash."
