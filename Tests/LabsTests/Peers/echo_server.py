"""The notes' example 1 server: answers every recv() with the same bytes upper-cased."""
import socket
import sys

from peer_common import announce_port

port = int(sys.argv[1]) if len(sys.argv) > 1 else 4545
sever = socket.socket()
sever.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
sever.bind(("localhost", port))
sever.listen()
announce_port(sever)
print("我要开始等电话了", flush=True)

while True:
    conn, sddr = sever.accept()
    print("电话来了", flush=True)
    while True:
        data = conn.recv(1024)
        if not data:
            break
        print("recv:", data.decode(), flush=True)
        conn.send(data.upper())
