"""The notes' example 1 client: one send and one recv(1024) per line."""
import socket
import sys

from peer_common import commands

port = int(sys.argv[1])
client = socket.socket()
client.settimeout(10)
client.connect(("localhost", port))
for line in commands(sys.argv[2:]):
    mas = line.strip()
    client.send(mas.encode("utf-8"))
    data = client.recv(1024)
    print(data.decode(), flush=True)
client.close()
