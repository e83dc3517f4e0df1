"""A throwaway PostgreSQL server for `make bench BENCH_ARGS=--postgres`.

Debian's server binaries (`/usr/lib/postgresql/<version>/bin`, or on the PATH): `initdb` makes a
cluster in a folder of the caller's, with trust authentication on loopback only, and `postgres`
serves it on a free 127.0.0.1 port, with no Unix socket; it is stopped and its folder left to the
caller on exit. PostgreSQL refuses to run as root: then the cluster belongs to the `postgres` user
(SKILLS_CERT_PG_USER), which runs the binaries, as in `tests/support/pg_ctl` for the test suite. The server keeps PostgreSQL's defaults (durable commits included).
"""

from __future__ import annotations

import glob
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from skills_cert.devtools.redis_server import free_port

MISSING = "PostgreSQL's server binaries (initdb, postgres) were not found (Debian: `apt-get install postgresql`)"


def binary(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return candidates[-1] if candidates else None


def available() -> bool:
    return binary("initdb") is not None and binary("postgres") is not None


def _owner() -> dict:
    """Popen's arguments that run a binary as the cluster's owner: as root, the `postgres` user."""
    if os.geteuid() != 0:
        return {}
    import pwd

    owner = pwd.getpwnam(os.environ.get("SKILLS_CERT_PG_USER", "postgres"))
    return {"user": owner.pw_uid, "group": owner.pw_gid, "extra_groups": []}


def _hand_over(folder: Path) -> None:
    """As root: the cluster's folder to the server's user, and the folders above it passable."""
    if os.geteuid() != 0:
        return
    shutil.chown(folder, os.environ.get("SKILLS_CERT_PG_USER", "postgres"))
    for parent in folder.parents:
        if parent == Path("/"):
            break
        mode = parent.stat().st_mode
        if not mode & 0o001:
            parent.chmod(mode | 0o001)


@contextmanager
def throwaway(folder: Path, seconds: float = 60.0) -> Iterator[str]:
    """A fresh cluster in *folder*/pgdata, served until the block ends; yields the server's URL
    (`postgresql+psycopg://postgres@127.0.0.1:PORT`, without a database name)."""
    initdb, postgres = binary("initdb"), binary("postgres")
    if initdb is None or postgres is None:
        raise RuntimeError(MISSING)
    data, log = folder / "pgdata", folder / "postgres.log"
    data.mkdir(parents=True)
    log.touch()
    _hand_over(data)
    _hand_over(log)
    done = subprocess.run([initdb, "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                           "--locale=C.UTF-8", "--no-sync"], capture_output=True, text=True, check=False,
                          cwd=data, **_owner())
    if done.returncode != 0:
        raise RuntimeError(f"initdb failed:\n{done.stderr[-3000:]}")
    port = free_port()
    with log.open("ab") as out:
        proc = subprocess.Popen([postgres, "-D", str(data), "-p", str(port), "-c", "listen_addresses=127.0.0.1",
                                 "-c", "unix_socket_directories="], stdout=out, stderr=out, cwd=data, **_owner())
    url = f"postgresql+psycopg://postgres@127.0.0.1:{port}"
    try:
        _wait_until_ready(url, proc, log, seconds)
        yield url
    finally:
        proc.send_signal(signal.SIGINT)  # PostgreSQL's fast shutdown: clients still connected are let go
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _wait_until_ready(url: str, proc: subprocess.Popen, log: Path, seconds: float) -> None:
    import psycopg

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"postgres exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with psycopg.connect(_dsn(url, "postgres"), connect_timeout=2):
                return
        except psycopg.OperationalError:
            time.sleep(0.2)
    raise RuntimeError(f"postgres did not start in {seconds} s:\n{log.read_text()[-3000:]}")


def _dsn(url: str, database: str) -> str:
    return f"{url.replace('postgresql+psycopg://', 'postgresql://', 1)}/{database}"


def create_database(url: str, name: str, template: str | None = None) -> str:
    """A new database *name* on the server at *url* (a copy of *template* if given); its URL."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(_dsn(url, "postgres"), autocommit=True) as conn:
        statement = sql.SQL("CREATE DATABASE {} ENCODING 'UTF8' TEMPLATE {}").format(
            sql.Identifier(name), sql.Identifier(template or "template0"))
        conn.execute(statement)
    return f"{url}/{name}"
