import datetime as dt

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from skills_cert.accounts.models import User
from skills_cert.assessment import bulk_import
from skills_cert.assessment import centres as centre_service
from skills_cert.assessment import sessions as service
from skills_cert.assessment.candidates import search_select as candidate_search
from skills_cert.assessment.models import (
    Accreditation,
    Assessment,
    Candidate,
    TestingCentre,
    TestSession,
)
from skills_cert.assessment.views.forms import EnrolForm, ImportForm, SessionForm
from skills_cert.errors import NotAllowed, ValidationFailed
from skills_cert.extensions import db
from skills_cert.i18n import localized
from skills_cert.roles import Role
from skills_cert.standards.models import Standard, StandardStatus
from skills_cert.web.access import roles_required
from skills_cert.web.actions import act, attempt
from skills_cert.web.blueprints import assessments as bp
from skills_cert.web.forms import flash_form_errors

SESSION_VIEWERS = (Role.ADMINISTRATOR, Role.ASSESSOR, Role.CERTIFYING_OFFICER)


def _load(session_id: int) -> TestSession:
    test_session = db.session.scalar(sa.select(TestSession).where(TestSession.id == session_id).options(
        so.selectinload(TestSession.assessments).joinedload(Assessment.candidate),
        so.selectinload(TestSession.assessors)))
    if test_session is None:
        abort(404)
    if current_user.role is Role.ASSESSOR and not service.is_assigned(test_session, current_user):
        abort(403)
    return test_session


@bp.route("/sessions/")
@roles_required(*SESSION_VIEWERS)
def sessions():
    page = db.paginate(service.sessions_select(current_user), per_page=30, error_out=False)
    return render_template("assessments/sessions.html", page=page)


@bp.route("/sessions/new", methods=["GET", "POST"])
@roles_required(Role.ADMINISTRATOR)
def new_session():
    form = SessionForm()
    loc = str(get_locale())
    form.centre.choices = [SelectChoice(c.id, f"{c.code} · {localized(c.name, loc)}")
                           for c in centre_service.active_centres(db.session)]
    endorsed = db.session.scalars(sa.select(Standard).where(Standard.status == StandardStatus.ENDORSED)
                                  .order_by(Standard.country, Standard.code))
    form.standard.choices = [SelectChoice(s.id, f"{s.code} v{s.version} · {localized(s.title, loc)}",
                                          render_kw={"data-code": s.code}) for s in endorsed]
    accredited = _accredited_assessors(dt.date.today())
    form.assessors.choices = [SelectChoice(user.id, f"{user.full_name} ({user.username})")
                              for user in accredited]
    if not form.centre.choices:
        flash(_("Create a testing centre first."), "error")
        return redirect(url_for("admin.centres"))
    if form.validate_on_submit():
        done = act(lambda: service.create_session(
                       db.session, centre=db.get_or_404(TestingCentre, form.centre.data),
                       standard=db.session.get(Standard, form.standard.data), test_date=form.test_date.data,
                       assessors=[db.session.get(User, i) for i in form.assessors.data],
                       actor=current_user, today=dt.date.today()),
                   form=form, refusals=(ValidationFailed,), success=_("The test session was created."),
                   to=lambda test_session: url_for("assessments.session", session_id=test_session.id))
        if done:
            return done
    return render_template("assessments/session_new.html", form=form, accredited=accredited)


def _accredited_assessors(today: dt.date) -> dict[User, list[Accreditation]]:
    """Active assessors with an accreditation still valid today, and those accreditations: only
    they can be assigned, each to a session of a standard they are accredited for."""
    rows = db.session.execute(
        sa.select(User, Accreditation).join(Accreditation, Accreditation.user_id == User.id)
        .where(User.role == Role.ASSESSOR, User.is_active.is_(True), Accreditation.expires_on >= today)
        .order_by(User.full_name, User.id, Accreditation.standard_code))
    accredited: dict[User, list[Accreditation]] = {}
    for user, accreditation in rows:
        accredited.setdefault(user, []).append(accreditation)
    return accredited


@bp.route("/sessions/<int:session_id>")
@roles_required(*SESSION_VIEWERS)
def session(session_id: int):
    test_session = _load(session_id)
    query = request.args.get("q", "").strip()[:100]
    found = []
    if query:
        enrolled = {a.candidate_id for a in test_session.assessments}
        found = [c for c in db.session.scalars(candidate_search(query).limit(10)) if c.id not in enrolled]
    return render_template("assessments/session.html", test_session=test_session, query=query,
                           found=found, enrol_form=EnrolForm(),
                           can_enrol=current_user.role is Role.ADMINISTRATOR
                           or service.is_assigned(test_session, current_user))


@bp.route("/sessions/<int:session_id>/enrol", methods=["POST"])
@roles_required(Role.ADMINISTRATOR, Role.ASSESSOR)
def enrol(session_id: int):
    test_session = _load(session_id)
    form = EnrolForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return redirect(url_for("assessments.session", session_id=session_id))
    candidate = db.get_or_404(Candidate, form.candidate.data)
    if attempt(lambda: service.enrol(db.session, test_session, candidate, actor=current_user),
               refusals=(ValidationFailed, NotAllowed)):
        flash(_("%(name)s was enrolled.", name=candidate.name_latin), "success")
    return redirect(url_for("assessments.session", session_id=session_id))


@bp.route("/sessions/<int:session_id>/template.csv")
@roles_required(Role.ADMINISTRATOR, Role.ASSESSOR)
def results_template(session_id: int):
    test_session = _load(session_id)
    body = "\ufeff" + bulk_import.write_template(db.session, test_session)  # BOM: Excel reads UTF-8
    name = f"results-session-{test_session.id}-{test_session.standard.code}-v{test_session.standard.version}.csv"
    return Response(body, mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.route("/sessions/<int:session_id>/import", methods=["GET", "POST"])
@roles_required(Role.ASSESSOR)
def import_results(session_id: int):
    test_session = _load(session_id)
    form = ImportForm()
    result = None
    if form.validate_on_submit():
        result = bulk_import.import_results(db.session, form.file.data.read(), actor=current_user,
                                            today=dt.date.today(), good_rows_only=form.good_only.data)
        if result.imported:
            db.session.commit()
            flash(_("%(n)d of %(total)d rows were imported and submitted for approval.",
                    n=result.imported, total=result.rows), "success")
        else:
            db.session.rollback()
        if result.ok:
            return redirect(url_for("assessments.session", session_id=session_id))
    status = 422 if result is not None and not result.ok else 200
    return render_template("assessments/import.html", test_session=test_session, form=form,
                           result=result), status
