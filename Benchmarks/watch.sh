#!/usr/bin/env bash
# Benchmark 2: live capture under a connection storm on 127.0.0.1.
#
#   Benchmarks/watch.sh [--seconds S] [--rate PER_SECOND] [--port P] [--only osilab]
#
# For osilab watch and for tcpdump (text, text with TZ set, and writing a pcap file), in
# turn: start the capture on lo, run the storm (Benchmarks/storm.c: its own server and
# client, bounded to S seconds, unpaced unless --rate), stop the capture with SIGINT, and
# report connections/s, packets seen, the kernel's drop counter, and handshakes seen.
# On lo the kernel counts every packet twice (leaving and arriving) while libpcap shows it
# once, so "received by filter" is halved to count real packets.
# Needs root (or the capture capabilities).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

STORM_SECONDS=5
RATE=0
PORT=4590
ONLY=""
while [[ $# -gt 0 ]]; do
    case $1 in
        --seconds) STORM_SECONDS=$2; shift 2 ;;
        --rate) RATE=$2; shift 2 ;;
        --port) PORT=$2; shift 2 ;;
        --only) ONLY=$2; shift 2 ;;
        *) echo "usage: $0 [--seconds S] [--rate PER_SECOND] [--port P] [--only osilab|tcpdump]" >&2; exit 2 ;;
    esac
done
need cc tcpdump
build_release
storm=$(build_tool storm)

capture_pid=""
peak="?"
cleanup() {
    if [[ -n $capture_pid ]] && kill -0 "$capture_pid" 2>/dev/null; then kill -INT "$capture_pid" 2>/dev/null || true; fi
}
trap cleanup EXIT

# Starts a capture command in the background and waits until it says it is capturing.
start_capture() {
    local ready=$1; shift
    "$@" >"$BENCH_DIR/watch.out" 2>"$BENCH_DIR/watch.err" &
    capture_pid=$!
    if wait_for grep -q "$ready" "$BENCH_DIR/watch.err" 2>/dev/null; then
        # Packets sent in the first few milliseconds after a capture says it is ready
        # (tcpdump's "listening on" as much as osilab's "Capturing on") are not yet
        # delivered to it on this kernel: give the socket time to be attached.
        sleep 0.5
        return 0
    fi
    echo "The capture did not start: $(cat "$BENCH_DIR/watch.err")" >&2
    exit 1
}

stop_capture() {
    sleep 1  # let the capture drain what the kernel still holds
    peak=$(peak_of_pid "$capture_pid")
    kill -INT "$capture_pid"
    wait "$capture_pid" || true
    capture_pid=""
}

run_storm() {
    local args=(-p "$PORT" -d "$STORM_SECONDS")
    [[ $RATE != 0 ]] && args+=(-r "$RATE")
    "$storm" "${args[@]}"
}

report() {
    local name=$1 storm_line=$2 captured=$3 received=$4 dropped=$5 handshakes=$6
    local made per_second
    made=$(sed -E 's/.*connections=([0-9]+).*/\1/' <<<"$storm_line")
    per_second=$(sed -E 's/.*per_second=([0-9]+).*/\1/' <<<"$storm_line")
    printf '%-28s %7s conn/s  %8s conns  packets seen %9s of %9s  kernel drops %7s  handshakes %s of %s  peak RSS %s MiB\n' \
        "$name" "$per_second" "$made" "$captured" "$((received / 2))" "$dropped" "$handshakes" "$made" "$peak"
}

machine_facts
pace=$([[ $RATE == 0 ]] && echo "unpaced" || echo "paced at $RATE/s")
echo "== Storm: $STORM_SECONDS s, $pace, port $PORT; output of each capture to a file"
load_now

if [[ -z $ONLY || $ONLY == osilab ]]; then
    start_capture "Capturing on" "$OSILAB" watch --port "$PORT"
    line=$(run_storm)
    stop_capture
    stats=$(grep -E "^Capture: " "$BENCH_DIR/watch.out" | tail -1)
    captured=$(sed -E 's/Capture: ([0-9]+) packets captured.*/\1/' <<<"$stats")
    received=$(sed -E 's/.*, ([0-9]+) received by filter.*/\1/' <<<"$stats")
    dropped=$(sed -E 's/.*, ([0-9]+) dropped by kernel.*/\1/' <<<"$stats")
    handshakes=$(grep -c "(step 3:" "$BENCH_DIR/watch.out" || true)
    report "osilab watch" "$line" "$captured" "$received" "$dropped" "$handshakes"
    load_now
fi

if [[ -z $ONLY || $ONLY == tcpdump ]]; then
    for variant in text text-TZ pcap; do
        case $variant in
            text) start_capture "listening on" env -u TZ tcpdump -i lo -nn "port $PORT" ;;
            text-TZ) start_capture "listening on" env TZ=UTC tcpdump -i lo -nn "port $PORT" ;;
            pcap) start_capture "listening on" tcpdump -i lo -nn -w "$BENCH_DIR/storm.pcap" "port $PORT" ;;
        esac
        line=$(run_storm)
        stop_capture
        captured=$(awk '/packets captured/ { print $1 }' "$BENCH_DIR/watch.err")
        received=$(awk '/packets received by filter/ { print $1 }' "$BENCH_DIR/watch.err")
        dropped=$(awk '/packets dropped by kernel/ { print $1 }' "$BENCH_DIR/watch.err")
        if [[ $variant == pcap ]]; then
            syns=$(tcpdump -nn -r "$BENCH_DIR/storm.pcap" 'tcp[tcpflags] == tcp-syn' 2>/dev/null | wc -l)
        else
            syns=$(grep -c "Flags \[S\]," "$BENCH_DIR/watch.out" || true)
        fi
        report "tcpdump ($variant; SYNs)" "$line" "$captured" "$received" "$dropped" "$syns"
        load_now
    done
fi
