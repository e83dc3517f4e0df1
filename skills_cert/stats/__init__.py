from flask import Blueprint

bp = Blueprint("stats", __name__, url_prefix="/stats")

from skills_cert.stats import routes  # noqa: E402,F401
