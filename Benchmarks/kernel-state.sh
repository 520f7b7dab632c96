#!/usr/bin/env bash
# What sampling the kernel's state costs the run it watches: `osilab handshake --json`, RUNS
# times at each --kernel-interval, and the median of how long connect() and accept() blocked
# and how many samples were taken. Sampling happens on the calls' threads after each call
# returns (tens of microseconds) and on a thread of its own at the interval; a full dump of
# the socket table (milliseconds on a large machine) every 100 ms.
#
#   Benchmarks/kernel-state.sh [RUNS]      (default 20; root, or an ordinary user's private network)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
RUNS=${1:-20}
build_release
machine_facts
load_now
for interval in 1000 10 1 0.1; do
    for _ in $(seq "$RUNS"); do
        "$OSILAB" handshake --json --kernel-interval "$interval" 2>/dev/null
        echo "---"
    done | python3 -c '
import json, statistics, sys
runs, current = [], []
for line in sys.stdin:
    if line.strip() == "---":
        runs.append(current); current = []
    elif line.strip():
        current.append(json.loads(line))
def blocked(events, call):
    for e in events:
        if e.get("event") == "call-returned" and e.get("call") == call:
            return (float(e["time"]) - float(e["entered"])) * 1e6
connects = [blocked(r, "connect") for r in runs if blocked(r, "connect") is not None]
samples = [r[-1].get("kernel_samples", 0) for r in runs if r]
print(f"--kernel-interval {sys.argv[1]:>6} ms: connect() blocked median {statistics.median(connects):8.1f} us, "
      f"samples median {statistics.median(samples):6.0f} over {len(runs)} runs")
' "$interval"
done
load_now
