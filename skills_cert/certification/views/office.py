"""The office's side: search certificates, download them singly or per session, revoke, reissue."""

import datetime as dt

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import (
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from skills_cert.assessment.candidate_checks import suggest_thai
from skills_cert.assessment.models import Assessment, TestSession
from skills_cert.certification import badges, verification
from skills_cert.certification import documents as documents
from skills_cert.certification import issuing as service
from skills_cert.certification.keys import key_settings
from skills_cert.certification.models import (
    REVOCATION_REASONS,
    Certificate,
    CertificateStatus,
)
from skills_cert.certification.signing.keyfiles import KeyFileError
from skills_cert.certification.views.forms import (
    CertificateSearchForm,
    ReissueForm,
    RevokeForm,
)
from skills_cert.certification.views.holder import (
    issued_credential,
    pdf_response,
    seal_unavailable,
)
from skills_cert.columns import utcnow
from skills_cert.extensions import db
from skills_cert.roles import Role
from skills_cert.web.access import roles_required
from skills_cert.web.actions import act
from skills_cert.web.blueprints import certificates as bp

OFFICE = (Role.CERTIFYING_OFFICER, Role.ADMINISTRATOR)
# The verification log in words: how the certificate was checked, and what the check answered.
CHECK_CHANNELS = {"qr": _l("QR code or link"), "manual": _l("number and date of birth"), "api": _l("API")}
CHECK_VERDICTS = {"genuine": _l("genuine"), "revoked": _l("revoked"), "expired": _l("expired"),
                  "superseded": _l("superseded"), "altered": _l("altered: refused"),
                  "unknown": _l("unknown number"), "unknown_key": _l("unknown signing key: refused"),
                  "compromised_key": _l("compromised signing key"), "malformed": _l("damaged link: refused")}
ZIP_BATCH = 50  # certificates loaded at a time for a session's ZIP


@bp.app_template_global()
def session_certificate_count(test_session: TestSession) -> int:
    """The session page offers the office its valid certificates as one ZIP: how many there are
    (0 for anyone else)."""
    if current_user.role not in (Role.ADMINISTRATOR, Role.CERTIFYING_OFFICER):
        return 0
    return db.session.scalar(
        sa.select(sa.func.count(Certificate.id)).join(Assessment, Certificate.assessment_id == Assessment.id)
        .where(Assessment.session_id == test_session.id, *_in_zip(dt.date.today())))


def _in_zip(today: dt.date) -> tuple:
    """A session's ZIP holds its valid certificates: not revoked, not replaced, not expired."""
    return Certificate.status == CertificateStatus.VALID, Certificate.expires_on >= today


@bp.route("/certificates/")
@roles_required(*OFFICE)
def index():
    form = CertificateSearchForm(request.args)
    query = form.q.data if form.validate() and form.q.data else ""
    page = db.paginate(service.search_select(query), per_page=30, error_out=False)
    return render_template("certificates/index.html", form=form, page=page, today=dt.date.today())


def _load(certificate_id: int) -> Certificate:
    return db.get_or_404(Certificate, certificate_id)


def _thai_name(certificate: Certificate) -> str:
    """The reissue form's name in Thai script: the certificate's, else the candidate's, else the
    spelling proposed from the Lao name (shown to the officer, who corrects or clears it)."""
    return certificate.name_thai or certificate.candidate.name_thai or suggest_thai(certificate.name_lao)


def _render_detail(certificate: Certificate, revoke_form=None, reissue_form=None, status=200):
    revoke_form = revoke_form or RevokeForm(data={"version": certificate.version})
    reissue_form = reissue_form or ReissueForm(data={"version": certificate.version,
                                                     "name_lao": certificate.name_lao,
                                                     "name_latin": certificate.name_latin,
                                                     "name_thai": _thai_name(certificate)})
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    credential = issued_credential(certificate) if certificate.state(dt.date.today()) == "valid" else None
    return render_template(
        "certificates/detail.html", certificate=certificate, today=dt.date.today(),
        revocation_reasons=REVOCATION_REASONS,
        revoke_form=revoke_form, reissue_form=reissue_form,
        verify_link=service.verify_url(certificate, base),
        checks=verification.summary(db.session, certificate, now=utcnow()),
        check_channels=CHECK_CHANNELS, check_verdicts=CHECK_VERDICTS,
        check_code=badges.check_code(credential) if credential else None,
        download_link=base + url_for("certificates.download_page", token=certificate.download_token)), status


@bp.route("/certificates/<int:certificate_id>")
@roles_required(*OFFICE)
def detail(certificate_id: int):
    return _render_detail(_load(certificate_id))


@bp.route("/certificates/<int:certificate_id>/pdf")
@roles_required(*OFFICE)
def pdf(certificate_id: int):
    return pdf_response(_load(certificate_id))


@bp.route("/certificates/<int:certificate_id>/revoke", methods=["POST"])
@roles_required(*OFFICE)
def revoke(certificate_id: int):
    certificate = _load(certificate_id)
    form = RevokeForm()
    if form.validate_on_submit():
        if form.confirm.data.strip().upper() != certificate.number:
            form.confirm.errors = [_("Type the certificate number exactly to confirm.")]
        else:
            number = certificate.number
            done = act(lambda: service.revoke(
                db.session, certificate, actor=current_user, reason=form.reason.data, note=form.note.data,
                today=dt.date.today(), expected_version=form.version.data), form=form, flash_too=True,
                success=_("Certificate %(number)s was revoked.", number=number),
                to=url_for("certificates.detail", certificate_id=certificate_id))
            if done:
                return done
    return _render_detail(_load(certificate_id), revoke_form=form, status=422)


@bp.route("/certificates/<int:certificate_id>/reissue", methods=["POST"])
@roles_required(*OFFICE)
def reissue(certificate_id: int):
    certificate = _load(certificate_id)
    form = ReissueForm()
    if form.validate_on_submit():
        old = certificate.number
        done = act(lambda: service.reissue(
            db.session, certificate, actor=current_user, name_lao=form.name_lao.data,
            name_latin=form.name_latin.data, name_thai=form.name_thai.data, today=dt.date.today(),
            expected_version=form.version.data,
            **key_settings(current_app.config)), form=form, flash_too=True,
            success=lambda new: _("Certificate %(new)s replaces %(old)s.", new=new.number, old=old),
            to=lambda new: url_for("certificates.detail", certificate_id=new.id))
        if done:
            return done
    return _render_detail(_load(certificate_id), reissue_form=form, status=422)


@bp.route("/sessions/<int:session_id>/certificates.zip")
@roles_required(*OFFICE)
def session_zip(session_id: int):
    test_session = db.get_or_404(TestSession, session_id)
    ids = db.session.scalars(sa.select(Certificate.id).join(Assessment, Certificate.assessment_id == Assessment.id)
                             .where(Assessment.session_id == test_session.id, *_in_zip(dt.date.today()))
                             .order_by(Certificate.number)).all()
    if not ids:
        flash(_("No valid certificate has been issued in this session yet."), "info")
        return redirect(url_for("assessments.session", session_id=session_id))
    base = current_app.config["PUBLIC_BASE_URL"]
    settings = documents.SealSettings.from_config(current_app.config)
    try:  # before the first byte: a ZIP cut short by a missing seal key would look complete
        documents.seal_keys(db.session.get(Certificate, ids[0]), settings)
    except KeyFileError:
        return seal_unavailable(f"session {session_id}")
    made = badges.CredentialSettings.from_config(current_app.config)
    try:  # the credentials not made yet, made before the first byte too
        for certificate_id in badges.without_credential(db.session, ids):
            badges.credential_for(db.session, db.session.get(Certificate, certificate_id), made, now=utcnow())
    except badges.KEY_PROBLEMS:
        db.session.rollback()
        return seal_unavailable(f"session {session_id} (credential signing key)")
    db.session.commit()

    def certificates():
        # A few rows at a time, with their holders, released after use: memory stays flat, and
        # the standard, its units and its authority stay loaded for the whole session.
        for start in range(0, len(ids), ZIP_BATCH):
            batch = db.session.scalars(sa.select(Certificate).where(Certificate.id.in_(ids[start:start + ZIP_BATCH]))
                                       .options(so.joinedload(Certificate.candidate))
                                       .order_by(Certificate.number)).all()
            for certificate in batch:
                yield certificate, badges.stored_credential(db.session, certificate.id)
            for certificate in batch:
                db.session.expunge(certificate.candidate)
                db.session.expunge(certificate)

    name = f"certificates-session-{test_session.id}.zip"
    return Response(stream_with_context(documents.zip_stream(certificates(), base, settings)), mimetype="application/zip",
                    headers={"Content-Disposition": f'attachment; filename="{name}"',
                             "X-Certificate-Count": str(len(ids))})
