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
def ipv4_checksum(header):
    """RFC 1071 over an IPv4 header whose checksum field is zero."""
    total = sum(struct.unpack(">%dH" % (len(header) // 2), header))
    while total > 0xFFFF:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def with_total_length(ip, length):
    """The IPv4 packet with its total length field set to `length` and the checksum redone."""
    header = bytearray(ip[:(ip[0] & 0x0F) * 4])
    header[2:4] = struct.pack(">H", length)
    header[10:12] = b"\x00\x00"
    header[10:12] = struct.pack(">H", ipv4_checksum(bytes(header)))
    return bytes(header) + ip[len(header):]


# The same PPPoE capture, but packet 5 (the server's pure ACK, 52 bytes of IP) claims a total
# length of 58 while the PPPoE length covers only the 2-byte PPP protocol and those 52 bytes;
# 6 bytes of Ethernet padding follow. The PPPoE length is the one that ends the payload, so
# the 6 bytes are padding, not TCP data (tcpdump: "truncated-ip - 6 bytes missing!").
def pppoe_short(index, packet):
    sec, frac, length, ip = packet
    if index != 4:
        return (sec, frac, 0, mac_b + mac_a + b"\x88\x64\x11\x00" + struct.pack(">HH", 0x1234, len(ip) + 2) + b"\x00\x21" + ip)
    claimed = with_total_length(ip, len(ip) + 6)
    return (sec, frac, 0, mac_b + mac_a + b"\x88\x64\x11\x00" + struct.pack(">HH", 0x1234, len(ip) + 2) + b"\x00\x21"
            + claimed + b"\x00" * 6)
write_pcap("pppoe-short.pcap", 1, [pppoe_short(index, packet) for index, packet in enumerate(v4)])
# IP-in-IP tunnels around the first three packets (the handshake) of each loopback capture.
# The outer endpoints are documentation addresses, swapped for the SYN-ACK, which goes the
# other way; the inner packets are the recorded ones, byte for byte.
tunnel4 = (bytes([192, 0, 2, 1]), bytes([198, 51, 100, 7]))
tunnel6 = (bytes.fromhex("20010db8000000000000000000000001"), bytes.fromhex("20010db8000000000000000000000002"))


def outer_ipv4(inner, protocol, forward):
    source, destination = tunnel4 if forward else tunnel4[::-1]
    header = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(inner), 0x0100, 0x4000, 64, protocol, 0, source, destination)
    return header[:10] + struct.pack(">H", ipv4_checksum(header)) + header[12:] + inner


def outer_ipv6(payload, next_header, forward):
    source, destination = tunnel6 if forward else tunnel6[::-1]
    return struct.pack(">IHBB", 0x60000000, len(payload), next_header, 64) + source + destination + payload


def authentication_header(next_header, sequence):
    """RFC 4302: next header, length 4 (24 bytes / 4 - 2), reserved, SPI, sequence, 12-byte ICV."""
    return struct.pack(">BBHII", next_header, 4, 0, 0x1000, sequence) + b"\xaa" * 12


def tunnelled(name, packets, wrap):
    frames = []
    for index, (sec, frac, _, ip) in enumerate(packets[:3]):
        outer = wrap(ip, index != 1, index + 1)
        ether = b"\x86\xdd" if outer[0] >> 4 == 6 else b"\x08\x00"
        frames.append((sec, frac, 0, mac_b + mac_a + ether + outer))
    write_pcap(name, 1, frames)


# IPv6 in IPv6 after AH (IPsec tunnel mode): outer IPv6, next header 51; AH, next header 41.
tunnelled("tunnel-6in6-ah.pcap", v6, lambda ip, forward, n: outer_ipv6(authentication_header(41, n) + ip, 51, forward))
# 6in4 (RFC 4213): IPv6 in IPv4, protocol 41.
tunnelled("tunnel-6in4.pcap", v6, lambda ip, forward, n: outer_ipv4(ip, 41, forward))
# IPv4 in IPv4 (RFC 2003), protocol 4.
tunnelled("tunnel-4in4.pcap", v4, lambda ip, forward, n: outer_ipv4(ip, 4, forward))
# IPv4 in IPv6 (RFC 2473), next header 4.
tunnelled("tunnel-4in6.pcap", v4, lambda ip, forward, n: outer_ipv6(ip, 4, forward))
# A UDP datagram (8-byte header + 56 bytes of data, ports 50000 > 4545) sent in two fragments
# of 32 bytes, over IPv6 (fragment header, identification 0x12345678) and over IPv4
# (identification 0x1234). Only the first fragment carries the UDP header; the second is at
# offset 32 (4 units of 8 bytes) and must still show who sent it to whom.
datagram = struct.pack(">HHHH", 50000, 4545, 64, 0) + bytes(range(56))


def fragment_ipv6(piece, offset, more, forward=True):
    header = struct.pack(">BBHI", 17, 0, (offset // 8) << 3 | (1 if more else 0), 0x12345678)
    return outer_ipv6(header + piece, 44, forward)


def fragment_ipv4(piece, offset, more):
    source, destination = tunnel4
    flags = (0x2000 if more else 0) | offset // 8
    header = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(piece), 0x1234, flags, 64, 17, 0, source, destination)
    return header[:10] + struct.pack(">H", ipv4_checksum(header)) + header[12:] + piece


sec, frac = v4[0][0], v4[0][1]
write_pcap("fragments.pcap", 1, [
    (sec, frac, 0, mac_b + mac_a + b"\x86\xdd" + fragment_ipv6(datagram[:32], 0, True)),
    (sec, frac + 1, 0, mac_b + mac_a + b"\x86\xdd" + fragment_ipv6(datagram[32:], 32, False)),
    (sec, frac + 2, 0, mac_b + mac_a + b"\x08\x00" + fragment_ipv4(datagram[:32], 0, True)),
    (sec, frac + 3, 0, mac_b + mac_a + b"\x08\x00" + fragment_ipv4(datagram[32:], 32, False)),
])
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
