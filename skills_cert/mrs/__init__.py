from flask import Blueprint

bp = Blueprint("mrs", __name__, url_prefix="/mrs")

from skills_cert.mrs import routes  # noqa: E402,F401
