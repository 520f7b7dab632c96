#!/usr/bin/env bash
# Reads every fixture capture, and small ones cut at every snap length and every file
# length, with an osilab built under AddressSanitizer. Passes when none of them crashes or
# trips the sanitizer (exit status 0 for a good file, 1 with a message for a damaged one).
#
#   Benchmarks/asan-captures.sh
#
# The sanitized build lives in .build-asan so it never disturbs the normal one. scripts/test
# runs this after the test suite.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
fixtures=Tests/CaptureTests/Fixtures
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "== Building osilab with AddressSanitizer (.build-asan)"
swift build --sanitize=address --product osilab --scratch-path .build-asan 2>&1 | tail -1
osilab=.build-asan/debug/osilab

python3 Benchmarks/truncate-captures.py --snap "$work/cut" >/dev/null \
    "$fixtures"/{handshake-ipv4,handshake-ipv6,handshake-sll2,malformed,pppoe,null-big-endian-ipv6,refused}.pcap
python3 Benchmarks/truncate-captures.py --file "$work/cut" "$fixtures"/{refused,malformed}.pcap >/dev/null

# A crash is a signal (status above 128), a sanitizer report, or a Swift runtime trap.
export ASAN_OPTIONS=detect_leaks=0:abort_on_error=1
check() {
    local file=$1 status=0
    "$osilab" read "$file" >/dev/null 2>"$work/stderr" || status=$?
    if [[ $status -gt 1 ]] || grep -qE "AddressSanitizer|Fatal error|runtime error" "$work/stderr"; then
        echo "CRASH reading $file (exit status $status):" >&2
        head -20 "$work/stderr" >&2
        return 1
    fi
}

failures=0
count=0
for file in "$fixtures"/*.pcap "$fixtures"/*.pcapng "$work"/cut/*.pcap; do
    count=$((count + 1))
    check "$file" || failures=$((failures + 1))
done
if [[ $failures -eq 0 ]]; then
    echo "All $count captures read under AddressSanitizer without a crash."
else
    echo "$failures of $count captures crashed osilab read under AddressSanitizer." >&2
fi
[[ $failures -eq 0 ]]
