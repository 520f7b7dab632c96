#!/usr/bin/env python3
"""Turns capture files into seed inputs for the decoder fuzz target (DecoderFuzz.swift).

Usage: make-seeds.py OUTPUT_DIR CAPTURE...

For each classic pcap file (either byte order, micro- or nanosecond), writes one seed
holding all its packets and one seed per packet, in the fuzz target's format:
a link-type index byte, then for each packet a 2-byte big-endian length (top bit set when
the snap length cut the packet) followed by the bytes. pcapng files are skipped: the
fixtures hold the same traffic as classic pcap too.
"""

import hashlib
import os
import struct
import sys

# The order of `linkTypes` in DecoderFuzz.swift, as LINKTYPE_/DLT_ numbers.
LINK_TYPES = [1, 0, 108, 12, 14, 101, 113, 276, 9, 50, 51, 228, 229, 147]


def packets(path):
    with open(path, "rb") as handle:
        data = handle.read()
    if len(data) < 24:
        return None, []
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        order = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        order = ">"
    else:
        return None, []  # pcapng or not a capture
    link = struct.unpack(order + "I", data[20:24])[0] & 0x0FFFFFFF
    found = []
    offset = 24
    while offset + 16 <= len(data):
        _sec, _frac, caplen, origlen = struct.unpack(order + "IIII", data[offset:offset + 16])
        offset += 16
        body = data[offset:offset + caplen]
        offset += caplen
        found.append((body, origlen > len(body)))
    return link, found


def seed(link_index, chunks):
    out = bytearray([link_index])
    for body, cut in chunks:
        body = body[:0x7FFF]
        out += struct.pack(">H", len(body) | (0x8000 if cut else 0))
        out += body
    return bytes(out)


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    target = sys.argv[1]
    os.makedirs(target, exist_ok=True)
    written = 0
    for path in sys.argv[2:]:
        link, found = packets(path)
        if link is None or not found:
            continue
        index = LINK_TYPES.index(link) if link in LINK_TYPES else len(LINK_TYPES) - 1
        inputs = [seed(index, found[:200])] + [seed(index, [chunk]) for chunk in found[:200]]
        for data in inputs:
            name = hashlib.sha1(data).hexdigest()
            with open(os.path.join(target, name), "wb") as handle:
                handle.write(data)
            written += 1
    print(f"{written} seeds in {target}")


if __name__ == "__main__":
    main()
