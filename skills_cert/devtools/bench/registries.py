"""Seeded registries for the benchmarks that serve the app: an instance folder (signing keys,
instance files) and its database, a SQLite file in the folder or a database on a throwaway
PostgreSQL server (`devtools/postgres_server.py`).

A registry is built with the real commands (`flask db upgrade`, then `flask demo seed
--certificates N`: real, signed certificates), and a larger one grows from a copy of the one before
it: the folder is copied (with the SQLite file), or the PostgreSQL database is created from the
smaller one as its template, and only the difference is seeded.
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

from skills_cert.certification import signing
from skills_cert.certification.keys import DEVELOPMENT_MARK

SAMPLE = 200  # certificates whose links are asked for


@dataclass
class Registry:
    folder: Path
    size: int
    database: str  # SQLAlchemy URL
    seed_seconds: float
    paths: list[str] = field(default_factory=list)  # QR-link paths of a sample of its certificates
    page_bytes: int = 0
    api_bytes: int = 0

    @property
    def dialect(self) -> str:
        return "PostgreSQL" if self.database.startswith("postgresql") else "SQLite"


def sqlite_url(folder: Path) -> str:
    return f"sqlite:///{folder / 'registry.sqlite3'}"


def env(folder: Path, database: str | None = None, **extra) -> dict:
    """The environment of a `flask` command or a server on the registry in *folder*."""
    found = {key: value for key, value in os.environ.items()
             if key not in ("DATABASE_URL", "SECRET_KEY", "PUBLIC_BASE_URL", "SIGNING_KEY_DIR")}
    found.update(FLASK_APP="skills_cert", SKILLS_CERT_ENV="development", SKILLS_CERT_INSTANCE=str(folder),
                 DATABASE_URL=database or sqlite_url(folder), SIGNING_KEY_DIR=str(folder / "keys"))
    found.update(extra)
    return found


def flask(folder: Path, *args: str, database: str | None = None) -> str:
    done = subprocess.run([sys.executable, "-m", "flask", *args], env=env(folder, database), capture_output=True,
                          text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"flask {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return done.stdout


def build_registry(folder: Path, count: int, database: str | None = None) -> float:
    """A migrated registry with *count* seeded certificates; the seconds the seed took."""
    started = time.monotonic()
    flask(folder, "db", "upgrade", database=database)
    flask(folder, "demo", "seed", "--certificates", str(count), database=database)
    serve_seeded_keys_as_production(folder / "keys")
    return round(time.monotonic() - started, 1)


def serve_seeded_keys_as_production(key_dir: Path) -> None:
    """The seeder marks its keys as development keys, which production refuses to start with.
    The benchmark measures the production configuration, so it removes the marks of its own
    throwaway keys (an operator would start real ones with `flask keys rotate`)."""
    for mark in key_dir.rglob("*" + DEVELOPMENT_MARK):
        mark.unlink()


def sample_paths(database: str, count: int, rng: random.Random) -> list[str]:
    """QR-link paths of up to SAMPLE certificates spread over the registry."""
    ids = sorted(rng.sample(range(1, count + 1), min(SAMPLE, count)))
    engine = sa.create_engine(database)
    try:
        with engine.connect() as conn:
            rows = conn.execute(sa.text("SELECT payload, signature FROM certificates WHERE id IN :ids")
                                .bindparams(sa.bindparam("ids", expanding=True)), {"ids": ids}).all()
    finally:
        engine.dispose()
    paths = ["/v/" + signing.make_token(bytes(payload), bytes(signature)) for payload, signature in rows]
    rng.shuffle(paths)
    return paths


def build(root: Path, sizes, rng: random.Random, server: str | None = None) -> dict[int, Registry]:
    """A registry per size under *root*, each grown from the one before it; on the PostgreSQL
    server at *server* if given, else in SQLite."""
    from skills_cert.devtools import postgres_server

    registries: dict[int, Registry] = {}
    previous: Registry | None = None
    for size in sorted(sizes):
        folder = root / f"n{size}"
        database = postgres_server.create_database(
            server, f"n{size}", template=f"n{previous.size}" if previous else None) if server else None
        if previous is None:
            folder.mkdir()
            took = build_registry(folder, size, database)
        else:
            shutil.copytree(previous.folder, folder)
            started = time.monotonic()
            flask(folder, "demo", "seed", "--certificates", str(size - previous.size), database=database)
            took = round(previous.seed_seconds + time.monotonic() - started, 1)
        database = database or sqlite_url(folder)
        registries[size] = previous = Registry(folder, size, database, took, sample_paths(database, size, rng))
    return registries
