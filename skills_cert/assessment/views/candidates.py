import datetime as dt

import sqlalchemy as sa
from flask import (
    Response,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from skills_cert.assessment import candidate_checks, sessions
from skills_cert.assessment import candidates as service
from skills_cert.assessment.models import Assessment, Candidate, TestSession
from skills_cert.assessment.views.forms import (
    CandidateForm,
    CandidateSearchForm,
    CandidateThaiNameForm,
    SessionEnrolForm,
    nationality_label,
)
from skills_cert.errors import NotAllowed, ValidationFailed
from skills_cert.extensions import db
from skills_cert.i18n import localized
from skills_cert.roles import Role
from skills_cert.web.access import roles_required
from skills_cert.web.actions import act, attempt, flash_with_link
from skills_cert.web.blueprints import assessments as bp
from skills_cert.web.forms import apply_errors

REGISTRARS = (Role.ASSESSOR, Role.ADMINISTRATOR)
VIEWERS = (Role.ASSESSOR, Role.ADMINISTRATOR, Role.CERTIFYING_OFFICER)
MAX_PHOTO_BYTES = 5 * 1024 * 1024


def today() -> dt.date:
    return dt.date.today()


@bp.route("/candidates/")
@roles_required(*VIEWERS)
def candidates():
    form = CandidateSearchForm(request.args)
    query = form.q.data if form.validate() and form.q.data else ""
    page = db.paginate(service.search_select(query), per_page=30, error_out=False)
    return render_template("assessments/candidates.html", form=form, page=page)


@bp.route("/candidates/new", methods=["GET", "POST"])
@roles_required(*REGISTRARS)
def new_candidate():
    form = CandidateForm()
    similar = []
    if form.validate_on_submit():
        upload = form.photo.data
        photo = upload.read(MAX_PHOTO_BYTES + 1) if upload and upload.filename else None
        if not form.name_latin.data.strip() and _fill_suggestions(form):
            return render_template("assessments/candidate_new.html", form=form, similar=similar)
        data = service.CandidateData(
            name_lao=form.name_lao.data, name_latin=form.name_latin.data,
            name_thai=form.name_thai.data, sex=form.sex.data,
            date_of_birth=form.date_of_birth.data, nationality=form.nationality.data,
            id_type=form.id_type.data, id_number=form.id_number.data, pathway=form.pathway.data,
            phone=form.phone.data, rpl_work_history=form.rpl_work_history.data,
            rpl_portfolio=form.rpl_portfolio.data, photo=photo)
        try:
            candidate = service.register(db.session, data, actor=current_user, today=today(),
                                         confirm_similar=form.confirm_similar.data)
        except ValidationFailed as exc:
            db.session.rollback()
            apply_errors(form, exc)
        except service.PossibleDuplicates as exc:
            db.session.rollback()
            similar = exc.candidates
        else:
            db.session.commit()
            flash(_("%(name)s was registered.", name=candidate.name_latin), "success")
            return redirect(url_for("assessments.candidate", candidate_id=candidate.id))
    return render_template("assessments/candidate_new.html", form=form, similar=similar)


def _fill_suggestions(form: CandidateForm) -> bool:
    """With no script in the browser: fill the empty romanised name, and the empty name in Thai
    script, from the Lao name, to be checked before registering again. True if any was filled."""
    filled = False
    suggestion = _suggest(form.name_lao.data)
    if suggestion:
        form.name_latin.data = suggestion
        form.name_latin.errors = [_("A romanised name was suggested. Check it, then register again.")]
        filled = True
    proposal = candidate_checks.suggest_thai(form.name_lao.data)
    if proposal and not (form.name_thai.data or "").strip() and proposal != form.name_lao.data.strip():
        form.name_thai.data = proposal
        form.name_thai.errors = [_("A spelling in Thai script was proposed from the Lao name. "
                                   "Check it, then register again.")]
        filled = True
    return filled


def _suggest(lao: str) -> str:
    try:
        return candidate_checks.suggest_romanisation(candidate_checks.check_lao_name(lao))
    except candidate_checks.CheckFailed:
        return ""


@bp.route("/candidates/romanise")
@roles_required(*REGISTRARS)
def romanise():
    """Suggest a romanised name and a spelling in Thai script for a Lao-script name (used by the
    registration form); a name already in Thai script is its own spelling in Thai script."""
    lao = request.args.get("lao", "")[:120]
    return jsonify(suggestion=_suggest(lao), thai=candidate_checks.suggest_thai(lao))


@bp.route("/candidates/<int:candidate_id>")
@roles_required(*VIEWERS)
def candidate(candidate_id: int):
    return _render_candidate(db.get_or_404(Candidate, candidate_id), SessionEnrolForm())


def _render_candidate(person: Candidate, enrol_form: SessionEnrolForm, status: int = 200):
    assessments = db.session.scalars(
        db.select(Assessment).where(Assessment.candidate_id == person.id).order_by(Assessment.id.desc())).all()
    enrol_form.session.choices = _session_choices(person)
    return render_template("assessments/candidate.html", candidate=person, assessments=assessments,
                           nationality=nationality_label(person.nationality), enrol_form=enrol_form,
                           can_enrol=current_user.role in REGISTRARS), status


def _session_choices(person: Candidate) -> list[tuple[int, str]]:
    """Sessions from today on that this user may enrol into and the candidate is not in yet."""
    enrolled = sa.select(Assessment.session_id).where(Assessment.candidate_id == person.id)
    stmt = (sessions.sessions_select(current_user)
            .where(TestSession.test_date >= today(), TestSession.id.not_in(enrolled))
            .order_by(None).order_by(TestSession.test_date, TestSession.id).limit(50))
    locale = str(get_locale())
    return [(s.id, (f"{s.test_date.isoformat()} · {localized(s.standard.title, locale)} · "
                   f"{localized(s.centre.name, locale)}")) for s in db.session.scalars(stmt).unique()]


@bp.route("/candidates/<int:candidate_id>/enrol", methods=["POST"])
@roles_required(*REGISTRARS)
def enrol_candidate(candidate_id: int):
    person = db.get_or_404(Candidate, candidate_id)
    form = SessionEnrolForm()
    form.session.choices = _session_choices(person)
    if form.validate_on_submit():
        test_session = db.session.get(TestSession, form.session.data)
        done = attempt(lambda: sessions.enrol(db.session, test_session, person, actor=current_user),
                       form=form, refusals=(ValidationFailed, NotAllowed))
        if done:
            flash_with_link(_("%(name)s was enrolled.", name=person.name_latin),
                            url_for("assessments.record", assessment_id=done.value.id),
                            _("Record the results"))
            return redirect(url_for("assessments.candidate", candidate_id=person.id))
    return _render_candidate(person, form, 422)


@bp.route("/candidates/<int:candidate_id>/thai-name", methods=["GET", "POST"])
@roles_required(*REGISTRARS)
def candidate_thai_name(candidate_id: int):
    """Add or correct the name in Thai script; opened empty, it holds the proposal to check."""
    person = db.get_or_404(Candidate, candidate_id)
    form = CandidateThaiNameForm()
    if form.validate_on_submit():
        done = act(lambda: service.correct_thai_name(db.session, person, form.name_thai.data,
                                                     actor=current_user),
                   form=form, success=_("The name in Thai script was saved."),
                   to=url_for("assessments.candidate", candidate_id=person.id))
        if done:
            return done
    elif not form.is_submitted():
        form.name_thai.data = person.name_thai or candidate_checks.suggest_thai(person.name_lao)
    return render_template("assessments/candidate_thai_name.html", candidate=person, form=form,
                           proposed=person.name_thai is None)


@bp.route("/candidates/<int:candidate_id>/photo")
@roles_required(*VIEWERS)
def candidate_photo(candidate_id: int):
    person = db.get_or_404(Candidate, candidate_id)
    if not person.has_photo:
        abort(404)
    return Response(person.photo, mimetype="image/jpeg",
                    headers={"Cache-Control": "private, no-store"})
