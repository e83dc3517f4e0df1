import datetime as dt
from pathlib import Path

import sqlalchemy as sa
from flask import current_app, jsonify, request

from skills_cert.api.openapi import document
from skills_cert.certification import badges, limits, seals, signing
from skills_cert.certification.issuing import token_of
from skills_cert.certification.keys import published_keys
from skills_cert.certification.limits import lookup_limit
from skills_cert.certification.models import Certificate
from skills_cert.certification.signing.payload import PUBLIC_ID
from skills_cert.certification.verification import Verdict, client_hash, log_verification, verify_token
from skills_cert.extensions import client_key, csrf, db, limiter
from skills_cert.recognition import derived as recognition
from skills_cert.web.access import public
from skills_cert.web.blueprints import api as bp
from skills_cert.web.error_pages import render_error
from skills_cert.web.json_body import json_body

csrf.exempt(bp)  # no cookies or sessions are used by the API


@bp.after_request
def cors(response):
    """Verification by token may be called from any web page. The lookup by number and date of
    birth may not: any site could otherwise run guesses from its visitors' browsers."""
    if request.method in ("GET", "HEAD", "OPTIONS") and request.endpoint != "api.verify_by_number":
        response.headers["Access-Control-Allow-Origin"] = "*"
        response.headers["Access-Control-Allow-Methods"] = "GET"
    return response


def _as_json(verdict: Verdict) -> dict:
    c = verdict.certificate
    registry = None
    body = None
    if c is not None and verdict.outcome not in ("altered", "malformed", "unknown_key"):
        registry = c.state(dt.date.today())
        standard = c.standard
        titles = {u.code: u.title for u in standard.units}
        body = {
            "number": c.number, "kind": c.kind.value,
            "holder": {"name_lao": c.name_lao, "name_latin": c.name_latin, "name_thai": c.name_thai},
            "standard": {"code": standard.code, "version": standard.version, "level": standard.level,
                         "title": standard.title, "occupation": standard.occupation_title},
            "units": [{"code": code, "title": titles[code]} for code in c.units],
            "issued_on": c.issued_on.isoformat(), "expires_on": c.expires_on.isoformat(),
            "authority": {"code": standard.authority.code, "name": standard.authority.name},
            "revoked_on": c.revoked_on.isoformat() if c.revoked_on else None,
            "revocation_reason": c.revocation_reason,
            "superseded_by": token_of(c.superseded_by) if c.superseded_by else None,
            "recognition": [r.as_json() for r in recognition.for_certificate(db.session, c, dt.date.today())],
        }
    return {"verdict": verdict.outcome, "valid": verdict.is_valid, "signature": verdict.signature,
            "registry": registry, "certificate": body}


def _respond(token: str):
    verdict = verify_token(db.session, token[:2001], today=dt.date.today())
    body = _as_json(verdict)  # before the commit, which would expire the rows it reads
    log_verification(db.session, verdict, channel="api", client=client_hash(
        client_key(), current_app.config["SECRET_KEY"], dt.date.today()))
    db.session.commit()
    return jsonify(body)


@bp.route("/verify/<path:token>")
@public
@limiter.limit(lambda: current_app.config["API_RATE_LIMIT"])
def verify(token: str):
    return _respond(token)


@bp.route("/verify", methods=["POST"])
@public
@limiter.limit(lookup_limit)
def verify_by_number():
    if not request.is_json:
        return render_error(415, "Send JSON with Content-Type: application/json.")
    data = json_body()
    if not isinstance(data, dict) or set(data) != {"number", "date_of_birth"} or not all(
            isinstance(data[k], str) for k in data):
        return render_error(400, "Send exactly {\"number\": \"LA-2026-000123\", \"date_of_birth\": \"YYYY-MM-DD\"}.")
    try:
        birth = dt.date.fromisoformat(data["date_of_birth"])
    except ValueError:
        return render_error(400, "date_of_birth must be a date written YYYY-MM-DD.")
    found = limits.find(db.session, data["number"][:24], birth)
    db.session.commit()  # failures are counted even though the lookup is refused
    if found.paused_until is not None:
        body, status = render_error(429, limits.paused_message(found.paused_until))
        return body, status, limits.retry_after(found.paused_until)
    if found.certificate is None:
        return render_error(404, "No certificate matches this number and date of birth.")
    return _respond(token_of(found.certificate))


@bp.route("/credentials/<public_id>")
@public
@limiter.limit(lambda: current_app.config["API_RATE_LIMIT"])
def credential(public_id: str):
    """A certificate as its signed Open Badges 3.0 credential (made on first request)."""
    certificate = db.session.scalar(sa.select(Certificate).where(Certificate.public_id == public_id)) \
        if PUBLIC_ID.fullmatch(public_id) else None
    if certificate is None:
        return render_error(404, "No certificate has this public id.")
    state = certificate.state(dt.date.today())
    if state != "valid":
        return render_error(410, f"This certificate is {state}: no credential is issued for it. "
                                 "A credential issued earlier shows it in its status list.")
    try:
        issued = badges.credential_for(db.session, certificate, badges.CredentialSettings.from_config(
            current_app.config), now=dt.datetime.now(dt.timezone.utc))
    except badges.KEY_PROBLEMS:
        current_app.logger.exception("no usable signing key for %s", certificate.authority_code)
        return render_error(503, "The credential cannot be signed at the moment; try again later.")
    db.session.commit()
    return current_app.response_class(issued.document, mimetype="application/json")


@bp.route("/keys")
@public
def keys():
    return jsonify(signing.keyset_to_json(published_keys(db.session).values(), seals.published_roots(
        Path(current_app.config["SIGNING_KEY_DIR"]), current_app.config["PUBLIC_BASE_URL"])))


@bp.route("/openapi.json")
@public
def openapi():
    return jsonify(document())
