"""Reading appeals: the list, one appeal, and what the lower features' pages show of them."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import Response, abort, render_template, request
from flask_login import current_user
from wtforms import SelectChoice

from skills_cert.accounts.models import User
from skills_cert.appeals import queries
from skills_cert.appeals.lodging import OFFICE, appeal_deadline, appeal_of
from skills_cert.appeals.models import Appeal, AppealMember, AppealStatus
from skills_cert.appeals.panel import eligible_deciders, is_member
from skills_cert.appeals.views.forms import (
    AppealAssignForm,
    AppealConcurForm,
    AppealDecideForm,
    AppealLodgeForm,
    AppealReassessForm,
)
from skills_cert.assessment import recording
from skills_cert.assessment.models import (
    Assessment,
    Candidate,
    EvidencePhoto,
    TestSession,
)
from skills_cert.assessment.sessions import also_readable_by
from skills_cert.extensions import db
from skills_cert.roles import Role
from skills_cert.standards.models import Standard
from skills_cert.web.access import roles_required
from skills_cert.web.blueprints import appeals as bp

READERS = (Role.ADMINISTRATOR, Role.CERTIFYING_OFFICER, Role.ASSESSOR)


def today() -> dt.date:
    return dt.date.today()


@bp.route("/")
@roles_required(*READERS)
def index():
    show = request.args.get("show", "open")
    in_progress = {"open": True, "closed": False}.get(show)
    page = db.paginate(queries.appeals_select(current_user, in_progress=in_progress), per_page=30,
                       error_out=False)
    return render_template("appeals/index.html", page=page, show=show if in_progress is not None else "all",
                           stage=queries.stage, in_progress=queries.is_in_progress, today=today())


def load_appeal(appeal_id: int) -> Appeal:
    """404 if there is no such appeal; 403 for an assessor who does not decide it."""
    appeal = db.session.scalar(sa.select(Appeal).where(Appeal.id == appeal_id).options(
        so.joinedload(Appeal.assessment).joinedload(Assessment.session).joinedload(TestSession.standard),
        so.selectinload(Appeal.members).joinedload(AppealMember.user)))
    if appeal is None:
        abort(404)
    if current_user.role is Role.ASSESSOR and not is_member(appeal, current_user):
        abort(403)
    return appeal


@also_readable_by
def _deciders_read_the_evidence(assessment: Assessment, user) -> bool:
    """An assessor who decides an appeal reads the decision appealed: the assessment page, and an
    RPL candidate's self-assessment, portfolio and evidence files (each file view audited). Reading
    only: every page that writes still requires an assessor of the session."""
    appeal = appeal_of(db.session, assessment)
    return appeal is not None and is_member(appeal, user)


@bp.route("/<int:appeal_id>")
@roles_required(*READERS)
def detail(appeal_id: int):
    return render_detail(load_appeal(appeal_id))


@bp.route("/<int:appeal_id>/photos/<int:photo_id>")
@roles_required(*READERS)
def photo(appeal_id: int, photo_id: int):
    """The evidence photos of the decision appealed, for those who decide it (an assessor not
    assigned to the session cannot open the assessment's own photo links)."""
    appeal = load_appeal(appeal_id)
    image = db.session.scalar(sa.select(EvidencePhoto.image).where(
        EvidencePhoto.id == photo_id, EvidencePhoto.assessment_id == appeal.assessment_id))
    if image is None:
        abort(404)
    return Response(image, mimetype="image/jpeg", headers={"Cache-Control": "private, no-store"})


def render_detail(appeal: Appeal, status: int = 200, **forms):
    assessment = appeal.assessment
    data = {"version": appeal.version}
    forms = {"assign": AppealAssignForm(data=data), "decide": AppealDecideForm(data=data),
             "concur": AppealConcurForm(data=data), "reassess": AppealReassessForm(data=data), **forms}
    forms["assign"].members.choices = decider_choices(appeal)
    forms["reassess"].session.choices = reassessment_sessions(appeal)
    standard = assessment.session.standard
    member = next((m for m in appeal.members if m.user_id == current_user.id), None)
    return render_template(
        "appeals/appeal.html", appeal=appeal, assessment=assessment, forms=forms, member=member,
        stage=queries.stage(appeal), in_progress=queries.is_in_progress(appeal),
        is_office=current_user.role in OFFICE, statuses=AppealStatus,
        items=recording.checklist_items(db.session, standard), scoring=standard.guideline.scoring,
        results={r.item_id: r for r in assessment.results}, posted=request.form if status != 200 else None,
        proposer=db.session.get(User, appeal.proposal["by"]) if appeal.proposal else None,
    ), status


def decider_choices(appeal: Appeal) -> list[SelectChoice]:
    return [SelectChoice(u.id, u.full_name) for u in eligible_deciders(db.session, appeal, today())]


def reassessment_sessions(appeal: Appeal) -> list[SelectChoice]:
    code = appeal.assessment.session.standard.code
    sessions = db.session.scalars(
        sa.select(TestSession).join(Standard, Standard.id == TestSession.standard_id)
        .where(Standard.code == code, TestSession.test_date >= appeal.lodged_on)
        .options(so.joinedload(TestSession.centre)).order_by(TestSession.test_date, TestSession.id))
    return [SelectChoice(s.id, f"{s.test_date.isoformat()} · {s.centre.code} · v{s.standard.version}")
            for s in sessions]


def render_lodge(assessment: Assessment, form: AppealLodgeForm, status: int = 200):
    return render_template("appeals/lodge.html", assessment=assessment, form=form,
                           deadline=appeal_deadline(assessment), existing=appeal_of(db.session, assessment),
                           today=today()), status


@bp.app_template_global()
def assessment_appeal(assessment: Assessment) -> dict:
    """For the assessment page: its appeal, the deadline, and whether this user may lodge one."""
    appeal = appeal_of(db.session, assessment)
    deadline = appeal_deadline(assessment)
    return {"appeal": appeal, "deadline": deadline, "stage": queries.stage(appeal) if appeal else None,
            "can_lodge": (appeal is None and deadline is not None and deadline >= today()
                          and current_user.role in OFFICE),
            "visible": current_user.role in OFFICE or (appeal is not None and is_member(appeal, current_user))}


@bp.app_template_global()
def candidate_appeals(candidate: Candidate) -> list[tuple[Appeal, str, bool]]:
    """For the candidate page: their appeals as the user may see them, with stage and progress."""
    found = db.session.scalars(queries.appeals_select(current_user, candidate_id=candidate.id)).unique()
    return [(a, queries.stage(a), queries.is_in_progress(a)) for a in found]


@bp.app_template_global()
def appeal_reopened(assessment_ids: list[int]) -> set[int]:
    """For the approval queue: which of these assessments wait because of an overturned appeal."""
    if not assessment_ids:
        return set()
    return set(db.session.scalars(sa.select(Appeal.assessment_id).where(
        Appeal.assessment_id.in_(assessment_ids), Appeal.status == AppealStatus.OVERTURNED)))
