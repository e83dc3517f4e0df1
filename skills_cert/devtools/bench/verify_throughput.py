"""Verification throughput under gunicorn, against two floors in the same gunicorn setup.

For each registry size a throwaway instance is built in a temporary folder with the real commands
(`flask db upgrade`, then `flask demo seed --certificates N`: real, signed certificates), in SQLite
or, with `postgres=True`, on a throwaway PostgreSQL server (`registries.py`). The app is then
served by `gunicorn --workers W "skills_cert:create_app()"` with the production configuration
(SKILLS_CERT_ENV=production, a random 48-character SECRET_KEY, an https public URL), as `make
serve-prod` does. As production must with several workers, the rate limits are kept in a shared
store: a throwaway Redis (`devtools/redis_server.py`). The only changes are the per-client limits
of the API and of the QR page, raised so that one load generator is not refused.

The two floors, each served by the same gunicorn command:
- the bare route (`bare_app.py`): a Flask route returning a static body of the same size as the
  real answer. It does nothing; the ratio to it says what a verification costs in all.
- the irreducible floor (`floor_app.py`): a plain WSGI app doing only the work no verification
  can skip, on the same registry, for the same tokens, answering the same number of bytes:
  decode and inflate the token, parse its JSON, verify its Ed25519 signature, one indexed SELECT
  of the certificate, format the page, INSERT the event. The goals are ratios to this floor.

The load generator runs in this process: C threads, each with its own http.client connection
(gunicorn's sync workers close every connection, so each request connects anew; http.client
reconnects by itself), asking in turn for the QR links of a random sample of the seeded
certificates, in Thai. The targets are measured in interleaved rounds so that a burst of load from
elsewhere on the machine hits them all alike. Every answer must be 200 and, for the real app,
the verdict "genuine" (checked once per token before the clock starts).

Note that the client shares the machine's cores with the servers.
"""

from __future__ import annotations

import http.client
import json
import random
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path

from skills_cert.devtools import postgres_server, redis_server
from skills_cert.devtools.bench import registries

GOALS = {"html": 0.5, "api": 0.6}  # verification throughput / irreducible-floor throughput
GOAL_SCALING = 1.2  # p50 latency at the large registry / at the small one
CHECKED = 10  # of the sampled links, this many are checked to say "genuine" on the page and in the API
HEADERS = {"Accept-Language": "th"}


@contextmanager
def gunicorn(app_spec: str, registry: registries.Registry, workers: int, limiter_store: str = "memory://",
             **settings: str):
    """`gunicorn --workers W --bind 127.0.0.1:PORT APP` in production configuration; yields PORT."""
    port, folder = redis_server.free_port(), registry.folder
    unlimited = "100000000 per minute"
    env = registries.env(folder, registry.database, **settings, SKILLS_CERT_ENV="production", SECRET_KEY=secrets.token_urlsafe(48),
               PUBLIC_BASE_URL="https://verify.sdi.gov.la", RATELIMIT_STORAGE_URI=limiter_store,
               API_RATE_LIMIT=unlimited, VERIFY_RATE_LIMIT=unlimited)
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
            workers: int = 2, seed: int = 1, then=None, postgres: bool = False) -> dict:
    """Seeds a registry per size, serves each and the two floors, loads them in interleaved rounds.
    *then(folder, size, database)*, if given, is called with the largest registry before it is
    deleted (so other benchmarks share it); what it returns is in the result as "then"."""
    rng = random.Random(seed)
    root = Path(tempfile.mkdtemp(prefix="skills-cert-verify-bench-"))
    try:
        with ExitStack() as stack:
            server = stack.enter_context(postgres_server.throwaway(root / "postgres")) if postgres else None
            built = registries.build(root, sizes, rng, server)
            with _servers(built, root, workers) as targets:
                runs = {name: [] for name in targets}
                for name, (port, paths) in targets.items():  # warm every worker and cache
                    load(port, paths, min(1.0, seconds / rounds / 2), concurrency)
                for _round in range(rounds):
                    for name, (port, paths) in targets.items():
                        runs[name].append(load(port, paths, seconds / rounds, concurrency))
            largest = built[max(built)]
            later = then(largest.folder, largest.size, largest.database) if then else None
        return {"then": later, "sizes": list(sizes), "workers": workers, "concurrency": concurrency,
                "seconds_per_target": seconds, "figures": {name: _stats(found) for name, found in runs.items()},
                "database": largest.dialect, "page_bytes": largest.page_bytes, "api_bytes": largest.api_bytes,
                "seed_seconds": {str(size): built[size].seed_seconds for size in sizes}}
    finally:
        shutil.rmtree(root, ignore_errors=True)


@contextmanager
def _servers(built: dict[int, registries.Registry], root: Path, workers: int):
    """{target name: (port, paths)} for the real app at every size, the bare routes and the
    irreducible floor (on the largest registry)."""
    with ExitStack() as stack:
        targets = {}
        store = stack.enter_context(redis_server.throwaway(root))
        for size, registry in built.items():
            port = stack.enter_context(gunicorn("skills_cert:create_app()", registry, workers, store))
            registry.page_bytes, registry.api_bytes = _check_genuine(port, registry.paths)
            targets[f"html {size}"] = (port, registry.paths)
            targets[f"api {size}"] = (port, ["/api/v1/verify/" + p[3:] for p in registry.paths])
        largest = built[max(built)]
        bare = stack.enter_context(gunicorn("skills_cert.devtools.bench.bare_app:app", largest, workers))
        targets["bare html"] = (bare, [f"/bare/{largest.page_bytes}.html"])
        targets["bare api"] = (bare, [f"/bare/{largest.api_bytes}.json"])
        floor = stack.enter_context(gunicorn("skills_cert.devtools.bench.floor_app:app", largest, workers,
                                             FLOOR_HTML_BYTES=str(largest.page_bytes),
                                             FLOOR_API_BYTES=str(largest.api_bytes)))
        _check_floor(floor, largest.paths)
        targets["floor html"] = (floor, ["/floor/html/" + p[3:] for p in largest.paths])
        targets["floor api"] = (floor, ["/floor/api/" + p[3:] for p in largest.paths])
        yield targets


def _check_floor(port: int, paths: list[str]) -> None:
    for path in paths[:CHECKED]:
        for kind in ("html", "api"):
            status, _body = fetch(port, f"/floor/{kind}/{path[3:]}")
            if status != 200:
                raise RuntimeError(f"the irreducible floor did not verify {path[:40]}... (status {status})")


def run(sizes=(10_000, 1_000_000), seconds: float = 15.0, rounds: int = 3, concurrency: int = 4,
        workers: int = 2, then=None, postgres: bool = False) -> list[dict]:
    """Benchmark rows: HTML and API throughput against the irreducible floor and the bare route,
    and latency scaling; then the rows *then(folder, size, database)* gives for the largest
    registry (see `measure`)."""
    found = measure(sizes, seconds, rounds, concurrency, workers, then=then, postgres=postgres)
    f, small, large = found["figures"], sizes[0], sizes[-1]
    where = ", PostgreSQL" if postgres else ""
    setup = (f"gunicorn {workers} sync workers, {concurrency} client threads, {found['database']}, Redis limits, "
             f"seeded in {found['seed_seconds'][str(large)]} s")
    rows = []
    for kind, label, size_key in (("html", "verification page (HTML)", "page_bytes"),
                                  ("api", "API verify (JSON)", "api_bytes")):
        real, floor, bare = f[f"{kind} {large}"], f[f"floor {kind}"], f[f"bare {kind}"]
        ratio = round(real["requests_per_second"] / floor["requests_per_second"], 2)
        to_bare = round(real["requests_per_second"] / bare["requests_per_second"], 2)
        floor_to_bare = round(floor["requests_per_second"] / bare["requests_per_second"], 2)
        rows.append({
            "name": f"{label}, {large:,} certificates{where}",
            "figure": f"{real['requests_per_second']} /s", "floor": f"{floor['requests_per_second']} /s",
            "ratio": ratio, "goal": f"ratio >= {GOALS[kind]} (irreducible floor)",
            "meets_goal": ratio >= GOALS[kind] and not real["errors"] + floor["errors"] + bare["errors"],
            "detail": (f"bare Flask route {bare['requests_per_second']} /s: ratio {to_bare} (the irreducible floor "
                       f"is {floor_to_bare} of it); p50 {real['p50_ms']} ms, p99 {real['p99_ms']} ms (floor: p50 "
                       f"{floor['p50_ms']} ms; bare: p50 {bare['p50_ms']} ms); {found[size_key]} bytes; "
                       f"errors {real['errors']}; {setup}"),
            "verification": real, "irreducible": floor, "bare": bare, "bare_ratio": to_bare,
            "floor_to_bare": floor_to_bare, "response_bytes": found[size_key]})
    for kind in ("html", "api"):
        at_large, at_small = f[f"{kind} {large}"], f[f"{kind} {small}"]
        ratio = round(at_large["p50_ms"] / at_small["p50_ms"], 2)
        rows.append({
            "name": f"{kind.upper()} verify p50 latency, {large:,} vs {small:,}{where}",
            "figure": f"{at_large['p50_ms']} ms", "floor": f"{at_small['p50_ms']} ms", "ratio": ratio,
            "goal": f"ratio <= {GOAL_SCALING}", "meets_goal": ratio <= GOAL_SCALING,
            "detail": (f"p99 {at_large['p99_ms']} ms vs {at_small['p99_ms']} ms; "
                       f"{at_large['requests_per_second']} /s vs {at_small['requests_per_second']} /s"),
            "large": at_large, "small": at_small})
    return rows + (found["then"] or [])


if __name__ == "__main__":
    quick, postgres = "--quick" in sys.argv, "--postgres" in sys.argv
    for row in run((1_000, 10_000) if quick else (10_000, 1_000_000), seconds=4 if quick else 15,
                   rounds=2 if quick else 3, postgres=postgres):
        print(json.dumps({k: v for k, v in row.items()
                          if k not in ("verification", "irreducible", "bare", "large", "small")}))
