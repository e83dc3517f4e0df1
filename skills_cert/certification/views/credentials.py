"""Open Badges 3.0 credentials: the holder's and the office's download, and the public documents a
verifier needs: the issuers' DID documents, the revocation status lists and the achievements (the
standard versions) that credentials point to."""

import datetime as dt
import json

from flask import Response, abort, current_app, render_template
from flask_babel import gettext as _

from skills_cert.certification import badges
from skills_cert.certification.models import Certificate
from skills_cert.certification.signing.payload import CODE
from skills_cert.certification.views.holder import by_token, issued_credential, now_utc, unavailable_page
from skills_cert.certification.views.office import OFFICE
from skills_cert.extensions import db
from skills_cert.standards.models import Authority, Standard
from skills_cert.web.access import public, roles_required
from skills_cert.web.blueprints import certificates as bp
from skills_cert.web.blueprints import verify as verify_bp
from skills_cert.web.error_pages import render_error

JSON_LD = "application/json"


def credential_response(certificate: Certificate) -> Response:
    """The credential as a .json download; a certificate that is not valid gets none (410)."""
    if certificate.state(dt.date.today()) != "valid":
        return unavailable_page(certificate)
    credential = issued_credential(certificate)
    if credential is None:
        return render_error(503, _("The digital credential cannot be signed at the moment. Please try again "
                                   "later; the office has been told."))
    response = Response(credential.document, mimetype=JSON_LD)
    response.headers["Content-Disposition"] = f'attachment; filename="{certificate.number}.credential.json"'
    response.headers["Cache-Control"] = "private, max-age=86400"
    return response


@bp.route("/d/<token>/credential.json")
@public
def holder_credential(token: str):
    return credential_response(by_token(token))


@bp.route("/certificates/<int:certificate_id>/credential.json")
@roles_required(*OFFICE)
def office_credential(certificate_id: int):
    return credential_response(db.get_or_404(Certificate, certificate_id))


def _public(text: str, max_age: int) -> Response:
    """A document for any verifier: cached, and readable from any web page."""
    response = Response(text, mimetype=JSON_LD)
    response.headers["Cache-Control"] = f"public, max-age={max_age}"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def _authority(code: str) -> Authority:
    authority = db.session.scalar(db.select(Authority).where(Authority.code == code)) if CODE.fullmatch(code) else None
    if authority is None:
        abort(404)
    return authority


@verify_bp.route("/issuers/<authority>/did.json")
@public
def did_document(authority: str):
    """The did:web document of an issuing authority: its keys, for any verifier."""
    document = badges.did_document(db.session, _authority(authority).code,
                                   current_app.config["PUBLIC_BASE_URL"].rstrip("/"))
    if document is None:
        abort(404)
    return _public(json.dumps(document, ensure_ascii=False, indent=1), max_age=3600)


@verify_bp.route("/credentials/status/<authority>/<int:number>")
@public
def status_list(authority: str, number: int):
    """A revocation status list (Bitstring Status List), signed by the authority."""
    code = _authority(authority).code
    if not 1 <= number <= badges.MAX_LISTS or not badges.list_exists(db.session, code, number):
        abort(404)
    try:
        text = badges.signed_status_list(db.session, code, number,
                                         badges.CredentialSettings.from_config(current_app.config), now=now_utc())
    except badges.KEY_PROBLEMS:
        current_app.logger.exception("no usable signing key for %s", code)
        return render_error(503, _("The status list cannot be signed at the moment. Please try again later."))
    db.session.commit()  # a development key made on the fly
    return _public(text, max_age=300)


@verify_bp.route("/achievements/<code>/<int:version>")
@public
def achievement(code: str, version: int):
    """A standard version as an achievement: what a credential certifies, with its units."""
    standard = db.session.scalar(db.select(Standard).where(
        Standard.code == code, Standard.version == version,
        Standard.status.in_(badges.PUBLIC_STATUSES))) if CODE.fullmatch(code) and version <= 999_999 else None
    if standard is None:
        abort(404)
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    return render_template("verify/achievement.html", standard=standard,
                           facts=badges.achievement_facts(db.session, standard, base))
