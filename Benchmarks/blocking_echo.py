#!/usr/bin/env python3
"""The notes' echo server, as they write it: one client at a time, blocking calls.

A baseline for Benchmarks/serve.sh. It answers each message upper-cased (like osilab's
echo lab), and serves the next client only when the current one has gone.
Usage: blocking_echo.py PORT   (stops by itself after 10 minutes)
"""
import signal
import socket
import sys

signal.alarm(600)  # bounded, even if the benchmark script dies
server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(("127.0.0.1", int(sys.argv[1])))
server.listen(5)
print("ready", flush=True)
while True:
    connection, _ = server.accept()
    while True:
        data = connection.recv(1024)
        if not data:
            break
        connection.sendall(data.upper())
    connection.close()
