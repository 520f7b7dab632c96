#!/usr/bin/env python3
"""Builds the hand-made capture fixtures from the recorded ones.

The recorded fixtures (handshake-ipv4.pcap, handshake-ipv6.pcap, ...) were captured on
loopback with tcpdump. Link types that cannot be produced on this machine are made here by
taking the IP packets out of those captures and wrapping them in each link layer's header,
byte for byte as the format's documentation describes. Run it again after re-recording:

    python3 Tests/CaptureTests/Fixtures/make-handbuilt.py
"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))


def read_pcap(name):
    """Returns (linktype, [(seconds, fraction, original_length, bytes)]) of a classic pcap."""
    with open(os.path.join(HERE, name), "rb") as f:
        data = f.read()
    magic = struct.unpack("<I", data[:4])[0]
    endian = "<" if magic in (0xA1B2C3D4, 0xA1B23C4D) else ">"
    linktype = struct.unpack(endian + "I", data[20:24])[0]
    packets, offset = [], 24
    while offset + 16 <= len(data):
        sec, frac, caplen, length = struct.unpack(endian + "IIII", data[offset:offset + 16])
        offset += 16
        packets.append((sec, frac, length, data[offset:offset + caplen]))
        offset += caplen
    return linktype, packets


def write_pcap(name, linktype, packets, nanoseconds=False):
    magic = 0xA1B23C4D if nanoseconds else 0xA1B2C3D4
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(struct.pack("<IHHiIII", magic, 2, 4, 0, 0, 262144, linktype))
        for sec, frac, _, payload in packets:
            f.write(struct.pack("<IIII", sec, frac, len(payload), len(payload)))
            f.write(payload)


def ip_packets(name):
    """The IP packets inside an Ethernet capture, with their timestamps."""
    _, packets = read_pcap(name)
    return [(sec, frac, length - 14, frame[14:]) for sec, frac, length, frame in packets]


def rewrap(packets, header_for):
    return [(sec, frac, 0, header_for(ip) + ip) for sec, frac, _, ip in packets]


def family_of(ip):
    return 4 if ip[0] >> 4 == 4 else 6


v4 = ip_packets("handshake-ipv4.pcap")
v6 = ip_packets("handshake-ipv6.pcap")
mac_a = bytes.fromhex("020000000001")
mac_b = bytes.fromhex("020000000002")

# DLT_NULL (0): a 4-byte address family in the capturing host's byte order. AF_INET is 2
# everywhere; AF_INET6 is 30 on macOS, 28 on FreeBSD, 24 on NetBSD and OpenBSD.
write_pcap("null-little-endian.pcap", 0, rewrap(v4, lambda ip: struct.pack("<I", 2)))
write_pcap("null-big-endian-ipv6.pcap", 0, rewrap(v6, lambda ip: struct.pack(">I", 30)))
# DLT_LOOP (108, OpenBSD): the same header, always in network byte order.
write_pcap("loop.pcap", 108, rewrap(v4, lambda ip: struct.pack(">I", 2)))
# LINKTYPE_RAW (101): the packet starts with its IP header (v4 or v6 by the version nibble).
write_pcap("raw.pcap", 101, rewrap(v4[:3] + v6[:3], lambda ip: b""))
# LINKTYPE_IPV4 (228) and LINKTYPE_IPV6 (229).
write_pcap("ipv4-linktype.pcap", 228, rewrap(v4, lambda ip: b""))
write_pcap("ipv6-linktype.pcap", 229, rewrap(v6, lambda ip: b""))
# DLT_PPP (9): address 0xff, control 0x03, then the 2-byte protocol (0x0021 IPv4, 0x0057 IPv6).
write_pcap("ppp.pcap", 9, rewrap(v4, lambda ip: b"\xff\x03\x00\x21"))
# Ethernet with two VLAN tags: an 802.1ad outer tag (0x88a8, VLAN 100) and an 802.1Q inner
# tag (0x8100, VLAN 42), then the EtherType of IPv4.
write_pcap("vlan-stacked.pcap", 1, rewrap(
    v4, lambda ip: mac_b + mac_a + b"\x88\xa8" + struct.pack(">H", 100) + b"\x81\x00" + struct.pack(">H", 42) + b"\x08\x00"))
# Ethernet, PPPoE session (0x8864: version/type 0x11, code 0, session 0x1234, length), PPP IPv4.
write_pcap("pppoe.pcap", 1, rewrap(
    v4, lambda ip: mac_b + mac_a + b"\x88\x64" + b"\x11\x00" + struct.pack(">HH", 0x1234, len(ip) + 2) + b"\x00\x21"))
# Ethernet, MPLS unicast (0x8847) with two labels: 1000 (not bottom), 2000 (bottom of stack), TTL 64.
def mpls(label, bottom):
    return struct.pack(">I", (label << 12) | (bottom << 8) | 64)
write_pcap("mpls.pcap", 1, rewrap(v4, lambda ip: mac_b + mac_a + b"\x88\x47" + mpls(1000, 0) + mpls(2000, 1)))
# A link type osilab does not know (147 is LINKTYPE_USER0): reported, never guessed.
write_pcap("unknown-linktype.pcap", 147, rewrap(v4[:2], lambda ip: b"\xde\xad"))

# Malformed packets on a valid Ethernet capture: each must become a decode error, not a crash.
eth = mac_b + mac_a + b"\x08\x00"
syn = v4[0][3]
bad = [
    syn[:10],                                           # IPv4 header cut short
    bytes([0x43]) + syn[1:],                            # IHL 3: shorter than the minimum 20 bytes
    syn[:2] + struct.pack(">H", 10) + syn[4:],          # total length 10 < header length 20
    syn[:32] + bytes([0x20]) + syn[33:],                # TCP data offset 2 (8 bytes) < 20
    syn[:20] + syn[20:30],                              # TCP header cut short
    syn[:40] + b"\x02\x01" + syn[42:],                  # TCP option MSS with length 1
]
write_pcap("malformed.pcap", 1, [(v4[0][0], v4[0][1], 0, eth + packet) for packet in bad])

# A classic pcap with nanosecond timestamps, and a pcapng file, both holding the IPv4 handshake.
_, frames = read_pcap("handshake-ipv4.pcap")
write_pcap("handshake-nanoseconds.pcap", 1, [(s, f * 1000 + 123, l, p) for s, f, l, p in frames], nanoseconds=True)

# Records whose fraction of a second cannot be (libpcap passes them on unchecked): in a
# microsecond file 1,500,000 (past the limit of 999,999) and 4,294,967,295 (0xffffffff, which
# libpcap's signed 32-bit read makes -1), between two valid ones; in a nanosecond file
# 1,000,000,000 and 0xffffffff after the largest valid fraction, 999,999,999.
(s1, f1, l1, p1), (s2, _, l2, p2), (s3, _, l3, p3), (s4, _, l4, p4) = frames[:4]
write_pcap("invalid-timestamps.pcap", 1,
           [(s1, f1, l1, p1), (s2, 1_500_000, l2, p2), (s3, 0xFFFFFFFF, l3, p3), (s4, 999_999, l4, p4)])
write_pcap("invalid-timestamps-nanoseconds.pcap", 1,
           [(s1, 999_999_999, l1, p1), (s2, 1_000_000_000, l2, p2), (s3, 0xFFFFFFFF, l3, p3)], nanoseconds=True)


def block(block_type, body):
    body += b"\x00" * (-len(body) % 4)
    total = 12 + len(body)
    return struct.pack("<II", block_type, total) + body + struct.pack("<I", total)


with open(os.path.join(HERE, "handshake.pcapng"), "wb") as f:
    f.write(block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1)))      # section header
    f.write(block(0x00000001, struct.pack("<HHI", 1, 0, 262144)))                  # interface: Ethernet
    for sec, frac, length, payload in frames:
        stamp = sec * 1_000_000 + frac                                             # microseconds (if_tsresol default)
        body = struct.pack("<IIIII", 0, stamp >> 32, stamp & 0xFFFFFFFF, len(payload), length) + payload
        f.write(block(0x00000006, body))                                           # enhanced packet block

# A damaged file: the last packet record claims more bytes than the file holds.
with open(os.path.join(HERE, "handshake-ipv4.pcap"), "rb") as f:
    whole = f.read()
with open(os.path.join(HERE, "damaged.pcap"), "wb") as f:
    f.write(whole[:-20])
