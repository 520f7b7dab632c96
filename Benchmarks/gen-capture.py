#!/usr/bin/env python3
"""Writes a deterministic pcap of many interleaved loopback TCP connections, for benchmarks.

The traffic looks like a busy host talking to itself on 127.0.0.1: each connection does
the three-way handshake (SYN and SYN-ACK carry MSS, SACK-permitted, timestamps and window
scale, as Linux sends them), one data segment each way with its ACK, and a FIN teardown
(client FIN, server FIN-ACK, final ACK): 10 packets. A few percent are different, as on a
real host: a refused connection (SYN answered by RST), a handshake that never finishes
(SYN and SYN-ACK, then nothing), and a connection aborted by RST after its data. Up to
`--concurrency` connections are open at once and their packets interleave.

The same arguments always write the same bytes (a seeded generator, a fixed start time),
so two maintainers benchmarking "1,000,000 packets" read the same file.

Usage: gen-capture.py OUTPUT [--packets N] [--concurrency K] [--seed S]

Speed matters (a million packets must take seconds, not minutes): each packet is built
from a prepared 54-byte Ethernet/IPv4/TCP template with `struct.pack_into`, the IPv4
checksum is computed from the header's words, and the TCP checksum is left as Linux
leaves it on loopback captures (the kernel offloads it; tcpdump and osilab do not check it).
"""

import argparse
import random
import struct
import sys

SYN, FIN, RST, PSH, ACK = 0x02, 0x01, 0x04, 0x08, 0x10

# Ethernet (zero MACs, as on Linux lo), IPv4 (DF, TTL 64), TCP: 14 + 20 + 20 bytes.
ETH = b"\x00" * 12 + b"\x08\x00"
# Linux SYN options: MSS 65495, SACK permitted, timestamps, NOP, window scale 7 (20 bytes).
SYN_OPTS_LEN = 20
# NOP NOP timestamps (12 bytes) on every later segment.
TS_OPTS_LEN = 12

SERVER_PORTS = (4545, 8080, 47001, 5000)
LOCALHOST = struct.unpack("!I", bytes([127, 0, 0, 1]))[0]


def ipv4_checksum(header: bytes) -> int:
    total = sum(struct.unpack("!10H", header))
    total = (total & 0xFFFF) + (total >> 16)
    total = (total & 0xFFFF) + (total >> 16)
    return (~total) & 0xFFFF


class Writer:
    """Collects packets into one pcap (nanosecond) byte string."""

    def __init__(self):
        # Magic a1b23c4d: nanosecond timestamps, like osilab watch --write. Link type 1: Ethernet.
        self.parts = [struct.pack("<IHHiIII", 0xA1B23C4D, 2, 4, 0, 0, 262144, 1)]
        self.count = 0

    def packet(self, ns, src_port, dst_port, seq, ack, flags, tsval, tsecr, payload=b""):
        syn = flags & SYN
        opts_len = SYN_OPTS_LEN if syn else TS_OPTS_LEN
        tcp_len = 20 + opts_len
        ip_len = 20 + tcp_len + len(payload)
        ip = bytearray(struct.pack("!BBHHHBBHII", 0x45, 0, ip_len, self.count & 0xFFFF, 0x4000, 64, 6, 0,
                                   LOCALHOST, LOCALHOST))
        struct.pack_into("!H", ip, 10, ipv4_checksum(ip))
        window = 65483 if syn else 512
        tcp = struct.pack("!HHIIBBHHH", src_port, dst_port, seq & 0xFFFFFFFF, ack & 0xFFFFFFFF,
                          (tcp_len // 4) << 4, flags, window, 0, 0)
        if syn:
            opts = struct.pack("!BBHBBBBIIBBBB", 2, 4, 65495, 4, 2, 8, 10, tsval, tsecr, 1, 3, 3, 7)
        else:
            opts = struct.pack("!BBBBII", 1, 1, 8, 10, tsval, tsecr)
        frame = ETH + ip + tcp + opts + payload
        self.parts.append(struct.pack("<IIII", ns // 1_000_000_000, ns % 1_000_000_000, len(frame), len(frame)))
        self.parts.append(frame)
        self.count += 1

    def data(self):
        return b"".join(self.parts)


def script(kind, rng):
    """The packets of one connection, as (direction, flags, payload length) steps.
    Direction 0 is client to server."""
    if kind == "refused":
        return [(0, SYN, 0), (1, RST | ACK, 0)]
    if kind == "stalled":
        return [(0, SYN, 0), (1, SYN | ACK, 0)]
    request = rng.randint(1, 200)
    reply = rng.randint(1, 1400)
    steps = [(0, SYN, 0), (1, SYN | ACK, 0), (0, ACK, 0),
             (0, PSH | ACK, request), (1, ACK, 0), (1, PSH | ACK, reply), (0, ACK, 0)]
    if kind == "reset":
        return steps + [(0, RST | ACK, 0)]
    return steps + [(0, FIN | ACK, 0), (1, FIN | ACK, 0), (0, ACK, 0)]


def generate(packets, concurrency, seed):
    rng = random.Random(seed)
    out = Writer()
    ns = 1_700_000_000 * 1_000_000_000  # a fixed start: 2023-11-14 22:13:20 UTC
    next_client_port = 32768
    payloads = {}
    open_conns = []  # each: [steps, index, client_port, server_port, isn, isn_srv, next_c, next_s, ts]

    def new_connection():
        nonlocal next_client_port
        roll = rng.random()
        kind = "refused" if roll < 0.01 else "stalled" if roll < 0.03 else "reset" if roll < 0.05 else "normal"
        port = next_client_port
        next_client_port = 32768 if next_client_port >= 60999 else next_client_port + 1
        isn_c = rng.getrandbits(32)
        isn_s = rng.getrandbits(32)
        return [script(kind, rng), 0, port, SERVER_PORTS[port % len(SERVER_PORTS)], isn_c, isn_s, isn_c, isn_s,
                rng.getrandbits(31)]

    while out.count < packets:
        while len(open_conns) < concurrency:
            open_conns.append(new_connection())
        slot = rng.randrange(len(open_conns))
        conn = open_conns[slot]
        steps, index, cport, sport, _isn_c, _isn_s, next_c, next_s, ts = conn
        direction, flags, length = steps[index]
        payload = payloads.get(length)
        if payload is None:
            payload = payloads[length] = bytes((65 + i % 26) for i in range(length))
        ns += rng.randint(1_000, 30_000)
        ts = (ts + 1) & 0x7FFFFFFF
        if direction == 0:
            ack = next_s if flags != SYN else 0
            out.packet(ns, cport, sport, next_c, ack, flags, ts, ts - 1 if flags != SYN else 0, payload)
            next_c += length + (1 if flags & (SYN | FIN) else 0)
        else:
            out.packet(ns, sport, cport, next_s, next_c, flags, ts, ts - 1, payload)
            next_s += length + (1 if flags & (SYN | FIN) else 0)
        conn[1] = index + 1
        conn[6], conn[7], conn[8] = next_c, next_s, ts
        if conn[1] == len(steps):
            open_conns[slot] = open_conns[-1]
            open_conns.pop()
    return out.data()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("output")
    parser.add_argument("--packets", type=int, default=1_000_000)
    parser.add_argument("--concurrency", type=int, default=64,
                        help="connections open at once (their packets interleave)")
    parser.add_argument("--seed", type=int, default=4545)
    args = parser.parse_args()
    if args.packets < 1 or args.concurrency < 1:
        sys.exit("--packets and --concurrency must be at least 1")
    data = generate(args.packets, args.concurrency, args.seed)
    with open(args.output, "wb") as handle:
        handle.write(data)


if __name__ == "__main__":
    main()
