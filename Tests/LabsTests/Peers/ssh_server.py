"""The notes' example 2 server ("basic ssh"). It runs every command through a shell:
use it only on loopback, in tests that send harmless commands."""
import os
import socket
import sys

from peer_common import announce_port

port = int(sys.argv[1]) if len(sys.argv) > 1 else 4000
server = socket.socket()
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(("localhost", port))
server.listen()
announce_port(server)

while True:
    conn, addr = server.accept()
    print("链接客户机", addr, flush=True)
    while True:
        data = conn.recv(1024)
        if not data:
            print("客户机断开...", flush=True)
            break
        print("接收指令:", data, flush=True)
        msg = os.popen(data.decode()).read()
        if len(msg) == 0:
            msg = "Have no message"
        conn.send(str(len(msg.encode())).encode("utf-8"))
        data = conn.recv(1024)
        print(addr, data.decode(), flush=True)
        conn.send(msg.encode("utf-8"))
        print("信息发送成功", flush=True)
