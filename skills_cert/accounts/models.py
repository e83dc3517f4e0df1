"""Staff accounts and their roles. Workers and employers never have accounts."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_login import UserMixin

from skills_cert.columns import UTCDateTime, str_enum, utcnow
from skills_cert.extensions import db
from skills_cert.roles import Role


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    username: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    full_name: so.Mapped[str] = so.mapped_column(sa.String(200))
    email: so.Mapped[str | None] = so.mapped_column(sa.String(254))
    role: so.Mapped[Role] = so.mapped_column(str_enum(Role, 32))
    password_hash: so.Mapped[str] = so.mapped_column(sa.String(255))
    is_active: so.Mapped[bool] = so.mapped_column(default=True)
    locale: so.Mapped[str | None] = so.mapped_column(sa.String(8))
    # Bumped on password change and deactivation: sessions carrying an older value end.
    session_version: so.Mapped[int] = so.mapped_column(default=1)
    created_at: so.Mapped[dt.datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    password_changed_at: so.Mapped[dt.datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    last_login_at: so.Mapped[dt.datetime | None] = so.mapped_column(UTCDateTime)
    # Consecutive failed logins; reaching the limit sets locked_until (see users.py).
    failed_login_count: so.Mapped[int] = so.mapped_column(default=0, server_default="0")
    locked_until: so.Mapped[dt.datetime | None] = so.mapped_column(UTCDateTime)
    # The TOTP secret, Fernet-encrypted: read and written only by totp.py. Pending while
    # totp_enabled_at is None, in force once confirmed.
    totp_secret: so.Mapped[str | None] = so.mapped_column(sa.String(255))
    totp_enabled_at: so.Mapped[dt.datetime | None] = so.mapped_column(UTCDateTime)
    # The last accepted TOTP time step, so that one code cannot be used twice.
    totp_last_step: so.Mapped[int | None] = so.mapped_column(sa.BigInteger)

    def get_id(self) -> str:
        return f"{self.id}.{self.session_version}"

    @property
    def is_totp_enabled(self) -> bool:
        return self.totp_enabled_at is not None and self.totp_secret is not None

    def has_role(self, *roles: Role) -> bool:
        return self.role in roles

    def __repr__(self) -> str:
        return f"<User {self.username} {self.role.value}>"
