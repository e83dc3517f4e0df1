"""Certificates: the holder's download without an account, and the office's search, revoke and reissue."""

from flask import Blueprint

bp = Blueprint("certificates", __name__)

from skills_cert.certificates import office, worker  # noqa: E402,F401
