"""The URL map's namespaces: each blueprint's name and prefix, declared once.

A blueprint is a namespace of URLs and endpoint names (`certificates.lookup`), which templates,
links and tests name; it is not a feature. Features attach their pages to these namespaces from
their own `views` package: the approval pages live in `certification/views/approvals.py` but keep
their `/assessments/...` URLs, and the administrator's pages for users (`accounts`) and for testing
centres (`assessment`) share `/admin`. `create_app` imports every feature's views, then registers
`ALL`.
"""

from flask import Blueprint

main = Blueprint("main", __name__)
auth = Blueprint("auth", __name__, url_prefix="/auth")
admin = Blueprint("admin", __name__, url_prefix="/admin")
standards = Blueprint("standards", __name__, url_prefix="/standards")
mrs = Blueprint("mrs", __name__, url_prefix="/mrs")
assessments = Blueprint("assessments", __name__)
certificates = Blueprint("certificates", __name__)
verify = Blueprint("verify", __name__)
api = Blueprint("api", __name__, url_prefix="/api/v1")
stats = Blueprint("stats", __name__, url_prefix="/stats")
appeals = Blueprint("appeals", __name__, url_prefix="/appeals")

ALL = (main, auth, admin, standards, mrs, assessments, certificates, verify, api, stats, appeals)
