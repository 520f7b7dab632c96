#!/usr/bin/env bash
# Fuzzes with libFuzzer under AddressSanitizer, one target after another:
#   decoder   the packet decoder and the per-packet lines (fuzz/DecoderFuzz.swift)
#   commands  the remote lab's request path: UTF-8, splitCommandLine, CommandPolicy, and the
#             client's RemoteOutput.shown (fuzz/CommandFuzz.swift)
#   files     the files lab's request path: FileRequest.parse, FileRoot.open on a real folder
#             with links leading out, and the client's FileListing.names (fuzz/FilesFuzz.swift)
#   netlink   the kernel-state readers: a NETLINK_SOCK_DIAG reply, tcp_info, /proc/net/netstat,
#             and two replies as samples through the timeline's changes (fuzz/NetlinkFuzz.swift)
#
#   Benchmarks/fuzz.sh [--time SECONDS] [--jobs N] [--target decoder|commands|files|netlink|all]
#                      (default: 180 seconds per target, 1 job, every target)
#
# The targets need Report (the per-packet lines) and Labs, which need Sockets (swift-system and
# a C target) and Capture (libpcap): SwiftPM builds Labs and everything under it, instrumented,
# once, in its own scratch path ($BENCH_DIR/fuzz/spm, reused between runs), and swiftc links
# each target against those objects. (SwiftPM cannot link the targets itself: it renames an
# executable's entry point, which clashes with libFuzzer's own main.) Each build step prints
# what it cost.
#
# Seeds: committed in Benchmarks/fuzz/corpus/TARGET/ (the decoder's: a few dozen packets of the
# fixture captures, one per link type and size; make-seeds.py adds all of them at run time). What a run adds goes to $BENCH_DIR/fuzz/TARGET/corpus, never
# into the repository. The script fails if any target crashed, leaked or hung, and leaves the
# input as $BENCH_DIR/fuzz/TARGET/crash-* (or leak-, timeout-, oom-); turn it into a test
# (decoder: Tests/WireTests; commands and files: Tests/LabsTests) before fixing it.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

SECONDS_TO_RUN=180
JOBS=1
TARGET=all
while [[ $# -gt 0 ]]; do
    case $1 in
        --time) SECONDS_TO_RUN=$2; shift 2 ;;
        --jobs) JOBS=$2; shift 2 ;;
        --target) TARGET=$2; shift 2 ;;
        *) echo "usage: $0 [--time SECONDS] [--jobs N] [--target decoder|commands|files|netlink|all]" >&2; exit 2 ;;
    esac
done
case $TARGET in
    all) targets=(decoder commands files netlink) ;;
    decoder|commands|files|netlink) targets=("$TARGET") ;;
    *) echo "unknown target $TARGET: decoder, commands, files, netlink or all" >&2; exit 2 ;;
esac

work=$BENCH_DIR/fuzz
build=$work/build
mkdir -p "$build"
flags=(-O -g -wmo -parse-as-library -swift-version 6 -sanitize=fuzzer,address)
# The linker warns about ASan's local helper symbols; that is noise, not a problem.
quiet_link() { grep -v "Cannot export local symbol" || true; }

labs_built=0
build_labs() {
    [[ $labs_built == 1 ]] && return
    local started=$SECONDS
    echo "== Building Labs, Report and everything under them with SwiftPM (-c release, -sanitize=fuzzer,address)"
    (cd "$ROOT" && swift build -c release --target Labs --scratch-path "$work/spm" \
        -Xswiftc -sanitize=fuzzer,address 2>&1 | tail -1)
    echo "built in $((SECONDS - started)) s (an unchanged tree takes seconds; a fresh one minutes)"
    labs_built=1
}

link_target() {
    local name=$1 source=$2
    build_labs
    local started=$SECONDS
    echo "== Linking the $name fuzz target"
    local products=$work/spm/release objects=() module
    # Labs and every module under it (Report, Timeline, Wire, ...), C targets and swift-system included.
    for module in Labs Sockets Capture Timeline Report Terminal Sandbox TextUI Trace Wire SockDiag KernelState \
                  CSupport CSandbox SystemPackage CSystem; do
        objects+=("$products/$module.build"/*.o)
    done
    local system_headers
    system_headers=$(find "$work/spm/checkouts" -path '*/Sources/CSystem/include' -type d | head -1)
    # The labs' targets share their checks (LabsFuzzSupport.swift); the decoder's needs none.
    local sources=("$ROOT/Benchmarks/fuzz/$source.swift")
    [[ $source == DecoderFuzz || $source == NetlinkFuzz ]] || sources+=("$ROOT/Benchmarks/fuzz/LabsFuzzSupport.swift")
    rm -f "$build/$name-fuzz"
    swiftc "${flags[@]}" -module-name "$source" -I "$products/Modules" \
        -Xcc -fmodule-map-file="$products/CSupport.build/module.modulemap" \
        -Xcc -fmodule-map-file="$products/CSandbox.build/module.modulemap" \
        -Xcc -fmodule-map-file="$ROOT/Sources/CPcap/module.modulemap" -I "$system_headers" \
        "${sources[@]}" "${objects[@]}" -lpcap -o "$build/$name-fuzz" 2>&1 | quiet_link
    [[ -x $build/$name-fuzz ]] || { echo "The $name fuzz target did not build." >&2; exit 1; }
    echo "linked in $((SECONDS - started)) s"
}

# Fills $work/TARGET/seeds with the target's seeds.
seed() {
    local target=$1 seeds=$work/$1/seeds
    rm -rf "$seeds"
    mkdir -p "$seeds"
    case $target in
        decoder)
            # The committed few, plus every packet of the fixture captures as they are today.
            echo "== Seeds from the fixture captures and a generated busy-host capture"
            python3 "$ROOT/Benchmarks/gen-capture.py" "$work/generated.pcap" --packets 300 --concurrency 8
            python3 "$ROOT/Benchmarks/fuzz/make-seeds.py" "$seeds" "$ROOT"/Tests/CaptureTests/Fixtures/*.pcap "$work/generated.pcap"
            ;;
    esac
    cp "$ROOT/Benchmarks/fuzz/corpus/$target"/* "$seeds"/
}

# Runs one target for $SECONDS_TO_RUN; returns non-zero if it found anything.
fuzz() {
    local target=$1 binary=$build/$1-fuzz dir=$work/$1
    mkdir -p "$dir/corpus"
    rm -f "$dir"/crash-* "$dir"/leak-* "$dir"/timeout-* "$dir"/oom-*
    load_now
    echo "== Fuzzing $target for $SECONDS_TO_RUN s ($JOBS job(s))"
    local status
    set +e
    # OSILAB_FUZZ_SCRATCH: where the files target makes the folder it serves from.
    (cd "$dir" && OSILAB_FUZZ_SCRATCH="$dir" "$binary" corpus seeds -max_total_time="$SECONDS_TO_RUN" -max_len=4096 \
        -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$dir/" \
        $( [[ $JOBS -gt 1 ]] && echo "-jobs=$JOBS -workers=$JOBS" ) ) >"$dir/fuzz.log" 2>&1
    status=$?
    set -e
    rm -rf "$dir"/osilab-files-fuzz-*
    grep -E "^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)|cov: " "$dir/fuzz.log" | tail -4
    local findings
    findings=$(find "$dir" -maxdepth 1 \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \) | wc -l)
    echo "$target: corpus $(find "$dir/corpus" -type f | wc -l) inputs; crashes, leaks, timeouts: $findings; libFuzzer exit $status"
    if [[ $findings -gt 0 || $status -ne 0 ]]; then
        echo "The $target fuzzer found a problem; see $dir/fuzz.log and the input(s) in $dir." >&2
        return 1
    fi
}

machine_facts
for target in "${targets[@]}"; do
    case $target in
        decoder) link_target decoder DecoderFuzz ;;
        commands) link_target commands CommandFuzz ;;
        files) link_target files FilesFuzz ;;
        netlink) link_target netlink NetlinkFuzz ;;
    esac
done

failed=()
for target in "${targets[@]}"; do
    seed "$target"
    fuzz "$target" || failed+=("$target")
done
load_now
if [[ ${#failed[@]} -gt 0 ]]; then
    echo "Fuzzing found problems in: ${failed[*]}" >&2
    exit 1
fi
echo "No crash."
