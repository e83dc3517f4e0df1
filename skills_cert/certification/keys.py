"""Issuing authorities' signing keys: private halves in files under SIGNING_KEY_DIR, public halves
in the database and published as JSON. Old keys stay published so old certificates verify."""

from __future__ import annotations

import datetime as dt
import functools
import logging
import os
import stat
from collections.abc import Mapping
from pathlib import Path

import sqlalchemy as sa
import sqlalchemy.orm as so
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from flask_babel import gettext as _

from skills_cert.audit import log as audit
from skills_cert.certification import signing
from skills_cert.certification.models import SigningKey
from skills_cert.database import Statement, as_date
from skills_cert.errors import InvalidState


def key_settings(config: Mapping) -> dict:
    """Where issuing finds its keys, from the app's configuration; outside production a missing
    key is made on first use."""
    return {"key_dir": Path(config["SIGNING_KEY_DIR"]),
            "allow_key_generation": config["ENV_NAME"] != "production"}


def _raw(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def active_key_row(session: so.Session, authority: str) -> SigningKey | None:
    return session.scalar(sa.select(SigningKey).where(
        SigningKey.authority_code == authority, SigningKey.status == "active",
        SigningKey.valid_until.is_(None)).order_by(SigningKey.id.desc()).limit(1))


DEVELOPMENT_MARK = ".development"  # beside <key_id>.pem: generated automatically, not for production


def create_key(session: so.Session, authority: str, key_dir: Path, *, today: dt.date, actor=None,
               development: bool = False) -> SigningKey:
    """Generate a key pair: the private half to a 0600 file, the public half to the database.

    A *development* key (made on the fly outside production) is marked by an empty file beside
    it, so that production refuses to start with it."""
    private = signing.generate_private_key()
    path = signing.write_private_key(key_dir, authority, private)
    if development:
        path.with_suffix(DEVELOPMENT_MARK).touch(mode=0o600)
    row = SigningKey(key_id=signing.key_id_for(private.public_key()), authority_code=authority,
                     public_key=_raw(private.public_key()), valid_from=today, status="active")
    session.add(row)
    session.flush()
    audit.record(session, actor=actor, action="key.create", object_type="signing_key",
                 object_id=row.key_id, changes={"authority": authority})
    return row


def signing_key(session: so.Session, authority: str, key_dir: Path, *, today: dt.date,
                allow_generate: bool) -> tuple[SigningKey, Ed25519PrivateKey]:
    """The authority's current key. Outside production a first key is generated when none exists."""
    row = active_key_row(session, authority)
    if row is None:
        if not allow_generate:
            raise InvalidState(_("There is no signing key for %(authority)s. Run `flask keys rotate "
                                 "--authority %(authority)s` first.", authority=authority))
        row = create_key(session, authority, key_dir, today=today, development=True)
    return row, signing.load_private_key(key_dir, authority, row.key_id)


def rotate(session: so.Session, authority: str, key_dir: Path, *, today: dt.date, actor=None) -> SigningKey:
    """Retire the current key (it keeps verifying what it signed) and start a new one."""
    current = active_key_row(session, authority)
    if current is not None:
        current.status = "retired"
        current.valid_until = today
    row = create_key(session, authority, key_dir, today=today, actor=actor)
    audit.record(session, actor=actor, action="key.rotate", object_type="signing_key",
                 object_id=row.key_id, changes={"authority": authority,
                                                "retired": current.key_id if current else None})
    return row


def mark_compromised(session: so.Session, key_id: str, *, today: dt.date, actor=None) -> SigningKey:
    row = session.scalar(sa.select(SigningKey).where(SigningKey.key_id == key_id))
    if row is None:
        raise InvalidState(_("There is no key %(kid)s.", kid=key_id))
    row.status = "compromised"
    row.valid_until = row.valid_until or today
    session.flush()
    audit.record(session, actor=actor, action="key.compromised", object_type="signing_key",
                 object_id=key_id)
    return row


@functools.lru_cache(maxsize=256)
def _published(key_id: str, authority: str, public_key: bytes, valid_from: dt.date,
               valid_until: dt.date | None, status: str) -> signing.PublishedKey:
    """The key object for one row's values. Cached by every value, so a rotated, retired or
    compromised key (a changed row) is never served from the cache."""
    return signing.PublishedKey(key_id=key_id, authority=authority,
                                public_key=Ed25519PublicKey.from_public_bytes(public_key),
                                valid_from=valid_from, valid_until=valid_until, status=status)


_KEY_ROWS = Statement("SELECT key_id, authority_code, public_key, valid_from, valid_until, status "
                      "FROM signing_keys ORDER BY key_id")
_keyset: tuple[tuple, dict[str, signing.PublishedKey]] = ((), {})


def published_keys(session: so.Session) -> dict[str, signing.PublishedKey]:
    """The published keys. The rows (a handful) are read on every call, with one plain query, and
    the key set is built again only when they differ from the rows it was built from: a key
    rotated, retired or marked compromised by any worker is seen by every worker at once, as
    recognition's stamp (`derived.mrs_stamp`) is."""
    global _keyset
    rows = tuple(_KEY_ROWS.run(session).fetchall())
    built_from, keys = _keyset
    if rows != built_from:
        keys = {key_id: _published(key_id, authority, bytes(public_key), as_date(valid_from), as_date(valid_until),
                                   status)
                for key_id, authority, public_key, valid_from, valid_until, status in rows}
        _keyset = (rows, keys)
    return dict(keys)


logger = logging.getLogger(__name__)


def key_dir_problems(key_dir: Path) -> list[str]:
    """What is unsafe about the private key files under *key_dir*: development keys, files other
    users may read or write, folders other users may write, an authority with a token key but no
    document-seal key. A missing folder is no problem."""
    key_dir = Path(key_dir)
    if not key_dir.is_dir():
        return []
    problems = []
    for folder in [key_dir, *sorted(p for p in key_dir.rglob("*") if p.is_dir())]:
        if folder.stat().st_mode & (stat.S_IWGRP | stat.S_IWOTH):
            problems.append(f"{folder} is writable by other users; run `chmod 700 {folder}`")
    for authority in sorted(p for p in key_dir.iterdir() if p.is_dir()):
        if any(authority.glob("*.pem")) and not any((authority / "seal").glob("seal-*.key.pem")):
            problems.append(f"{authority.name} signs certificates but has no document-seal key in "
                            f"{authority / 'seal'}; run `flask keys seal-rotate --authority {authority.name}`")
    for path in sorted(key_dir.rglob("*.pem")):
        if path.with_suffix(DEVELOPMENT_MARK).exists():
            problems.append(f"{path} is a development key, generated automatically outside production; "
                            "start a real one with `flask keys rotate`")
        if path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO):
            problems.append(f"{path} is readable or writable by other users; run `chmod 600 {path}`")
    return problems


def check_key_dir(key_dir: str | os.PathLike, *, production: bool) -> None:
    """At start-up: refuse unsafe signing keys in production (ConfigError); warn elsewhere."""
    from skills_cert.config import ConfigError

    problems = key_dir_problems(Path(key_dir))
    if problems and production:
        raise ConfigError("Refusing to start in production: the signing keys are not safe.\n"
                          + "\n".join(f"- {p}" for p in problems))
    for problem in problems:
        logger.warning("signing key: %s", problem)
