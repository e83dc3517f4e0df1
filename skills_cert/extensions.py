"""Bare extension instances; `create_app` binds them to the application."""

import ipaddress

from flask_babel import Babel
from flask_limiter import Limiter
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()


def client_key() -> str:
    """Whom a per-client limit counts: the client's address, or for IPv6 its /64 network, which
    one subscriber gets whole (2^64 addresses). Behind a proxy see `web.proxy`."""
    from flask import request

    address = request.remote_addr or "-"
    if ":" in address:
        try:
            return str(ipaddress.ip_network(f"{address.split('%')[0]}/64", strict=False))
        except ValueError:
            return address
    return address


limiter = Limiter(key_func=client_key, default_limits=[])
