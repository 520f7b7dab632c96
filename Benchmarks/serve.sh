#!/usr/bin/env bash
# Benchmark 3: the lab servers under load.
#
#   Benchmarks/serve.sh [--seconds S] [--clients "1 50"]
#
# For each TCP lab server (osilab serve echo, files, remote) and two echo baselines written
# for this benchmark (blocking_echo.py: the notes' one-client-at-a-time server;
# asyncio_echo.py: an asyncio Protocol server), with 1 and with 50 concurrent clients:
# exchanges per second, p50/p99/max latency, and how many clients were served at all.
# The load client is Benchmarks/loadclient.c (a thread per client, bounded to S seconds).
# An echo exchange is a 32-byte message and its answer; a files exchange is the notes'
# get / size / acknowledgement / 32-byte file; a remote exchange runs `echo` (a new
# process each time) through the same four steps.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

RUN_SECONDS=5
CLIENT_COUNTS="1 50"
while [[ $# -gt 0 ]]; do
    case $1 in
        --seconds) RUN_SECONDS=$2; shift 2 ;;
        --clients) CLIENT_COUNTS=$2; shift 2 ;;
        *) echo "usage: $0 [--seconds S] [--clients \"1 50\"]" >&2; exit 2 ;;
    esac
done
need cc python3
build_release
load=$(build_tool loadclient)
root=$BENCH_DIR/files-root
mkdir -p "$root"
printf '%032d' 0 >"$root/bench.txt"   # a 32-byte file

server_pid=""
declare -A results
cleanup() {
    if [[ -n $server_pid ]] && kill -0 "$server_pid" 2>/dev/null; then kill "$server_pid" 2>/dev/null || true; fi
}
trap cleanup EXIT

accepts_connections() {
    python3 -c "import socket,sys; socket.create_connection(('127.0.0.1', $1), 0.2).close()" 2>/dev/null
}

# Starts a server in the background and waits until its port accepts connections.
start_server() {
    local port=$1; shift
    "$@" >"$BENCH_DIR/server.log" 2>&1 &
    server_pid=$!
    wait_for accepts_connections "$port" && return 0
    echo "The server did not start: $(cat "$BENCH_DIR/server.log")" >&2
    exit 1
}

stop_server() {
    # SIGTERM: a background job of a script ignores SIGINT. osilab serve stops cleanly on both.
    kill -TERM "$server_pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
}

measure() {
    local name=$1 port=$2 mode=$3; shift 3
    for clients in $CLIENT_COUNTS; do
        start_server "$port" "$@"
        local line
        line=$("$load" -p "$port" -m "$mode" -c "$clients" -d "$RUN_SECONDS" -f bench.txt -x "echo osilab-benchmark-0123456789")
        local peak
        peak=$(peak_of_pid "$server_pid")
        stop_server
        printf '%-34s %s peak_rss_mib=%s\n' "$name" "$line" "$peak"
        results["$name/$clients"]=$line
    done
    load_now
}

machine_facts
echo "== $RUN_SECONDS s per run; clients: $CLIENT_COUNTS"
load_now
measure "osilab serve echo" 4711 echo "$OSILAB" serve echo --port 4711 --quiet
measure "asyncio_echo.py (baseline)" 4712 echo python3 "$ROOT/Benchmarks/asyncio_echo.py" 4712
measure "blocking_echo.py (notes' style)" 4713 echo python3 "$ROOT/Benchmarks/blocking_echo.py" 4713
measure "osilab serve files" 4714 files "$OSILAB" serve files --port 4714 --root "$root" --quiet
measure "osilab serve remote" 4715 remote "$OSILAB" serve remote --port 4715 --quiet

# The comparison the target is about: osilab's echo against the asyncio baseline.
field() { sed -E "s/.*$2=([0-9]+).*/\\1/" <<<"$1"; }
for clients in $CLIENT_COUNTS; do
    ours=${results["osilab serve echo/$clients"]:-} theirs=${results["asyncio_echo.py (baseline)/$clients"]:-}
    [[ -n $ours && -n $theirs ]] || continue
    ratio=$(awk -v a="$(field "$ours" per_second)" -v b="$(field "$theirs" per_second)" 'BEGIN { printf "%.2f", a / b }')
    echo "$clients client(s): osilab echo does ${ratio}x the exchanges/s of asyncio; p99 $(field "$ours" p99_us) µs against $(field "$theirs" p99_us) µs; served $(field "$ours" served) and $(field "$theirs" served) of $clients"
done
