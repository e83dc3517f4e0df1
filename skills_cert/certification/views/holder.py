"""The holder's side: find the certificate with its number and date of birth, or a personal link."""

import datetime as dt

from flask import (
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _

from skills_cert.certification import badges
from skills_cert.certification import documents as documents
from skills_cert.certification import limits
from skills_cert.certification.issuing import verify_url
from skills_cert.certification.limits import lookup_limit
from skills_cert.certification.models import Certificate, IssuedCredential
from skills_cert.certification.signing.keyfiles import KeyFileError
from skills_cert.certification.views.forms import LookupForm
from skills_cert.extensions import db, limiter
from skills_cert.recognition import derived as recognition
from skills_cert.web.access import public
from skills_cert.web.blueprints import certificates as bp
from skills_cert.web.error_pages import render_error


@bp.route("/certificate", methods=["GET", "POST"])
@public
@limiter.limit(lookup_limit, methods=["POST"])
def lookup():
    form = LookupForm()
    if form.validate_on_submit():
        found = limits.find(db.session, form.number.data, form.date_of_birth.data)
        db.session.commit()  # failures are counted even though the lookup is refused
        if found.certificate is not None:
            return redirect(url_for("certificates.download_page", token=found.certificate.download_token))
        if found.paused_until is not None:
            form.form_errors.append(limits.paused_message(found.paused_until))
            return render_template("certificates/lookup.html", form=form), 429, limits.retry_after(found.paused_until)
        # The same answer for an unknown number and for a wrong date of birth.
        form.form_errors.append(_("No certificate matches this number and date of birth. Check both "
                                  "and try again, or ask the office that tested you."))
    return render_template("certificates/lookup.html", form=form)


def by_token(token: str) -> Certificate:
    if len(token) > 40:
        abort(404)
    certificate = db.session.scalar(db.select(Certificate).where(Certificate.download_token == token))
    if certificate is None:
        abort(404)
    return certificate


@bp.route("/d/<token>")
@public
def download_page(token: str):
    certificate = by_token(token)
    today = dt.date.today()
    state = certificate.state(today)
    found = recognition.for_certificate(db.session, certificate, today) if state == "valid" else []
    credential = issued_credential(certificate) if state == "valid" else None
    return render_template("certificates/download.html", certificate=certificate, state=state,
                           recognitions=found, check_code=badges.check_code(credential) if credential else None)


@bp.route("/d/<token>/certificate.pdf")
@public
def download_pdf(token: str):
    return pdf_response(by_token(token))


def now_utc() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def issued_credential(certificate: Certificate) -> IssuedCredential | None:
    """The certificate's Open Badges credential, made now if it is valid and has none yet
    (committed), or None when no signing key can be used (logged: the office must start one)."""
    try:
        credential = badges.credential_for(db.session, certificate,
                                           badges.CredentialSettings.from_config(current_app.config), now=now_utc())
    except badges.KEY_PROBLEMS:
        current_app.logger.exception("no usable signing key for %s", certificate.standard.authority.code)
        return None
    db.session.commit()
    return credential


def seal_unavailable(what: str):
    """No usable seal key (production never makes one on the fly): no PDF, a page that says so,
    and the cause in the log for the office."""
    current_app.logger.exception("no usable seal key for %s", what)
    return render_error(503, _("The PDF cannot be sealed at the moment, so it is not issued. Please try "
                               "again later; the office has been told."))


def unavailable_page(certificate: Certificate) -> Response:
    """410 for a revoked, replaced or expired certificate: the page says why, and where the
    replacement is."""
    state = certificate.state(dt.date.today())
    replacement = certificate.superseded_by if state == "superseded" else None
    return Response(render_template(
        "certificates/unavailable.html", certificate=certificate, state=state,
        replacement_url=verify_url(replacement, current_app.config["PUBLIC_BASE_URL"]) if replacement else None),
        status=410)


def pdf_response(certificate: Certificate) -> Response:
    """The sealed PDF of a valid certificate. A revoked, replaced or expired one gets no PDF at all
    (410), only a page saying why: a sealed copy would pass as valid in any PDF reader."""
    if certificate.state(dt.date.today()) != "valid":
        return unavailable_page(certificate)
    settings = documents.SealSettings.from_config(current_app.config)
    try:
        keys = documents.seal_keys(certificate, settings)
    except KeyFileError:
        return seal_unavailable(certificate.standard.authority.code)
    issued = issued_credential(certificate)
    credential = issued.document if issued else None
    response = Response(mimetype="application/pdf")
    response.set_etag(documents.sealed_etag(certificate, keys, credential), weak=True)
    response.headers["Cache-Control"] = "private, max-age=86400"
    response.headers["Content-Disposition"] = f'attachment; filename="{documents.filename(certificate)}"'
    response = response.make_conditional(request)
    if response.status_code == 304:
        return response
    response.set_data(documents.sealed_pdf(certificate, current_app.config["PUBLIC_BASE_URL"], settings, keys,
                                           credential))
    return response
