"""Recording, submitting, approving and returning assessments: services and the audit trail."""

import datetime as dt

import pytest
import sqlalchemy as sa
from assessment_fixtures import TODAY, all_satisfactory, build, critical_item

from skills_cert.accounts.models import User
from skills_cert.assessment import recording as service
from skills_cert.assessment.models import Assessment, AssessmentStatus, Outcome
from skills_cert.audit.log import verify_chain
from skills_cert.audit.models import AuditEntry
from skills_cert.errors import InvalidState, NotAllowed, ValidationFailed
from skills_cert.roles import Role


@pytest.fixture()
def setup(app):
    return build(app)


def _recording(items, knowledge=80.0, version=1, points=None):
    return service.Recording(items=items, knowledge_percent=knowledge,
                             practical_points=points or {}, expected_version=version)


def _get(db, model, ident):
    return db.session.get(model, ident)


def test_full_pass_is_computed_competent_and_approved(app, db, setup):
    assessment = _get(db, Assessment, setup.assessment_ids[0])
    assessor = _get(db, User, setup.assessor.id)
    decision = service.save(db.session, assessment, _recording({}, knowledge=None),
                            actor=assessor, today=TODAY)
    assert not decision.complete and not decision.competent
    items = all_satisfactory(app, setup.standard_id)
    decision = service.save(db.session, assessment, _recording(items, version=assessment.version),
                            actor=assessor, today=TODAY)
    assert decision.complete and decision.competent
    service.submit(db.session, assessment, actor=assessor, today=TODAY, expected_version=assessment.version)
    assert assessment.status is AssessmentStatus.SUBMITTED and assessment.outcome is Outcome.COMPETENT
    officer = _get(db, User, setup.officer.id)
    service.approve(db.session, assessment, actor=officer, expected_version=assessment.version)
    db.session.commit()
    assert assessment.status is AssessmentStatus.APPROVED
    assert len(assessment.achieved_units) == 5
    count, problems = verify_chain(db.session)
    assert problems == [] and count >= 5
    actions = [e.action for e in db.session.scalars(sa.select(AuditEntry).where(
        AuditEntry.object_id == str(assessment.id), AuditEntry.object_type == "assessment")
        .order_by(AuditEntry.id))]
    assert actions[-3:] == ["assessment.record", "assessment.submit", "assessment.approve"]


def test_critical_failure_is_not_yet_competent_and_keeps_other_units(app, db, setup):
    assessment = _get(db, Assessment, setup.assessment_ids[1])
    assessor = _get(db, User, setup.assessor.id)
    items = all_satisfactory(app, setup.standard_id)
    code, unit = critical_item(app, setup.standard_id)
    items[code] = (False, "mortar joints not filled")
    service.save(db.session, assessment, _recording(items), actor=assessor, today=TODAY)
    decision = service.submit(db.session, assessment, actor=assessor, today=TODAY,
                              expected_version=assessment.version)
    assert not decision.competent
    assert unit not in decision.achieved_units and len(decision.achieved_units) == 4
    assert any(r.code == "critical_item_not_satisfactory" and code in r.message() for r in decision.reasons)
    assert assessment.outcome is Outcome.NOT_YET_COMPETENT
    assert assessment.reasons[0]["code"] in {r.code for r in decision.reasons}


def test_knowledge_below_pass_mark_is_explained(app, db, setup):
    assessment = _get(db, Assessment, setup.assessment_ids[0])
    decision = service.save(db.session, assessment, _recording(all_satisfactory(app, setup.standard_id), 55),
                            actor=_get(db, User, setup.assessor.id), today=TODAY)
    assert not decision.competent
    assert "55% is below the pass mark of 60%" in " ".join(r.message() for r in decision.reasons)


def test_an_unassigned_assessor_may_not_record(app, db, setup):
    other = _get(db, User, setup.other_assessor.id)
    with pytest.raises(NotAllowed, match="not assigned"):
        service.save(db.session, _get(db, Assessment, setup.assessment_ids[0]), _recording({}),
                     actor=other, today=TODAY)


def test_an_expired_accreditation_may_not_record(app, db, setup):
    assessor = _get(db, User, setup.assessor.id)
    with pytest.raises(NotAllowed, match="expired"):
        service.save(db.session, _get(db, Assessment, setup.assessment_ids[0]), _recording({}),
                     actor=assessor, today=TODAY + dt.timedelta(days=400))


def test_an_unaccredited_assessor_cannot_be_assigned(app, db, setup):
    from skills_cert.assessment import sessions
    from skills_cert.assessment.models import TestingCentre
    from skills_cert.standards.models import Standard

    thai = db.session.scalar(sa.select(Standard).where(Standard.code == "TH-CON-BRL-L1"))
    with pytest.raises(ValidationFailed) as exc:
        sessions.create_session(db.session, centre=_get(db, TestingCentre, setup.centre_id), standard=thai,
                                test_date=TODAY, assessors=[_get(db, User, setup.assessor.id)],
                                actor=_get(db, User, setup.admin.id), today=TODAY)
    assert "not accredited" in exc.value.reasons["assessors"][0]


def test_other_roles_may_not_record_or_approve(app, db, setup):
    assessment = _get(db, Assessment, setup.assessment_ids[0])
    with pytest.raises(NotAllowed):
        service.save(db.session, assessment, _recording({}), actor=_get(db, User, setup.officer.id), today=TODAY)
    with pytest.raises(NotAllowed):
        service.approve(db.session, assessment, actor=_get(db, User, setup.assessor.id), expected_version=1)


def test_nobody_approves_an_assessment_they_recorded(app, db, setup):
    assessment = _get(db, Assessment, setup.assessment_ids[0])
    assessor = _get(db, User, setup.assessor.id)
    service.save(db.session, assessment, _recording(all_satisfactory(app, setup.standard_id)),
                 actor=assessor, today=TODAY)
    service.submit(db.session, assessment, actor=assessor, today=TODAY, expected_version=assessment.version)
    assessor.role = Role.CERTIFYING_OFFICER  # later promoted: still may not approve their own work
    with pytest.raises(NotAllowed, match="someone else must approve"):
        service.approve(db.session, assessment, actor=assessor, expected_version=assessment.version)


def test_submitted_results_cannot_be_edited_until_returned(app, db, setup):
    assessment = _get(db, Assessment, setup.assessment_ids[0])
    assessor = _get(db, User, setup.assessor.id)
    items = all_satisfactory(app, setup.standard_id)
    service.save(db.session, assessment, _recording(items), actor=assessor, today=TODAY)
    service.submit(db.session, assessment, actor=assessor, today=TODAY, expected_version=assessment.version)
    with pytest.raises(InvalidState):
        service.save(db.session, assessment, _recording(items, 90, assessment.version), actor=assessor, today=TODAY)
    officer = _get(db, User, setup.officer.id)
    with pytest.raises(ValidationFailed):
        service.return_for_correction(db.session, assessment, actor=officer, reason="",
                                      expected_version=assessment.version)
    service.return_for_correction(db.session, assessment, actor=officer, expected_version=assessment.version,
                                  reason="Knowledge score was copied wrongly; it is 90.")
    assert assessment.status is AssessmentStatus.RETURNED
    service.save(db.session, assessment, _recording(items, 90, assessment.version), actor=assessor, today=TODAY)
    assert assessment.status is AssessmentStatus.DRAFT
    service.submit(db.session, assessment, actor=assessor, today=TODAY, expected_version=assessment.version)
    service.approve(db.session, assessment, actor=officer, expected_version=assessment.version)
    db.session.commit()
    trail = [e.action for e in db.session.scalars(sa.select(AuditEntry).where(
        AuditEntry.object_type == "assessment", AuditEntry.object_id == str(assessment.id)).order_by(AuditEntry.id))]
    assert trail[-6:] == ["assessment.record", "assessment.submit", "assessment.return",
                          "assessment.record", "assessment.submit", "assessment.approve"]


def test_incomplete_recording_cannot_be_submitted(app, db, setup):
    assessment = _get(db, Assessment, setup.assessment_ids[0])
    assessor = _get(db, User, setup.assessor.id)
    items = dict(list(all_satisfactory(app, setup.standard_id).items())[:5])
    service.save(db.session, assessment, _recording(items), actor=assessor, today=TODAY)
    with pytest.raises(InvalidState, match="5 of 30"):
        service.submit(db.session, assessment, actor=assessor, today=TODAY, expected_version=assessment.version)


def test_a_stale_version_is_refused_as_a_conflict(app, db, setup):
    assessment = _get(db, Assessment, setup.assessment_ids[0])
    assessor = _get(db, User, setup.assessor.id)
    service.save(db.session, assessment, _recording({}, 50), actor=assessor, today=TODAY)
    with pytest.raises(service.Conflict):
        service.save(db.session, assessment, _recording({}, 70, version=1), actor=assessor, today=TODAY)


def test_bad_evidence_is_refused(app, db, setup):
    assessment = _get(db, Assessment, setup.assessment_ids[0])
    with pytest.raises(ValidationFailed):
        service.save(db.session, assessment, _recording({}, 120), actor=_get(db, User, setup.assessor.id),
                     today=TODAY)


def test_tampering_with_the_audit_log_is_detected(app, db, setup, runner):
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0 and "intact" in result.output
    entry_id = db.session.scalar(sa.select(AuditEntry.id).order_by(AuditEntry.id).offset(2).limit(1))
    db.session.execute(sa.update(AuditEntry).where(AuditEntry.id == entry_id).values(action="candidate.delete"))
    db.session.commit()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1 and f"audit entry {entry_id}: its content does not match" in result.output


def test_deleting_an_audit_entry_is_detected(app, db, setup):
    entry_id = db.session.scalar(sa.select(AuditEntry.id).order_by(AuditEntry.id).offset(1).limit(1))
    db.session.execute(sa.delete(AuditEntry).where(AuditEntry.id == entry_id))
    db.session.commit()
    _count, problems = verify_chain(db.session)
    assert problems and "removed or inserted" in problems[0].message
