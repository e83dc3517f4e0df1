"""A throwaway Redis, as production's shared rate-limit store, for the test suite and `make bench`.

Debian's redis-server on a free loopback port, persisting nothing, in a folder of the caller's;
stopped on exit.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

MISSING = "redis-server was not found (Debian: `apt-get install redis-server`)"


def available() -> bool:
    return shutil.which("redis-server") is not None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def throwaway(folder: Path, seconds: float = 30.0) -> Iterator[str]:
    """Starts redis-server with its log in *folder*; yields its URL once it answers PING."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise RuntimeError(MISSING)
    port, log = free_port(), folder / "redis.log"
    log.touch()
    proc = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                             "--dir", str(folder), "--logfile", str(log)], stdout=subprocess.DEVNULL)
    try:
        _wait_for_ping(port, proc, log, seconds)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _wait_for_ping(port: int, proc: subprocess.Popen, log: Path, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"redis-server exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as conn:
                conn.sendall(b"PING\r\n")
                if conn.recv(16).startswith(b"+PONG"):
                    return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"redis-server did not answer in {seconds} s:\n{log.read_text()[-3000:]}")
