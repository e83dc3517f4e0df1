from flask import Blueprint

bp = Blueprint("standards", __name__, url_prefix="/standards")

from skills_cert.standards import routes  # noqa: E402,F401
