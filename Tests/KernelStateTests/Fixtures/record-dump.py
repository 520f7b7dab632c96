#!/usr/bin/env python3
"""Records a real NETLINK_SOCK_DIAG answer for the parser's tests.

Builds a known situation on loopback: a listener with backlog 8 on PORT; one connection
accepted, with 1000 bytes sent client to server and read; one connection left in the accept
queue. Then asks the kernel for every IPv4 TCP socket with tcp_info (the request ss sends),
keeps only the messages of sockets on PORT (plus NLMSG_DONE), and writes:
  dump-ipv4.bin   the netlink messages, as the kernel sent them
  dump-ipv4.json  what the script did, which the test checks the parser against
Run as any user: python3 record-dump.py
"""
import json, socket, struct, time

PORT = 47123
listener = socket.socket()
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind(("127.0.0.1", PORT))
listener.listen(8)
first = socket.create_connection(("127.0.0.1", PORT))
served, _ = listener.accept()
first.sendall(b"A" * 1000)
got = 0
while got < 1000:
    got += len(served.recv(4096))
waiting = socket.create_connection(("127.0.0.1", PORT))
time.sleep(0.05)

NETLINK_SOCK_DIAG, SOCK_DIAG_BY_FAMILY = 4, 20
request_body = struct.pack("=BBBBI", socket.AF_INET, socket.IPPROTO_TCP, 1 << (2 - 1), 0, 0xFFFFFFF) + bytes(48)
header = struct.pack("=IHHII", 16 + len(request_body), SOCK_DIAG_BY_FAMILY, 0x1 | 0x300, 7, 0)
nl = socket.socket(socket.AF_NETLINK, socket.SOCK_DGRAM, NETLINK_SOCK_DIAG)
nl.send(header + request_body)
kept = b""
done = False
while not done:
    data = nl.recv(65536)
    offset = 0
    while offset < len(data):
        length, kind = struct.unpack_from("=IH", data, offset)
        message = data[offset:offset + length]
        if kind == 3:
            kept += message
            done = True
            break
        if kind == SOCK_DIAG_BY_FAMILY:
            sport, dport = struct.unpack_from(">HH", message, 16 + 4)
            if PORT in (sport, dport):
                kept += message
        offset += (length + 3) & ~3

open("dump-ipv4.bin", "wb").write(kept)
def end(sock, peer=False):
    host, port = (sock.getpeername() if peer else sock.getsockname())
    return f"{host}:{port}"
json.dump({
    "listener": f"127.0.0.1:{PORT}", "backlog": 8, "queued": 1,
    "established": [[end(first), end(first, True)], [end(served), end(served, True)],
                    [end(waiting), end(waiting, True)], [end(waiting, True), end(waiting)]],
    "data_client": end(first), "data_bytes": 1000,
}, open("dump-ipv4.json", "w"), indent=1)
print(f"wrote {len(kept)} bytes")
