"""The notes' example 3 client: `get NAME` saves NAME副本 in the working directory."""
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
    if cmd.startswith("get"):
        client.send(cmd.encode("utf-8"))
        server_fsize = client.recv(1024)
        print("file size:", server_fsize.decode(), flush=True)
        client.send(b"ready to recv file")
        file_totle_size = int(server_fsize)
        receive_size = 0
        filename = cmd.split()[1]
        f = open(filename + "副本", "wb")
        while receive_size < file_totle_size:
            data = client.recv(1024)
            receive_size += len(data)
            f.write(data)
            print(file_totle_size, receive_size, flush=True)
        else:
            print("file done", flush=True)
            f.close()

client.close()
