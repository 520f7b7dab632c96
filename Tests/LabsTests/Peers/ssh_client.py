"""The notes' example 2 client: size, acknowledgement, then recv(1024) until the size is reached."""
import socket
import sys

from peer_common import commands

port = int(sys.argv[1])
client = socket.socket()
client.settimeout(10)
client.connect(("localhost", port))

for line in commands(sys.argv[2:]):
    cmd = line.strip()
    if len(cmd) == 0:
        continue
    client.send(cmd.encode("utf-8"))
    msg_size = client.recv(1024)
    client.send("准备好接受数据了".encode("utf-8"))
    print(int(msg_size), flush=True)
    msg_recv_size = 0
    msg = b""
    while msg_recv_size < int(msg_size.decode()):
        data = client.recv(1024)
        msg_recv_size += len(data)
        print(msg_recv_size, flush=True)
        msg += data
    else:
        print(msg_recv_size, flush=True)
        print(msg.decode("utf-8"), flush=True)

client.close()
