"""The notes' example 3 server ("basic ftp"). Serves its working directory; for a missing
file it prints an error and sends nothing, as the notes' server does."""
import os
import socket
import sys

from peer_common import announce_port

port = int(sys.argv[1]) if len(sys.argv) > 1 else 9999
server = socket.socket()
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(("127.0.0.1", port))
server.listen()
announce_port(server)

while True:
    conn, addr = server.accept()
    print("链接客户机", addr, flush=True)
    while True:
        print("等待新指令", flush=True)
        data = conn.recv(1024)
        if not data:
            print("客户机已断开", flush=True)
            break

        cmd, filename = data.decode().split()
        print("file name:", filename, flush=True)
        if os.path.isfile(filename):
            f = open(filename, "rb")
            file_size = os.stat(filename).st_size
            conn.send(str(file_size).encode("utf-8"))
            conn.recv(1024)
            for line in f:
                conn.send(line)
            f.close()
            print("send done", flush=True)

        else:
            print("err :don't have this file", flush=True)
