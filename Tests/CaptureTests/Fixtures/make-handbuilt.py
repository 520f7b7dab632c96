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


# TCP conversations built segment by segment, for what the connection tracker must read
# as a person would: data on a SYN (TCP Fast Open), a SYN-ACK recorded before its SYN, a
# capture that starts mid-stream, ECN flags, resets with their seq. Ethernet, IPv4, with
# correct checksums (tcpdump -v checks them), from 192.0.2.1 (client) to 192.0.2.2:8080.
def checksum(data):
    data += b"\x00" * (len(data) % 2)
    total = sum(struct.unpack(">%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


TCP_FLAGS = {"F": 0x01, "S": 0x02, "R": 0x04, "P": 0x08, "A": 0x10, "U": 0x20, "E": 0x40, "W": 0x80}
client_ip, server_ip = bytes([192, 0, 2, 1]), bytes([192, 0, 2, 2])


def segment(from_client, port, flags, seq, ack, data=b"", options=b"", ecn=0, window=64240):
    """One Ethernet frame holding an IPv4 TCP segment; `flags` spelled like tcpdump (S, A, P, E, W...)."""
    src, dst = (client_ip, server_ip) if from_client else (server_ip, client_ip)
    sport, dport = (port, 8080) if from_client else (8080, port)
    options += b"\x01" * (-len(options) % 4)
    bits = sum(TCP_FLAGS[f] for f in flags)
    header = struct.pack(">HHIIBBHHH", sport, dport, seq & 0xFFFFFFFF, ack & 0xFFFFFFFF,
                         (5 + len(options) // 4) << 4, bits, window, 0, 0) + options
    pseudo = src + dst + struct.pack(">BBH", 0, 6, len(header) + len(data))
    tcp = header[:16] + struct.pack(">H", checksum(pseudo + header + data)) + header[18:] + data
    ip = struct.pack(">BBHHHBBH4s4s", 0x45, ecn, 20 + len(tcp), 0, 0x4000, 64, 6, 0, src, dst)
    ip = ip[:10] + struct.pack(">H", checksum(ip)) + ip[12:]
    return (mac_a + mac_b if from_client else mac_b + mac_a) + b"\x08\x00" + ip + tcp


def timed(frames, start=1_700_000_000, step_us=100, times=None):
    """(seconds, microseconds, length, frame) records, `step_us` apart unless `times` gives them."""
    stamps = times or [i * step_us for i in range(len(frames))]
    return [(start + us // 1_000_000, us % 1_000_000, len(f), f) for us, f in zip(stamps, frames)]


MSS = b"\x02\x04\x05\xb4"
# TCP Fast Open: the SYN carries a cookie (option 34) and 100 bytes. The first server takes
# the data and acknowledges J+1+100; the second acknowledges only J+1 (RFC 7413 4.2), so the
# client sends the 50 bytes again with its final ACK.
cookie = b"\x22\x0a" + bytes(range(1, 9))
J, K = 1_000_000, 5_000_000
write_pcap("tfo-syn-data.pcap", 1, timed([
    segment(True, 40001, "S", J, 0, b"G" * 100, MSS + cookie),
    segment(False, 40001, "SA", K, J + 101, options=MSS),
    segment(True, 40001, "A", J + 101, K + 1),
    segment(False, 40001, "PA", K + 1, J + 101, b"H" * 20),
    segment(True, 40001, "A", J + 101, K + 21),
    segment(True, 40001, "FA", J + 101, K + 21),
    segment(False, 40001, "FA", K + 21, J + 102),
    segment(True, 40001, "A", J + 102, K + 22),
    segment(True, 40002, "S", 2_000_000, 0, b"g" * 50, MSS + cookie),
    segment(False, 40002, "SA", 6_000_000, 2_000_001, options=MSS),
    segment(True, 40002, "PA", 2_000_001, 6_000_001, b"g" * 50),
    segment(False, 40002, "A", 6_000_001, 2_000_051),
]))
# The SYN-ACK first in the file, its timestamp after the SYN's: two capture points merged.
write_pcap("synack-before-syn.pcap", 1, timed([
    segment(False, 40003, "SA", 7_000_000, 3_000_001, options=MSS),
    segment(True, 40003, "S", 3_000_000, 0, options=MSS),
    segment(True, 40003, "A", 3_000_001, 7_000_001),
    segment(True, 40003, "PA", 3_000_001, 7_000_001, b"hello"),
    segment(False, 40003, "A", 7_000_001, 3_000_006),
], times=[300, 100, 400, 500, 600]))
# A capture started mid-stream: no SYN, so numbers count from the first segment seen each
# way; the server's FIN sent again after the last ACK is a straggler of the closed connection.
write_pcap("midstream.pcap", 1, timed([
    segment(True, 40004, "PA", 900_000, 400_000, b"0123456789"),
    segment(False, 40004, "A", 400_000, 900_010),
    segment(False, 40004, "PA", 400_000, 900_010, b"s" * 30),
    segment(True, 40004, "FA", 900_010, 400_030),
    segment(False, 40004, "FA", 400_030, 900_011),
    segment(True, 40004, "A", 900_011, 400_031),
    segment(False, 40004, "FA", 400_030, 900_011),
]))
# ECN (RFC 3168): the SYN asks with ECE and CWR, the SYN-ACK agrees with ECE; a router marks
# a data packet CE (IP ECN bits 11), the receiver echoes ECE, the sender answers with CWR.
# The last segment carries ECE alone, no ACK: it must still be named.
write_pcap("ecn-setup.pcap", 1, timed([
    segment(True, 40005, "SEW", 10_000, 0, options=MSS),
    segment(False, 40005, "SAE", 20_000, 10_001, options=MSS),
    segment(True, 40005, "A", 10_001, 20_001),
    segment(True, 40005, "PA", 10_001, 20_001, b"ecn-data", ecn=3),
    segment(False, 40005, "AE", 20_001, 10_009),
    segment(True, 40005, "PAW", 10_009, 20_001, b"more-ecn", ecn=2),
    segment(False, 40005, "A", 20_001, 10_017),
    segment(True, 40005, "E", 10_017, 0),
]))
# Resets: a server aborts an established connection with RST-ACK (its seq is what the
# client checks), the client's data already on its way arrives after it, the server resets
# again; then a SYN to a closed port answered by RST-ACK with seq 0.
write_pcap("rst-ack.pcap", 1, timed([
    segment(True, 40006, "S", 30_000, 0, options=MSS),
    segment(False, 40006, "SA", 40_000, 30_001, options=MSS),
    segment(True, 40006, "A", 30_001, 40_001),
    segment(True, 40006, "PA", 30_001, 40_001, b"x" * 10),
    segment(False, 40006, "RA", 40_001, 30_011),
    segment(True, 40006, "PA", 30_011, 40_001, b"y" * 5),
    segment(False, 40006, "R", 40_001, 0),
    segment(True, 40007, "S", 50_000, 0, options=MSS),
    segment(False, 40007, "RA", 0, 50_001),
]))
