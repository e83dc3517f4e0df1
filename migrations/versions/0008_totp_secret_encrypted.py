"""TOTP secrets encrypted at rest.

The column widens for Fernet tokens, and the secrets stored so far are encrypted in place;
downgrade decrypts them back.

The key is the app's TOTP_ENCRYPTION_KEY, or the one derived from SECRET_KEY with HKDF-SHA256 as
skills_cert.accounts.totp does (repeated here: a migration does not import the application).

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-22
"""

import base64
import re

import sqlalchemy as sa
from alembic import op
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

BASE32 = re.compile(r"[A-Z2-7]+=*")  # what pyotp.random_base32() gives: a secret in clear
users = sa.table("users", sa.column("id", sa.Integer), sa.column("totp_secret", sa.String))


def _fernet() -> Fernet:
    key = current_app.config.get("TOTP_ENCRYPTION_KEY")
    if not key:
        secret_key = current_app.config["SECRET_KEY"]
        material = secret_key.encode("utf-8") if isinstance(secret_key, str) else secret_key
        hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"skills_cert totp")
        key = base64.urlsafe_b64encode(hkdf.derive(material))
    return Fernet(key)


def _secrets(conn) -> list[tuple[int, str]]:
    query = sa.select(users.c.id, users.c.totp_secret).where(users.c.totp_secret.is_not(None))
    return [tuple(row) for row in conn.execute(query)]


def _rewrite(conn, user_id: int, value: str) -> None:
    conn.execute(users.update().where(users.c.id == user_id).values(totp_secret=value))


def _refuse_offline() -> None:
    if op.get_context().as_sql:
        raise RuntimeError("Migration 0008 encrypts the stored TOTP secrets and cannot be written "
                           "as SQL: run `flask db upgrade` against the database.")


def upgrade():
    _refuse_offline()
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.alter_column("totp_secret", existing_type=sa.String(length=64),
                              type_=sa.String(length=255), existing_nullable=True)
    conn, fernet = op.get_bind(), _fernet()
    for user_id, secret in _secrets(conn):
        if BASE32.fullmatch(secret):
            _rewrite(conn, user_id, fernet.encrypt(secret.encode("ascii")).decode("ascii"))


def downgrade():
    _refuse_offline()
    conn, fernet = op.get_bind(), _fernet()
    for user_id, token in _secrets(conn):
        if BASE32.fullmatch(token):
            continue  # already in clear
        try:
            secret = fernet.decrypt(token.encode("ascii")).decode("ascii")
        except InvalidToken:
            raise RuntimeError(
                f"The TOTP secret of user {user_id} does not decrypt with the configured key. Set "
                "TOTP_ENCRYPTION_KEY (or SECRET_KEY) to the value it was encrypted with, or reset "
                "that user's two-factor authentication, then downgrade again."
            ) from None
        _rewrite(conn, user_id, secret)
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.alter_column("totp_secret", existing_type=sa.String(length=255),
                              type_=sa.String(length=64), existing_nullable=True)
