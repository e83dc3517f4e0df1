"""The app as production serves it: gunicorn with several workers, and a throwaway Redis.

`redis_url` starts Debian's redis-server on a free loopback port, without persistence, for the
session (skipped when it is missing, a failure under CI=true). `gunicorn` serves the test
database (`database_url`, so SQLite and PostgreSQL alike) with the given environment and worker
count, and stops it afterwards.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests

from skills_cert.devtools import redis_server
from skills_cert.devtools.redis_server import free_port

IN_CI = os.environ.get("CI") == "true"


def _wait_for(check, what: str, proc: subprocess.Popen, log: Path, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            if check():
                return
        except (OSError, requests.RequestException):
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{what} did not start in {seconds} s:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    if not redis_server.available():
        if IN_CI:
            pytest.fail(f"required under CI=true: {redis_server.MISSING}", pytrace=False)
        pytest.skip(redis_server.MISSING)
    with redis_server.throwaway(tmp_path_factory.mktemp("redis")) as url:
        yield url


@pytest.fixture()
def redis_store(redis_url):
    """The Redis store, emptied before the test."""
    import redis

    redis.Redis.from_url(redis_url).flushall()
    return redis_url


def server_env(database_url: str, folder: Path, **settings: str) -> dict:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("SKILLS_CERT", "RATELIMIT"))}
    env.update(SKILLS_CERT_ENV="testing", SKILLS_CERT_INSTANCE=str(folder), DATABASE_URL=database_url,
               SIGNING_KEY_DIR=str(folder / "keys"), PUBLIC_BASE_URL="https://verify.sdi.gov.la")
    env.update(settings)
    return env


@contextmanager
def gunicorn(env: dict, folder: Path, workers: int):
    """`gunicorn --workers W "skills_cert:create_app()"` on a free port; yields its base URL."""
    port, log_path = free_port(), folder / f"gunicorn-{time.monotonic_ns()}.log"
    with log_path.open("w") as log:
        proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "--workers", str(workers), "--bind",
                                 f"127.0.0.1:{port}", "skills_cert:create_app()"],
                                env=env, stdout=log, stderr=subprocess.STDOUT, cwd=folder)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for(lambda: requests.get(base + "/healthz", timeout=2).ok, "gunicorn", proc, log_path)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def refused_start(env: dict, folder: Path, workers: int | None, seconds: float = 60.0) -> str:
    """Start gunicorn (with gunicorn's own default worker count if *workers* is None) and expect
    it to give up; what it logged."""
    log_path = folder / f"refused-{time.monotonic_ns()}.log"
    count = [] if workers is None else ["--workers", str(workers)]
    with log_path.open("w") as log:
        proc = subprocess.Popen([sys.executable, "-m", "gunicorn", *count, "--bind",
                                 f"127.0.0.1:{free_port()}", "skills_cert:create_app()"],
                                env=env, stdout=log, stderr=subprocess.STDOUT, cwd=folder)
    try:
        code = proc.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        raise AssertionError(f"gunicorn started:\n{log_path.read_text()[-3000:]}") from None
    assert code != 0
    return log_path.read_text()
