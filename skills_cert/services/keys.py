"""Issuing authorities' signing keys: private halves in files under SIGNING_KEY_DIR, public halves
in the database and published as JSON. Old keys stay published so old certificates verify."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import sqlalchemy as sa
import sqlalchemy.orm as so
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from flask_babel import gettext as _

from skills_cert import signing
from skills_cert.models import SigningKey
from skills_cert.services import audit
from skills_cert.services.errors import InvalidState


def _raw(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def active_key_row(session: so.Session, authority: str) -> SigningKey | None:
    return session.scalar(sa.select(SigningKey).where(
        SigningKey.authority_code == authority, SigningKey.status == "active",
        SigningKey.valid_until.is_(None)).order_by(SigningKey.id.desc()).limit(1))


def create_key(session: so.Session, authority: str, key_dir: Path, *, today: dt.date, actor=None) -> SigningKey:
    """Generate a key pair: the private half to a 0600 file, the public half to the database."""
    private = signing.generate_private_key()
    signing.write_private_key(key_dir, authority, private)
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
        row = create_key(session, authority, key_dir, today=today)
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


def published_keys(session: so.Session) -> dict[str, signing.PublishedKey]:
    return {row.key_id: signing.PublishedKey(
        key_id=row.key_id, authority=row.authority_code,
        public_key=Ed25519PublicKey.from_public_bytes(row.public_key), valid_from=row.valid_from,
        valid_until=row.valid_until, status=row.status)
        for row in session.scalars(sa.select(SigningKey).order_by(SigningKey.key_id))}
