import datetime as dt
from pathlib import Path

from flask import Response, abort, current_app, jsonify, render_template
from flask_babel import gettext as _

from skills_cert.certification import limits, seals, signing
from skills_cert.certification.issuing import token_of
from skills_cert.certification.keys import published_keys
from skills_cert.certification.limits import lookup_limit, verify_limit
from skills_cert.certification.models import REVOCATION_REASONS
from skills_cert.certification.signing.payload import CODE
from skills_cert.certification.verification import client_hash, log_verification, verify_token
from skills_cert.certification.views.forms import LookupForm
from skills_cert.extensions import client_key, db, limiter
from skills_cert.recognition import derived as recognition
from skills_cert.web.access import public
from skills_cert.web.blueprints import verify as bp

MAX_TOKEN = 2000


def _client() -> str:
    return client_hash(client_key(), current_app.config["SECRET_KEY"], dt.date.today())


def _verdict_page(token: str, channel: str):
    today = dt.date.today()
    verdict = verify_token(db.session, token[:MAX_TOKEN + 1], today=today)
    found = recognition.for_certificate(db.session, verdict.certificate, today) if verdict.is_valid else []
    # The certificate is plain data (`public_record`), read in plain SQL like the event written below.
    root = seals.published_root(Path(current_app.config["SIGNING_KEY_DIR"]), verdict.facts.authority) \
        if verdict.facts else None
    page = render_template("verify/verdict.html", verdict=verdict, today=today, recognitions=found,
                           revocation_reasons=REVOCATION_REASONS, superseded_token=token_of, seal_root=root)
    log_verification(db.session, verdict, channel=channel, client=_client())
    db.session.commit()
    return page


@bp.route("/v/<path:token>")
@public
@limiter.limit(verify_limit)
def certificate(token: str):
    return _verdict_page(token, "qr")


@bp.route("/verify", methods=["GET", "POST"])
@public
@limiter.limit(lookup_limit, methods=["POST"])
def manual():
    """For a certificate whose QR code cannot be read: its number and the holder's date of birth."""
    form = LookupForm()
    if form.validate_on_submit():
        found = limits.find(db.session, form.number.data, form.date_of_birth.data)
        db.session.commit()  # failures are counted even though the lookup is refused
        if found.certificate is not None:
            return _verdict_page(token_of(found.certificate), "manual")
        if found.paused_until is not None:
            form.form_errors.append(limits.paused_message(found.paused_until))
            return render_template("verify/manual.html", form=form), 429, limits.retry_after(found.paused_until)
        form.form_errors.append(_("No certificate matches this number and date of birth. Check both "
                                  "and try again."))
    return render_template("verify/manual.html", form=form)


@bp.route("/.well-known/skills-cert-keys.json")
@public
def keys():
    response = jsonify(signing.keyset_to_json(published_keys(db.session).values(), seals.published_roots(
        Path(current_app.config["SIGNING_KEY_DIR"]), current_app.config["PUBLIC_BASE_URL"])))
    response.headers["Cache-Control"] = "public, max-age=3600"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.route("/.well-known/skills-cert-seal/<authority>.pem")
@public
def seal_root(authority: str):
    """The authority's root certificate for PDF seals: install it as trusted in a PDF reader, and
    every certificate PDF of this authority opens with a valid seal."""
    root = seals.published_root(Path(current_app.config["SIGNING_KEY_DIR"]), authority) \
        if CODE.fullmatch(authority) else None
    if root is None:
        abort(404)
    return Response(root.pem, mimetype="application/x-pem-file", headers={
        "Cache-Control": "public, max-age=3600",
        "Content-Disposition": f'attachment; filename="{authority}-seal-root.pem"'})
