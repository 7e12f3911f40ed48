#!/usr/bin/env python3
"""A TCP proxy that puts network faults on one link of the mesh, for load-tests/faults.sh.

    fault-proxy.py LISTEN_PORT TARGET_HOST:TARGET_PORT MODE_FILE

The mode file holds one line, read again whenever it changes (checked every 50 ms):
  pass          forward as is
  delay MS      every chunk arrives MS milliseconds late (each direction; order and throughput kept)
  loss P        a chunk is lost with probability P and arrives one retransmission timeout (200 ms) late,
                which is what a lost segment means to a TCP peer (order kept)
  partition     nothing is delivered either way and new connections get no answer; on healing, what was
                sent meanwhile is delivered, as TCP retransmits it after a partition shorter than its timeout
  reset         every connection is cut (RST) and new ones are refused until the mode changes
Used where the kernel has no netem qdisc (sch_netem); only Debian's python3 is needed.
"""
import asyncio
import os
import random
import socket
import struct
import sys
import time
from typing import List, Optional, Tuple

RETRANSMISSION_TIMEOUT = 0.2  # Linux's minimum RTO
CHUNK = 64 * 1024


class Mode:
    """The mode file's current line, parsed."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.mtime: Optional[float] = None
        self.kind = "pass"
        self.value = 0.0
        self.connections: List[Tuple[socket.socket, asyncio.StreamWriter]] = []

    def read(self) -> None:
        try:
            mtime = os.stat(self.path).st_mtime_ns
        except FileNotFoundError:
            return
        if mtime == self.mtime:
            return
        self.mtime = mtime
        with open(self.path) as f:
            words = (f.read().split() or ["pass"])
        kind, value = words[0], float(words[1]) if len(words) > 1 else 0.0
        if kind not in ("pass", "delay", "loss", "partition", "reset"):
            print(f"fault-proxy: unknown mode {kind!r}, kept {self.kind}", file=sys.stderr)
            return
        self.kind, self.value = kind, value
        if kind == "reset":
            for sock, writer in self.connections:
                cut(sock, writer)

    def lateness(self) -> float:
        if self.kind == "delay":
            return self.value / 1000.0
        if self.kind == "loss" and random.random() < self.value:
            return RETRANSMISSION_TIMEOUT
        return 0.0


def cut(sock: socket.socket, writer: asyncio.StreamWriter) -> None:
    """Closes with RST (SO_LINGER 0), as a peer that dropped the connection."""
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    except OSError:
        pass
    writer.transport.abort()


async def pump(mode: Mode, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Copies one direction; each chunk gets a due time, and a later chunk is never delivered before it."""
    queue: asyncio.Queue = asyncio.Queue()

    async def deliver() -> None:
        while True:
            due, data = await queue.get()
            if data is None:
                break
            while mode.kind == "partition" or time.monotonic() < due:
                await asyncio.sleep(min(0.05, max(0.001, due - time.monotonic())))
            writer.write(data)
            await writer.drain()
        if writer.can_write_eof():
            writer.write_eof()

    sender = asyncio.ensure_future(deliver())
    last_due = 0.0
    try:
        while True:
            data = await reader.read(CHUNK)
            if not data:
                break
            last_due = max(last_due, time.monotonic() + mode.lateness())
            await queue.put((last_due, data))
            while queue.qsize() > 256:  # bounded: back-pressure on the sender
                await asyncio.sleep(0.01)
    except (ConnectionError, OSError):
        pass
    await queue.put((0.0, None))
    try:
        await sender
    except (ConnectionError, OSError):
        pass


async def serve(listen: int, host: str, port: int, mode: Mode) -> None:
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        client = writer.get_extra_info("socket")
        while mode.kind == "partition":  # a connection attempt during a partition gets no answer
            await asyncio.sleep(0.05)
        if mode.kind == "reset":
            cut(client, writer)
            return
        try:
            up_reader, up_writer = await asyncio.open_connection(host, port)
        except OSError:
            cut(client, writer)
            return
        upstream = up_writer.get_extra_info("socket")
        entries = [(client, writer), (upstream, up_writer)]
        mode.connections.extend(entries)
        try:
            await asyncio.gather(pump(mode, reader, up_writer), pump(mode, up_reader, writer))
        finally:
            for entry in entries:
                mode.connections.remove(entry)
            writer.close()
            up_writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", listen)
    async with server:
        while True:
            mode.read()
            await asyncio.sleep(0.05)


def main() -> None:
    if len(sys.argv) != 4:
        sys.exit("usage: fault-proxy.py LISTEN_PORT TARGET_HOST:TARGET_PORT MODE_FILE")
    host, port = sys.argv[2].rsplit(":", 1)
    mode = Mode(sys.argv[3])
    mode.read()
    asyncio.run(serve(int(sys.argv[1]), host, int(port), mode))


if __name__ == "__main__":
    main()
