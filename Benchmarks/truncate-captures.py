#!/usr/bin/env python3
"""Writes copies of a classic pcap file as if it had been captured with every snap length.

Usage: truncate-captures.py [--snap] [--file] OUTPUT_DIR CAPTURE...

With --snap (the default), for a capture whose longest packet has L bytes, writes NAME-snap1.pcap ... NAME-snapL.pcap:
each packet cut to that many bytes (the record keeps the packet's original length, as
tcpdump -s does), so every header of every packet gets cut at every possible byte.
With --file, writes NAME-file<N>.pcap for every byte length N of the file itself (a file cut off
mid-record, as when a capture is copied while still being written).
"""

import os
import struct
import sys


def main():
    args = sys.argv[1:]
    modes = {a for a in args if a in ("--snap", "--file")} or {"--snap"}
    args = [a for a in args if a not in ("--snap", "--file")]
    if len(args) < 2:
        sys.exit(__doc__)
    target = args[0]
    os.makedirs(target, exist_ok=True)
    count = 0
    for path in args[1:]:
        with open(path, "rb") as handle:
            data = handle.read()
        magic = data[:4]
        if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
            order = "<"
        elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
            order = ">"
        else:
            print(f"skipping {path}: not a classic pcap file", file=sys.stderr)
            continue
        name = os.path.splitext(os.path.basename(path))[0]
        records = []
        offset = 24
        while offset + 16 <= len(data):
            sec, frac, caplen, origlen = struct.unpack(order + "IIII", data[offset:offset + 16])
            records.append((sec, frac, origlen, data[offset + 16:offset + 16 + caplen]))
            offset += 16 + caplen
        longest = max((len(r[3]) for r in records), default=0)
        for snap in range(1, longest + 1 if "--snap" in modes else 1):
            header = bytearray(data[:24])
            struct.pack_into(order + "I", header, 16, snap)
            out = [bytes(header)]
            for sec, frac, origlen, body in records:
                cut = body[:snap]
                out.append(struct.pack(order + "IIII", sec, frac, len(cut), max(origlen, len(cut))))
                out.append(cut)
            with open(os.path.join(target, f"{name}-snap{snap}.pcap"), "wb") as handle:
                handle.write(b"".join(out))
            count += 1
        for length in range(24, len(data) if "--file" in modes else 24):
            with open(os.path.join(target, f"{name}-file{length}.pcap"), "wb") as handle:
                handle.write(data[:length])
            count += 1
    print(f"{count} truncated captures in {target}")


if __name__ == "__main__":
    main()
