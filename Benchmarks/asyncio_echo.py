#!/usr/bin/env python3
"""An asyncio echo server (Protocol callbacks, the fastest plain-asyncio form).

A baseline for Benchmarks/serve.sh: answers each message upper-cased, like osilab's echo lab.
Usage: asyncio_echo.py PORT   (stops by itself after 10 minutes)
"""
import asyncio
import sys


class Echo(asyncio.Protocol):
    def connection_made(self, transport):
        self.transport = transport

    def data_received(self, data):
        self.transport.write(data.upper())


async def main(port):
    loop = asyncio.get_running_loop()
    server = await loop.create_server(Echo, "127.0.0.1", port, backlog=1024, reuse_address=True)
    print("ready", flush=True)
    async with server:
        await asyncio.sleep(600)  # bounded, even if the benchmark script dies


asyncio.run(main(int(sys.argv[1])))
