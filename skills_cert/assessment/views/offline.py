"""Recording without a connection (issue 21): the service worker's script, and the key that keeps
one user's offline copies apart from another's.

The worker (static/js/sw.js) is served at /sw.js, so that its scope is the whole site: it must
answer for both /sessions/<id> and /assessments/<id>/record. It keeps those pages, as the server
sent them, per user: each carries an X-Offline-Key header, an opaque key derived from the user's
id with SECRET_KEY (no name, no id in clear). Without a connection it shows a kept page only to
the user last seen online, and the log-in page means nobody is. Log-out wipes all of it
(Clear-Site-Data on the log-out response, and static/js/offline.js before it).
"""

import hashlib
import hmac

from flask import current_app, request, send_from_directory
from flask_login import current_user

from skills_cert.roles import Role
from skills_cert.web.access import public
from skills_cert.web.blueprints import assessments as bp

# The pages the worker keeps: a session's list of candidates and each candidate's recording page.
OFFLINE_PAGES = frozenset({"assessments.session", "assessments.record"})


def key_for(user_id: int) -> str:
    """The user's offline key: stable across log-ins, so what a device kept for a user whose
    session ended is sent once they log in again, and meaningless to anyone without SECRET_KEY."""
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, f"offline-user:{user_id}".encode(), hashlib.sha256).hexdigest()[:32]


@bp.app_template_global()
def offline_key() -> str:
    """The current user's offline key; empty for anyone but an assessor, who alone records."""
    if current_user.is_authenticated and current_user.role is Role.ASSESSOR:
        return key_for(current_user.id)
    return ""


@bp.after_request
def mark_offline_pages(response):
    if request.endpoint in OFFLINE_PAGES and request.method == "GET" and response.status_code == 200:
        key = offline_key()
        if key:
            response.headers["X-Offline-Key"] = key
    return response


@bp.route("/sw.js")
@public
def service_worker():
    response = send_from_directory(current_app.static_folder, "js/sw.js",
                                   mimetype="text/javascript", max_age=0)
    response.headers["Cache-Control"] = "no-cache"
    return response
