"""The open JSON API for employers' HR systems, labour inspectors' tools and the Thai side's systems."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from skills_cert.api import routes  # noqa: E402,F401
