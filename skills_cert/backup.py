"""Backups of the whole database, and restoring one.

SQLite is copied with its online backup API, page by page, so a backup taken while the application
is serving is still a consistent snapshot. PostgreSQL is dumped with `pg_dump --format=custom` and
restored with `pg_restore --clean`, which must be the same major version as the server or newer.

Each backup has a manifest beside it (`<file>.json`): the schema revision, the row count of every
table and the file's SHA-256. Restoring checks the file against its manifest first, and the row
counts after. The signing keys' private halves are files (SIGNING_KEY_DIR), never in the database:
back them up separately, encrypted; the public halves are in the database, so every certificate
still verifies after a restore.

Files kept outside the database (the RPL evidence files under EVIDENCE_DIR) go into a tar archive
beside the backup (`<file>.files.tar`), listed in the manifest with each file's SHA-256. Restoring
checks the archive and every file before anything is touched, and puts the files back after the
database (files the folder holds and the backup does not are left alone).
"""

from __future__ import annotations

import datetime as dt
import glob
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

MANIFEST_FORMAT = "skills_cert/backup@1"


class BackupError(Exception):
    """The backup or restore could not be done; the message says why and what to do."""


@dataclass(frozen=True)
class Manifest:
    path: Path
    dialect: str
    revision: str | None
    counts: dict[str, int]
    sha256: str
    created_at: str
    files: dict | None = None  # {"archive", "sha256", "entries": {name: sha256}}

    def write(self) -> Path:
        target = manifest_path(self.path)
        extra = {"files": self.files} if self.files is not None else {}
        target.write_text(json.dumps({
            "format": MANIFEST_FORMAT, "file": self.path.name, "dialect": self.dialect,
            "revision": self.revision, "counts": self.counts, "sha256": self.sha256,
            "created_at": self.created_at, **extra}, indent=2) + "\n", encoding="utf-8")
        return target


def manifest_path(path: Path) -> Path:
    return path.with_name(path.name + ".json")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def table_counts(engine: sa.Engine) -> dict[str, int]:
    names = sorted(sa.inspect(engine).get_table_names())
    with engine.connect() as connection:
        return {name: connection.scalar(sa.select(sa.func.count()).select_from(sa.table(name)))
                for name in names}


def _revision(engine: sa.Engine) -> str | None:
    with engine.connect() as connection:
        if not sa.inspect(connection).has_table("alembic_version"):
            return None
        return connection.scalar(sa.text("SELECT version_num FROM alembic_version"))


def default_path(folder: Path, dialect: str, now: dt.datetime | None = None) -> Path:
    stamp = (now or dt.datetime.now(dt.timezone.utc)).strftime("%Y%m%dT%H%M%SZ")
    return folder / f"skills_cert-{stamp}.{'sqlite3' if dialect == 'sqlite' else 'pgdump'}"


def files_path(path: Path) -> Path:
    return path.with_name(path.name + ".files.tar")


def create(engine: sa.Engine, target: Path, files_dir: Path | None = None) -> Manifest:
    """Write a consistent copy of the database to *target* (which must not exist yet), and the
    files under *files_dir*, if given, to the archive beside it."""
    if target.exists() or (files_dir is not None and files_path(target).exists()):
        raise BackupError(f"{target} exists already; choose another file name.")
    target.parent.mkdir(parents=True, exist_ok=True)
    counts = table_counts(engine)
    if engine.dialect.name == "sqlite":
        _sqlite_copy(_sqlite_file(engine), target)
    elif engine.dialect.name == "postgresql":
        _run([_pg_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges",
              f"--file={target}", f"--dbname={_libpq_url(engine)}"], _pg_env(engine))
    else:
        raise BackupError(f"backups of {engine.dialect.name} databases are not supported")
    os.chmod(target, 0o600)  # it holds personal data
    files = _archive(files_dir, files_path(target)) if files_dir is not None else None
    manifest = Manifest(target, engine.dialect.name, _revision(engine), counts, _sha256(target),
                        dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"), files)
    manifest.write()
    return manifest


def read_manifest(path: Path) -> dict:
    source = manifest_path(path)
    try:
        data = json.loads(source.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackupError(f"{source} is missing: a backup is restored only with its manifest.") from None
    except (OSError, ValueError) as exc:
        raise BackupError(f"{source} cannot be read: {exc}") from None
    if data.get("format") != MANIFEST_FORMAT:
        raise BackupError(f"{source} is not a skills_cert backup manifest.")
    return data


def restore(engine: sa.Engine, source: Path, files_dir: Path | None = None) -> dict[str, int]:
    """Replace the database's content with the backup at *source*, and put its files back under
    *files_dir*. Returns the restored counts.

    The caller must have closed its sessions; the engine's pooled connections are disposed."""
    if not source.is_file():
        raise BackupError(f"{source} does not exist.")
    manifest = read_manifest(source)
    if manifest["dialect"] != engine.dialect.name:
        raise BackupError(f"{source} is a {manifest['dialect']} backup; this database is {engine.dialect.name}.")
    if _sha256(source) != manifest["sha256"]:
        raise BackupError(f"{source} does not match its manifest (SHA-256 differs): the file is damaged or was changed.")
    files = manifest.get("files")
    if files is not None:
        _check_archive(source, files)
    engine.dispose()
    if engine.dialect.name == "sqlite":
        _sqlite_copy(source, _sqlite_file(engine))
    else:
        _run([_pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-privileges",
              "--single-transaction", "--exit-on-error", f"--dbname={_libpq_url(engine)}", str(source)],
             _pg_env(engine))
    engine.dispose()
    counts = table_counts(engine)
    if counts != manifest["counts"]:
        differing = sorted(k for k in set(counts) | set(manifest["counts"])
                           if counts.get(k) != manifest["counts"].get(k))
        raise BackupError(f"restored row counts differ from the manifest in: {', '.join(differing)}")
    if files is not None and files_dir is not None:
        _unpack(files_path(source), files, files_dir)
    return counts


def _archive(folder: Path, archive: Path) -> dict:
    """Every regular file directly under *folder* (none if it does not exist) into *archive*."""
    entries = {}
    with tarfile.open(archive, "w", format=tarfile.PAX_FORMAT) as tar:
        os.chmod(archive, 0o600)
        for path in sorted(folder.iterdir()) if folder.is_dir() else ():
            if path.is_file() and not path.name.startswith("."):  # ".name.part": still being written
                entries[path.name] = _sha256(path)
                tar.add(path, arcname=path.name, recursive=False)
    return {"archive": archive.name, "sha256": _sha256(archive), "entries": entries}


def _check_archive(source: Path, files: dict) -> None:
    archive = files_path(source)
    if not archive.is_file():
        raise BackupError(f"{archive} is missing: the backup's files are restored with it.")
    if _sha256(archive) != files["sha256"]:
        raise BackupError(f"{archive} does not match its manifest (SHA-256 differs): it is damaged or was changed.")
    with tarfile.open(archive) as tar:
        names = {m.name for m in tar.getmembers() if m.isfile() and "/" not in m.name and not m.name.startswith(".")}
    if names != set(files["entries"]):
        raise BackupError(f"{archive} does not hold the files its manifest lists.")


def _unpack(archive: Path, files: dict, folder: Path) -> None:
    """Each listed file back into *folder*, checked against its SHA-256 before it replaces anything."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    with tarfile.open(archive) as tar:
        for name, digest in sorted(files["entries"].items()):
            data = tar.extractfile(tar.getmember(name)).read()
            if hashlib.sha256(data).hexdigest() != digest:
                raise BackupError(f"{archive}: {name} does not match its manifest.")
            partial = folder / f".{name}.restore"
            partial.write_bytes(data)
            os.chmod(partial, 0o600)
            os.replace(partial, folder / name)


def _sqlite_file(engine: sa.Engine) -> Path:
    database = engine.url.database
    if not database or database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return Path(database)


def _sqlite_copy(source: Path, target: Path) -> None:
    """SQLite's online backup: consistent even while others write to *source*."""
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst, pages=1024)
            dst.execute("PRAGMA journal_mode=WAL")
        finally:
            dst.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{source} is not a usable SQLite database: {exc}") from None
    finally:
        src.close()


def _libpq_url(engine: sa.Engine) -> str:
    """The database URL for libpq tools, without the password (that goes in PGPASSWORD, so it
    never shows in the process list)."""
    return engine.url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)


def _pg_env(engine: sa.Engine) -> dict[str, str]:
    env = dict(os.environ)
    if engine.url.password:
        env["PGPASSWORD"] = str(engine.url.password)
    return env


def _pg_tool(name: str) -> str:
    """pg_dump / pg_restore: PG_BINDIR, then PATH, then the newest Debian install."""
    candidates = [Path(os.environ["PG_BINDIR"]) / name] if os.environ.get("PG_BINDIR") else []
    found = shutil.which(name)
    if found:
        candidates.append(Path(found))
    candidates += [Path(p) for p in sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)]
    for candidate in candidates:
        if candidate.is_file():
            return str(candidate)
    raise BackupError(f"{name} was not found; install the PostgreSQL client (apt-get install postgresql-client) "
                      "or set PG_BINDIR.")


def _run(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(command, capture_output=True, text=True, check=False, env=env)
    if result.returncode != 0:
        tool = Path(command[0]).name
        raise BackupError(f"{tool} failed ({result.returncode}): {result.stderr.strip()[-2000:]}")
