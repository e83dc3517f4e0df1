"""Whole-session approval (`assessments.approve_session`, `assessments.session_approval`,
`assessments.continue_session_approval`) and the session page's approval panel.

A post approves for about SECONDS_PER_REQUEST, committing each batch, then shows the run's page;
while the run is unfinished that page carries on by itself (static/js/continue.js, or a button
without JavaScript), so the officer sees its progress and, at the end, the summary.
"""

import datetime as dt

import sqlalchemy as sa
from flask import abort, current_app, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from skills_cert.assessment.models import Assessment, TestSession
from skills_cert.certification import session_approval as service
from skills_cert.certification.keys import key_settings
from skills_cert.certification.models import SessionApproval
from skills_cert.certification.views.session_forms import SessionApproveForm
from skills_cert.errors import InvalidState, NotAllowed, ValidationFailed
from skills_cert.extensions import db
from skills_cert.roles import Role
from skills_cert.web.access import roles_required
from skills_cert.web.actions import attempt
from skills_cert.web.blueprints import assessments as bp
from skills_cert.web.forms import ConfirmForm, flash_form_errors

SECONDS_PER_REQUEST = 3.0
SKIP_REASONS = {
    "moderation": _l("Selected for moderation and not yet reviewed."),
    "moderation_disagreed": _l("The moderation review disagrees with the assessor's marks."),
    "recorded_by_you": _l("You recorded this result, so someone else must approve it."),
    "changed": _l("It changed, or was approved or returned, after you opened the page."),
}


@bp.app_template_global()
def session_approval_overview(test_session: TestSession):
    """For a certifying officer, the session's submitted results as they may approve them."""
    if current_user.role is not Role.CERTIFYING_OFFICER:
        return None
    return service.overview(db.session, test_session, current_user)


@bp.app_template_global()
def approve_session_form():
    return SessionApproveForm()


def _proceed(run: SessionApproval):
    return service.proceed(db.session, run, actor=current_user, today=dt.date.today(), commit=db.session.commit,
                           seconds=SECONDS_PER_REQUEST, **key_settings(current_app.config))


@bp.route("/sessions/<int:session_id>/approve-all", methods=["POST"])
@roles_required(Role.CERTIFYING_OFFICER)
def approve_session(session_id: int):
    test_session = db.get_or_404(TestSession, session_id)
    form = SessionApproveForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return redirect(url_for("assessments.session", session_id=session_id))
    done = attempt(lambda: service.start(db.session, test_session, service.parse_seen(form.seen.data or ""),
                                         actor=current_user), refusals=(ValidationFailed, InvalidState, NotAllowed))
    if done is None:
        return redirect(url_for("assessments.session", session_id=session_id))
    run = _proceed(done.value)
    return redirect(url_for("assessments.session_approval", session_id=session_id, run_id=run.id))


def _load_run(session_id: int, run_id: int) -> SessionApproval:
    run = db.session.get(SessionApproval, run_id)
    if run is None or run.session_id != session_id:
        abort(404)
    return run


@bp.route("/sessions/<int:session_id>/approvals/<int:run_id>/continue", methods=["POST"])
@roles_required(Role.CERTIFYING_OFFICER)
def continue_session_approval(session_id: int, run_id: int):
    run = _load_run(session_id, run_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
    elif run.finished_at is None:
        attempt(lambda: _proceed(run), refusals=(NotAllowed,))
    return redirect(url_for("assessments.session_approval", session_id=session_id, run_id=run_id))


@bp.route("/sessions/<int:session_id>/approvals/<int:run_id>")
@roles_required(Role.CERTIFYING_OFFICER)
def session_approval(session_id: int, run_id: int):
    run = _load_run(session_id, run_id)
    skipped_ids = [aid for aid, *_reason in run.skipped]
    found = {a.id: a for a in db.session.scalars(sa.select(Assessment).where(Assessment.id.in_(skipped_ids)))}
    skipped = [(found.get(aid), str(SKIP_REASONS[code]) if code in SKIP_REASONS else " ".join(message))
               for aid, code, *message in run.skipped]
    return render_template("certificates/session_approval.html", run=run,
                           test_session=db.session.get(TestSession, run.session_id), skipped=skipped,
                           form=ConfirmForm(), done=run.position, total=len(run.queue),
                           mine=run.officer_id == current_user.id)
