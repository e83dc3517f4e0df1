import datetime as dt

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
from flask_babel import gettext as _
from flask_login import current_user

from skills_cert.assessment import candidate_checks
from skills_cert.assessment import candidates as service
from skills_cert.assessment.models import Assessment, Candidate
from skills_cert.assessment.views.forms import CandidateForm, CandidateSearchForm
from skills_cert.errors import ValidationFailed
from skills_cert.extensions import db
from skills_cert.roles import Role
from skills_cert.web.access import roles_required
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
        if not form.name_latin.data.strip():
            form.name_latin.data = _suggest(form.name_lao.data)
            form.name_latin.errors = [_("A romanised name was suggested. Check it, then register again.")]
            return render_template("assessments/candidate_new.html", form=form, similar=similar)
        data = service.CandidateData(
            name_lao=form.name_lao.data, name_latin=form.name_latin.data, sex=form.sex.data,
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


def _suggest(lao: str) -> str:
    try:
        return candidate_checks.suggest_romanisation(candidate_checks.check_lao_name(lao))
    except candidate_checks.CheckFailed:
        return ""


@bp.route("/candidates/romanise")
@roles_required(*REGISTRARS)
def romanise():
    """Suggest a romanised name for a Lao-script name (used by the registration form)."""
    return jsonify(suggestion=_suggest(request.args.get("lao", "")[:120]))


@bp.route("/candidates/<int:candidate_id>")
@roles_required(*VIEWERS)
def candidate(candidate_id: int):
    person = db.get_or_404(Candidate, candidate_id)
    assessments = db.session.scalars(
        db.select(Assessment).where(Assessment.candidate_id == person.id).order_by(Assessment.id.desc())).all()
    return render_template("assessments/candidate.html", candidate=person, assessments=assessments)


@bp.route("/candidates/<int:candidate_id>/photo")
@roles_required(*VIEWERS)
def candidate_photo(candidate_id: int):
    person = db.get_or_404(Candidate, candidate_id)
    if not person.has_photo:
        abort(404)
    return Response(person.photo, mimetype="image/jpeg",
                    headers={"Cache-Control": "private, no-store"})
