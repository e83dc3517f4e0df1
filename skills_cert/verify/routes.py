import datetime as dt

from flask import jsonify, render_template

from skills_cert import signing
from skills_cert.auth.access import public
from skills_cert.extensions import db
from skills_cert.models import REVOCATION_REASONS
from skills_cert.services.certificates import token_of
from skills_cert.services.keys import published_keys
from skills_cert.services.verification import verify_token
from skills_cert.verify import bp

MAX_TOKEN = 2000


@bp.route("/v/<path:token>")
@public
def certificate(token: str):
    verdict = verify_token(db.session, token[:MAX_TOKEN + 1], today=dt.date.today())
    return render_template("verify/verdict.html", verdict=verdict, today=dt.date.today(),
                           revocation_reasons=REVOCATION_REASONS, superseded_token=token_of)


@bp.route("/.well-known/skills-cert-keys.json")
@public
def keys():
    response = jsonify(signing.keyset_to_json(published_keys(db.session).values()))
    response.headers["Cache-Control"] = "public, max-age=3600"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response
