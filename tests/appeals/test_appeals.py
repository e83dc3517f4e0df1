"""Appeals, service by service (no HTTP): lodging within the guideline's period, who may decide,
upholding, overturning through the two-person approval, panels, and reassessment."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from appeal_fixtures import corrected, key_settings, lodge, refused, users_of
from assessment_fixtures import TODAY, all_satisfactory
from certificate_fixtures import approve
from helpers import make_user

from skills_cert.roles import Role


def _actions(db, assessment_id: int) -> list[str]:
    from skills_cert.audit.models import AuditEntry

    return list(db.session.scalars(sa.select(AuditEntry.action).where(
        AuditEntry.object_type == "assessment", AuditEntry.object_id == str(assessment_id),
        AuditEntry.action.like("appeal.%")).order_by(AuditEntry.id)))


def _assign(db, appeal, *refs, today=TODAY):
    from skills_cert.appeals import panel

    officer = users_of(db, appeal_officer(db, appeal))[0]
    panel.assign(db.session, appeal, users_of(db, *refs), actor=officer, today=today)
    db.session.commit()


def appeal_officer(db, appeal):
    return appeal.lodged_by


def _rule(db, appeal, ref, outcome, evidence=None, reasons="Reviewed the photos and the checklist with care."):
    from skills_cert.appeals import deciding

    (actor,) = users_of(db, ref)
    decided = deciding.propose(db.session, appeal, deciding.Ruling(outcome, reasons, evidence), actor=actor,
                               today=TODAY, expected_version=appeal.version)
    db.session.commit()
    return decided


def test_an_appeal_is_lodged_with_its_grounds_and_deadline(app, db):
    from skills_cert.appeals.models import AppealStatus
    from skills_cert.assessment.models import Assessment

    case = refused(app)
    appeal = lodge(db, case)
    decided_on = db.session.get(Assessment, case.assessment_id).decided_at.date()
    assert appeal.status is AppealStatus.LODGED and appeal.lodged_on == TODAY
    assert appeal.deadline == decided_on + dt.timedelta(days=14)  # the shipped guideline says 14
    assert "misread the level" in appeal.grounds
    assert _actions(db, case.assessment_id) == ["appeal.lodged"]


def test_a_late_appeal_is_refused_with_the_deadline(app, db):
    from skills_cert.errors import ValidationFailed

    case = refused(app)
    late = TODAY + dt.timedelta(days=15)
    with pytest.raises(ValidationFailed) as refused_late:
        lodge(db, case, today=late)
    deadline = (TODAY + dt.timedelta(days=14)).isoformat()
    assert deadline in refused_late.value.messages[0] and "14 days" in refused_late.value.messages[0]
    assert lodge(db, case, today=TODAY + dt.timedelta(days=14)).deadline.isoformat() == deadline


def test_the_period_comes_from_the_guideline_with_a_default(app, db):
    from skills_cert.appeals.lodging import appeal_deadline
    from skills_cert.assessment.models import Assessment

    case = refused(app)
    assessment = db.session.get(Assessment, case.assessment_id)
    guideline = assessment.session.standard.guideline
    decided_on = assessment.decided_at.date()
    guideline.appeal_days = 3
    assert appeal_deadline(assessment) == decided_on + dt.timedelta(days=3)
    guideline.appeal_days = None
    assert appeal_deadline(assessment) == decided_on + dt.timedelta(days=14)
    db.session.rollback()


@pytest.mark.parametrize("case_name", ["assessor", "draft", "twice", "short"])
def test_lodging_is_refused_cleanly(app, db, case_name):
    from skills_cert.appeals import lodging
    from skills_cert.assessment.models import Assessment
    from skills_cert.errors import InvalidState, NotAllowed, ValidationFailed

    case = refused(app)
    officer, assessor = users_of(db, case.setup.officer, case.setup.other_assessor)
    target = db.session.get(Assessment, case.assessment_id)
    grounds, actor, expected = "The corner was plumb, please check again.", officer, InvalidState
    if case_name == "assessor":
        actor, expected = assessor, NotAllowed
    elif case_name == "draft":
        target = db.session.get(Assessment, case.setup.assessment_ids[0])
    elif case_name == "twice":
        lodge(db, case)
    else:
        grounds, expected = "unfair", ValidationFailed
    with pytest.raises(expected):
        lodging.lodge(db.session, target, grounds=grounds, actor=actor, today=TODAY)


def test_the_recorder_and_the_unaccredited_cannot_decide(app, db):
    from skills_cert.appeals import panel
    from skills_cert.errors import ValidationFailed

    case = refused(app)
    appeal = lodge(db, case)
    stranger = make_user(app, Role.ASSESSOR)
    eligible = panel.eligible_deciders(db.session, appeal, TODAY)
    assert [u.id for u in eligible] == [case.setup.other_assessor.id]
    officer, recorder, outsider = users_of(db, case.setup.officer, case.setup.assessor, stranger)
    for members in ([recorder], [outsider], []):
        with pytest.raises(ValidationFailed):
            panel.assign(db.session, appeal, members, actor=officer, today=TODAY)
    assert "recorded the result" in panel.decider_problem(db.session, appeal, recorder, TODAY)


def test_an_upheld_decision_stands(app, db):
    from skills_cert.appeals.models import AppealStatus
    from skills_cert.appeals.queries import is_in_progress
    from skills_cert.assessment.models import AssessmentStatus, Outcome

    case = refused(app)
    appeal = lodge(db, case)
    _assign(db, appeal, case.setup.other_assessor)
    assert _rule(db, appeal, case.setup.other_assessor, AppealStatus.UPHELD) is True
    assert appeal.status is AppealStatus.UPHELD and not is_in_progress(appeal)
    assert appeal.assessment.status is AssessmentStatus.APPROVED
    assert appeal.assessment.outcome is Outcome.NOT_YET_COMPETENT
    assert _actions(db, case.assessment_id) == ["appeal.lodged", "appeal.panel_assigned", "appeal.upheld"]


def test_an_overturn_goes_through_two_person_approval_and_replaces_the_statement(app, db):
    from skills_cert.appeals.models import AppealStatus
    from skills_cert.appeals.queries import is_in_progress
    from skills_cert.assessment.models import AssessmentStatus, Outcome
    from skills_cert.certification import issuing
    from skills_cert.certification.models import (
        Certificate,
        CertificateKind,
        CertificateStatus,
    )

    case = refused(app)
    assert case.attainment_id is not None
    appeal = lodge(db, case)
    _assign(db, appeal, case.setup.other_assessor)
    evidence = corrected(db, case, **{case.failed_item: True})
    assert _rule(db, appeal, case.setup.other_assessor, AppealStatus.OVERTURNED, evidence) is True
    assessment = appeal.assessment
    assert assessment.status is AssessmentStatus.SUBMITTED and assessment.outcome is Outcome.COMPETENT
    assert is_in_progress(appeal)
    (officer,) = users_of(db, case.setup.officer)
    new = issuing.approve_and_issue(db.session, assessment, actor=officer, expected_version=assessment.version,
                                    today=TODAY, **key_settings(app))
    db.session.commit()
    old = db.session.get(Certificate, case.attainment_id)
    assert new.kind is CertificateKind.CERTIFICATE and new.status is CertificateStatus.VALID
    assert old.status is CertificateStatus.REVOKED and old.revocation_reason == "appeal"
    assert new.number in old.revocation_note
    assert not is_in_progress(appeal)
    assert _actions(db, case.assessment_id)[-1] == "appeal.overturned"


def test_the_assessor_cannot_approve_the_overturn(app, db):
    from skills_cert.appeals.models import AppealStatus
    from skills_cert.certification import issuing
    from skills_cert.errors import NotAllowed

    case = refused(app)
    appeal = lodge(db, case)
    _assign(db, appeal, case.setup.other_assessor)
    _rule(db, appeal, case.setup.other_assessor, AppealStatus.OVERTURNED,
          corrected(db, case, **{case.failed_item: True}))
    (decider,) = users_of(db, case.setup.other_assessor)
    with pytest.raises(NotAllowed):
        issuing.approve_and_issue(db.session, appeal.assessment, actor=decider,
                                  expected_version=appeal.assessment.version, today=TODAY, **key_settings(app))


@pytest.mark.parametrize("change", ["nothing", "same_decision"])
def test_an_overturn_must_change_the_decision(app, db, change):
    from skills_cert.appeals.models import AppealStatus
    from skills_cert.errors import ValidationFailed

    case = refused(app, knowledge=30.0)  # below the pass mark: no unit is achieved
    appeal = lodge(db, case)
    _assign(db, appeal, case.setup.other_assessor)
    evidence = corrected(db, case)
    if change == "same_decision":  # the item was satisfactory after all, but the knowledge test still fails
        evidence = corrected(db, case, **{case.failed_item: True})
    with pytest.raises(ValidationFailed):
        _rule(db, appeal, case.setup.other_assessor, AppealStatus.OVERTURNED, evidence)


def test_a_certificate_overturned_on_appeal_is_revoked(app, db):
    from assessment_fixtures import build

    from skills_cert.appeals import lodging
    from skills_cert.appeals.deciding import Evidence
    from skills_cert.appeals.models import AppealStatus
    from skills_cert.assessment.models import Assessment
    from skills_cert.certification import issuing
    from skills_cert.certification.models import Certificate, CertificateStatus

    setup = build(app)
    certificate_id = approve(app, setup, 0)
    officer, other = users_of(db, setup.officer, setup.other_assessor)
    appeal = lodging.lodge(db.session, db.session.get(Assessment, setup.assessment_ids[0]),
                           grounds="The knowledge test was marked against the wrong key.", actor=officer, today=TODAY)
    _assign(db, appeal, setup.other_assessor)
    items = {code: value for code, (value, _note) in all_satisfactory(app, setup.standard_id).items()}
    assert _rule(db, appeal, setup.other_assessor, AppealStatus.OVERTURNED,
                 Evidence(items=items, knowledge_percent=20.0)) is True
    assert issuing.approve_and_issue(db.session, appeal.assessment, actor=officer,
                                     expected_version=appeal.assessment.version, today=TODAY,
                                     **key_settings(app)) is None
    certificate = db.session.get(Certificate, certificate_id)
    assert certificate.status is CertificateStatus.REVOKED and certificate.revocation_reason == "appeal"
    assert other.id not in (certificate.issued_by_id,)


def test_a_panel_decides_unanimously(app, db):
    from skills_cert.appeals import deciding
    from skills_cert.appeals.models import AppealStatus
    from skills_cert.assessment import sessions
    from skills_cert.errors import InvalidState

    case = refused(app)
    third = make_user(app, Role.ASSESSOR)
    admin, = users_of(db, case.setup.admin)
    sessions.accredit(db.session, users_of(db, third)[0], "LA-CON-BRL-L1", TODAY + dt.timedelta(days=30),
                      actor=admin, today=TODAY)
    db.session.commit()
    appeal = lodge(db, case)
    _assign(db, appeal, case.setup.other_assessor, third)
    assert _rule(db, appeal, case.setup.other_assessor, AppealStatus.UPHELD) is False
    first, second = users_of(db, case.setup.other_assessor, third)
    with pytest.raises(InvalidState):  # the proposer already agreed
        deciding.concur(db.session, appeal, agree=True, note="", actor=first, today=TODAY,
                        expected_version=appeal.version)
    assert deciding.concur(db.session, appeal, agree=False, note="The photos show a plumb corner.",
                           actor=second, today=TODAY, expected_version=appeal.version) is False
    assert appeal.proposal is None and appeal.status is AppealStatus.WITH_PANEL
    assert _rule(db, appeal, third, AppealStatus.REASSESSMENT) is False
    assert deciding.concur(db.session, appeal, agree=True, note="", actor=first, today=TODAY,
                           expected_version=appeal.version) is True
    assert appeal.status is AppealStatus.REASSESSMENT
    assert _actions(db, case.assessment_id)[-5:] == [
        "appeal.proposed", "appeal.proposal_rejected", "appeal.proposed", "appeal.agreed",
        "appeal.reassessment_ordered"]


def test_a_reassessment_is_recorded_like_any_assessment(app, db):
    from skills_cert.appeals import reassessment
    from skills_cert.appeals.models import AppealStatus
    from skills_cert.appeals.queries import is_in_progress
    from skills_cert.assessment import recording, sessions
    from skills_cert.assessment.models import TestingCentre, TestSession
    from skills_cert.certification import issuing
    from skills_cert.errors import ValidationFailed

    case = refused(app)
    appeal = lodge(db, case)
    _assign(db, appeal, case.setup.other_assessor)
    _rule(db, appeal, case.setup.other_assessor, AppealStatus.REASSESSMENT)
    admin, other, officer = users_of(db, case.setup.admin, case.setup.other_assessor, case.setup.officer)
    original = db.session.get(TestSession, case.setup.session_id)
    with pytest.raises(ValidationFailed):  # the original assessor holds this session
        reassessment.enrol_reassessment(db.session, appeal, original, actor=admin)
    later = sessions.create_session(db.session, centre=db.session.get(TestingCentre, case.setup.centre_id),
                                    standard=original.standard, test_date=TODAY + dt.timedelta(days=7),
                                    assessors=[other], actor=admin, today=TODAY)
    new = reassessment.enrol_reassessment(db.session, appeal, later, actor=admin)
    db.session.commit()
    assert appeal.reassessment_id == new.id and is_in_progress(appeal)
    items = all_satisfactory(app, case.setup.standard_id)
    recording.save(db.session, new, recording.Recording(items=items, knowledge_percent=75.0, practical_points={},
                                                        expected_version=new.version), actor=other, today=TODAY)
    recording.submit(db.session, new, actor=other, today=TODAY, expected_version=new.version)
    certificate = issuing.approve_and_issue(db.session, new, actor=officer, expected_version=new.version,
                                            today=TODAY, **key_settings(app))
    db.session.commit()
    assert certificate is not None and not is_in_progress(appeal)
