"""Public verification: what a phone shows after scanning a certificate's QR code."""

from flask import Blueprint

bp = Blueprint("verify", __name__)

from skills_cert.verify import routes  # noqa: E402,F401
