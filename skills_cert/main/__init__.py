from flask import Blueprint

bp = Blueprint("main", __name__)

from skills_cert.main import routes  # noqa: E402,F401
