"""Verification throughput under gunicorn, against a bare Flask route in the same gunicorn setup.

For each registry size a throwaway SQLite instance is built in a temporary folder with the real
commands (`flask db upgrade`, then `flask demo seed --certificates N`: real, signed certificates).
The app is then served by `gunicorn --workers W "skills_cert:create_app()"` with the production
configuration (SKILLS_CERT_ENV=production, a random 48-character SECRET_KEY, an https public URL),
as `make serve-prod` does; the only change is API_RATE_LIMIT, raised so that one load generator is
not refused. The floor is `skills_cert.devtools.bench.bare_app`, served by the same gunicorn command, whose
one route returns a static body of the same size as the real answer.

The load generator runs in this process: C threads, each with its own http.client connection
(gunicorn's sync workers close every connection, so each request connects anew; http.client
reconnects by itself), asking in turn for the QR links of a random sample of the seeded
certificates, in Thai. The targets are measured in interleaved rounds so that a burst of load from
elsewhere on the machine hits them all alike. Every answer must be 200 and, for the real app,
the verdict "genuine" (checked once per token before the clock starts).

Note that the client shares the machine's cores with the servers, and every real verification
writes a verification event (one committed row) while the bare route writes nothing.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import secrets
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from skills_cert.certification import signing

GOAL_RATIO = 0.6  # verification throughput / bare-route throughput
GOAL_SCALING = 1.2  # p50 latency at the large registry / at the small one
SAMPLE = 200  # certificates whose links are asked for
CHECKED = 10  # of which this many are checked to say "genuine" on the page and in the API
HEADERS = {"Accept-Language": "th"}


def _env(folder: Path, **extra) -> dict:
    env = {key: value for key, value in os.environ.items()
           if key not in ("DATABASE_URL", "SECRET_KEY", "PUBLIC_BASE_URL", "SIGNING_KEY_DIR")}
    env.update(FLASK_APP="skills_cert", SKILLS_CERT_ENV="development", SKILLS_CERT_INSTANCE=str(folder),
               DATABASE_URL=f"sqlite:///{folder / 'registry.sqlite3'}", SIGNING_KEY_DIR=str(folder / "keys"))
    env.update(extra)
    return env


def _flask(folder: Path, *args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "flask", *args], env=_env(folder), capture_output=True,
                          text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"flask {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return done.stdout


def build_registry(folder: Path, count: int) -> float:
    """A migrated SQLite registry with *count* seeded certificates; the seconds the seed took."""
    started = time.monotonic()
    _flask(folder, "db", "upgrade")
    _flask(folder, "demo", "seed", "--certificates", str(count))
    return round(time.monotonic() - started, 1)


def sample_paths(folder: Path, count: int, rng: random.Random) -> list[str]:
    """QR-link paths of up to SAMPLE certificates spread over the registry."""
    ids = sorted(rng.sample(range(1, count + 1), min(SAMPLE, count)))
    with sqlite3.connect(folder / "registry.sqlite3") as conn:
        marks = ",".join("?" * len(ids))  # only placeholders are formatted in; the ids are bound
        rows = conn.execute(f"SELECT payload, signature FROM certificates WHERE id IN ({marks})",  # nosec B608
                            ids).fetchall()
    paths = ["/v/" + signing.make_token(payload, signature) for payload, signature in rows]
    rng.shuffle(paths)
    return paths


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def gunicorn(app_spec: str, folder: Path, workers: int):
    """`gunicorn --workers W --bind 127.0.0.1:PORT APP` in production configuration; yields PORT."""
    port = _free_port()
    env = _env(folder, SKILLS_CERT_ENV="production", SECRET_KEY=secrets.token_urlsafe(48),
               PUBLIC_BASE_URL="https://verify.sdi.gov.la", API_RATE_LIMIT="100000000 per minute")
    log = (folder / f"gunicorn-{port}.log").open("w+b")
    proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "--workers", str(workers), "--bind",
                             f"127.0.0.1:{port}", app_spec], env=env, stdout=log, stderr=log, cwd=folder)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    raise RuntimeError(f"gunicorn did not start:\n{log.read().decode()[-3000:]}") from None
                time.sleep(0.1)
        yield port
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def fetch(port: int, path: str) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers=HEADERS)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def load(port: int, paths: list[str], seconds: float, concurrency: int) -> dict:
    """Requests for *seconds* from *concurrency* threads; their latencies in seconds."""
    latencies: list[list[float]] = [[] for _ in range(concurrency)]
    errors = [0] * concurrency
    deadline = time.perf_counter() + seconds

    def worker(n: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        i = n
        mine = latencies[n]
        while True:
            started = time.perf_counter()
            if started >= deadline:
                break
            try:
                conn.request("GET", paths[i % len(paths)], headers=HEADERS)
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                conn.close()
                ok = False
            mine.append(time.perf_counter() - started)
            if not ok:
                errors[n] += 1
            i += concurrency
        conn.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"seconds": time.perf_counter() - started, "latencies": [x for part in latencies for x in part],
            "errors": sum(errors)}


def _stats(runs: list[dict]) -> dict:
    latencies = sorted(x for run in runs for x in run["latencies"])
    seconds = sum(run["seconds"] for run in runs)
    if not latencies:
        raise RuntimeError("no request completed")

    def pct(p: float) -> float:
        return round(latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000, 2)

    return {"requests": len(latencies), "errors": sum(run["errors"] for run in runs),
            "requests_per_second": round(len(latencies) / seconds, 1), "p50_ms": pct(0.50), "p99_ms": pct(0.99)}


def _check_genuine(port: int, paths: list[str]) -> tuple[int, int]:
    """The first sampled links say genuine on the page and in the API; (HTML bytes, JSON bytes)."""
    html = api = 0
    for path in paths[:CHECKED]:
        status, body = fetch(port, path)
        if status != 200 or b"verdict-genuine" not in body:
            raise RuntimeError(f"{path[:40]}... did not verify (status {status})")
        html = max(html, len(body))
        status, body = fetch(port, "/api/v1/verify/" + path[3:])
        if status != 200 or json.loads(body)["verdict"] != "genuine":
            raise RuntimeError(f"the API did not find {path[:40]}... genuine (status {status})")
        api = max(api, len(body))
    return html, api


def measure(sizes=(10_000, 1_000_000), seconds: float = 15.0, rounds: int = 3, concurrency: int = 4,
            workers: int = 2, seed: int = 1, then=None) -> dict:
    """Seeds a registry per size, serves each and the bare app, loads them in interleaved rounds.
    *then(folder, size)*, if given, is called with the largest registry before it is deleted (so
    other benchmarks share it); what it returns is in the result as "then"."""
    rng = random.Random(seed)
    root = Path(tempfile.mkdtemp(prefix="skills-cert-verify-bench-"))
    try:
        registries, previous = {}, None
        for size in sorted(sizes):  # each registry grows a copy of the one before it
            folder = root / f"n{size}"
            if previous is None:
                folder.mkdir()
                took = build_registry(folder, size)
            else:
                shutil.copytree(previous["folder"], folder)
                started = time.monotonic()
                _flask(folder, "demo", "seed", "--certificates", str(size - previous["size"]))
                took = round(previous["seed_seconds"] + time.monotonic() - started, 1)
            registries[size] = previous = {"folder": folder, "size": size, "seed_seconds": took,
                                           "paths": sample_paths(folder, size, rng)}
        with _servers(registries, root, workers) as targets:
            runs = {name: [] for name in targets}
            for name, (port, paths) in targets.items():  # warm every worker and cache
                load(port, paths, min(1.0, seconds / rounds / 2), concurrency)
            for _round in range(rounds):
                for name, (port, paths) in targets.items():
                    runs[name].append(load(port, paths, seconds / rounds, concurrency))
        figures = {name: _stats(found) for name, found in runs.items()}
        largest = registries[max(registries)]
        later = then(largest["folder"], largest["size"]) if then else None
        return {"then": later, "sizes": list(sizes), "workers": workers, "concurrency": concurrency,
                "seconds_per_target": seconds, "figures": figures,
                "page_bytes": registries[sizes[-1]]["page_bytes"], "api_bytes": registries[sizes[-1]]["api_bytes"],
                "seed_seconds": {str(size): registries[size]["seed_seconds"] for size in sizes}}
    finally:
        shutil.rmtree(root, ignore_errors=True)


@contextmanager
def _servers(registries: dict, root: Path, workers: int):
    """{target name: (port, paths)} for the real app at every size and the two bare routes."""
    from contextlib import ExitStack

    with ExitStack() as stack:
        targets = {}
        for size, registry in registries.items():
            port = stack.enter_context(gunicorn("skills_cert:create_app()", registry["folder"], workers))
            registry["page_bytes"], registry["api_bytes"] = _check_genuine(port, registry["paths"])
            targets[f"html {size}"] = (port, registry["paths"])
            targets[f"api {size}"] = (port, ["/api/v1/verify/" + p[3:] for p in registry["paths"]])
        largest = registries[max(registries)]
        bare = stack.enter_context(gunicorn("skills_cert.devtools.bench.bare_app:app", largest["folder"], workers))
        targets["bare html"] = (bare, [f"/bare/{largest['page_bytes']}.html"])
        targets["bare api"] = (bare, [f"/bare/{largest['api_bytes']}.json"])
        yield targets


def run(sizes=(10_000, 1_000_000), seconds: float = 15.0, rounds: int = 3, concurrency: int = 4,
        workers: int = 2, then=None) -> list[dict]:
    """Benchmark rows: HTML and API throughput against the bare route, and latency scaling; then
    the rows *then(folder, size)* gives for the largest registry (see `measure`)."""
    found = measure(sizes, seconds, rounds, concurrency, workers, then=then)
    f, small, large = found["figures"], sizes[0], sizes[-1]
    setup = (f"gunicorn {workers} sync workers, {concurrency} client threads, SQLite, "
             f"seeded in {found['seed_seconds'][str(large)]} s")
    rows = []
    for kind, label, size_key in (("html", "verification page (HTML)", "page_bytes"),
                                  ("api", "API verify (JSON)", "api_bytes")):
        real, bare = f[f"{kind} {large}"], f[f"bare {kind}"]
        ratio = round(real["requests_per_second"] / bare["requests_per_second"], 2)
        rows.append({
            "name": f"{label}, {large:,} certificates",
            "figure": f"{real['requests_per_second']} /s", "floor": f"{bare['requests_per_second']} /s",
            "ratio": ratio, "goal": f"ratio >= {GOAL_RATIO}",
            "meets_goal": ratio >= GOAL_RATIO and real["errors"] == 0 and bare["errors"] == 0,
            "detail": (f"p50 {real['p50_ms']} ms, p99 {real['p99_ms']} ms (bare: p50 {bare['p50_ms']} ms, "
                       f"p99 {bare['p99_ms']} ms); {found[size_key]} bytes; errors {real['errors']}; {setup}"),
            "verification": real, "bare": bare, "response_bytes": found[size_key]})
    for kind in ("html", "api"):
        at_large, at_small = f[f"{kind} {large}"], f[f"{kind} {small}"]
        ratio = round(at_large["p50_ms"] / at_small["p50_ms"], 2)
        rows.append({
            "name": f"{kind.upper()} verify p50 latency, {large:,} vs {small:,}",
            "figure": f"{at_large['p50_ms']} ms", "floor": f"{at_small['p50_ms']} ms", "ratio": ratio,
            "goal": f"ratio <= {GOAL_SCALING}", "meets_goal": ratio <= GOAL_SCALING,
            "detail": (f"p99 {at_large['p99_ms']} ms vs {at_small['p99_ms']} ms; "
                       f"{at_large['requests_per_second']} /s vs {at_small['requests_per_second']} /s"),
            "large": at_large, "small": at_small})
    return rows + (found["then"] or [])


if __name__ == "__main__":
    quick = "--quick" in sys.argv
    for row in run((1_000, 10_000) if quick else (10_000, 1_000_000), seconds=4 if quick else 15,
                   rounds=2 if quick else 3):
        print(json.dumps({k: v for k, v in row.items() if k not in ("verification", "bare", "large", "small")}))
