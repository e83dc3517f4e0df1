"""Moderation: sampling reproducible from the audit log, borderline and changed results flagged,
the item-by-item review, and approval refused until the review confirms the marks."""

import pytest
import sqlalchemy as sa
from assessment_fixtures import TODAY, all_satisfactory, build

from skills_cert.accounts.models import User
from skills_cert.assessment import moderation, moderation_review
from skills_cert.assessment import recording as service
from skills_cert.assessment.models import Assessment, AssessmentStatus, ModerationFlag, ModerationStatus
from skills_cert.audit.log import verify_chain
from skills_cert.audit.models import AuditEntry
from skills_cert.config import ConfigError, load_config
from skills_cert.errors import InvalidState, NotAllowed, ValidationFailed

ON = moderation.Settings(sample_percent=0.0, margin=5.0, changed_items=True)


@pytest.fixture()
def setup(app):
    return build(app)


@pytest.fixture()
def moderated(app, monkeypatch):
    """The office's settings: 10 % sampled, 5 points of margin, changed items flagged."""
    for key, value in (("MODERATION_SAMPLE_PERCENT", 10.0), ("MODERATION_MARGIN", 5.0),
                       ("MODERATION_CHANGED_ITEMS", True)):
        monkeypatch.setitem(app.config, key, value)


def _get(db, model, ident):
    return db.session.get(model, ident)


def _submit(app, db, setup, index=0, knowledge=80.0, items=None, first=None):
    """Record (first *first*, then *items*) and submit; the assessment."""
    assessment = _get(db, Assessment, setup.assessment_ids[index])
    assessor = _get(db, User, setup.assessor.id)
    for marks in filter(None, (first, items or all_satisfactory(app, setup.standard_id))):
        service.save(db.session, assessment, service.Recording(marks, knowledge, {}, assessment.version),
                     actor=assessor, today=TODAY)
    service.submit(db.session, assessment, actor=assessor, today=TODAY, expected_version=assessment.version)
    db.session.commit()
    return assessment


def _all_agree(app, setup):
    return {code: (True, "") for code in all_satisfactory(app, setup.standard_id)}


def test_the_draw_is_an_hmac_of_the_recorded_seed():
    seed = "00" * 16
    assert moderation.draw(seed, 1) == moderation.draw(seed, 1)
    assert moderation.draw(seed, 1) != moderation.draw(seed, 2)
    draws = [moderation.draw(f"{n:032x}", 7) for n in range(2000)]
    assert all(0 <= d < 1 for d in draws)
    assert 150 < sum(d < 0.10 for d in draws) < 250  # about 10 %
    assert not moderation.is_sampled(seed, 1, 0) and moderation.is_sampled(seed, 1, 100)


def test_sampling_is_recorded_and_rederivable_from_the_audit_log(app, db, setup, monkeypatch):
    monkeypatch.setitem(app.config, "MODERATION_SAMPLE_PERCENT", 50.0)
    for index in (0, 1):
        _submit(app, db, setup, index)
    entries = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "assessment.submit")).all()
    assert len(entries) == 2
    for entry in entries:
        recorded = entry.changes["moderation"]
        assert len(recorded["seed"]) == 32 and recorded["sample_percent"] == 50.0
        assert recorded["sampled"] == moderation.is_sampled(recorded["seed"], int(entry.object_id), 50.0)
        flag = moderation.current_flag(db.session, _get(db, Assessment, int(entry.object_id)))
        assert (flag is not None) == recorded["sampled"]
    assert moderation.rederive(db.session) == moderation.Rederived(2, [])


def test_borderline_knowledge_score_is_flagged_and_blocks_approval(app, db, setup, moderated, monkeypatch):
    monkeypatch.setitem(app.config, "MODERATION_SAMPLE_PERCENT", 0.0)
    assessment = _submit(app, db, setup, knowledge=63.0)  # pass mark 60, margin 5
    flag = moderation.current_flag(db.session, assessment)
    assert [r["code"] for r in flag.reasons] == ["knowledge_margin"]
    assert "63% is within 5 points of the pass mark of 60%" in moderation.reason_message(flag.reasons[0])
    officer = _get(db, User, setup.officer.id)
    with pytest.raises(InvalidState, match="selected for moderation"):
        service.approve(db.session, assessment, actor=officer, expected_version=assessment.version)
    db.session.rollback()
    flag = moderation_review.review_result(db.session, assessment, moderation_review.Review(
        _all_agree(app, setup), "Checked against the photos.", assessment.version), actor=officer)
    assert flag.status is ModerationStatus.CONFIRMED and len(flag.item_reviews) == 30
    service.approve(db.session, assessment, actor=officer, expected_version=assessment.version)
    db.session.commit()
    assert assessment.status is AssessmentStatus.APPROVED
    actions = [e.action for e in audit_trail(db, assessment)]
    assert actions[-2:] == ["moderation.review", "assessment.approve"]
    assert verify_chain(db.session)[1] == []


def audit_trail(db, assessment):
    return db.session.scalars(sa.select(AuditEntry).where(
        AuditEntry.object_type == "assessment", AuditEntry.object_id == str(assessment.id)).order_by(AuditEntry.id))


def test_a_score_outside_the_margin_is_not_flagged(app, db, setup, moderated, monkeypatch):
    monkeypatch.setitem(app.config, "MODERATION_SAMPLE_PERCENT", 0.0)
    assert moderation.current_flag(db.session, _submit(app, db, setup, knowledge=80.0)) is None


def test_an_item_changed_after_first_saving_is_flagged(app, db, setup, moderated, monkeypatch):
    monkeypatch.setitem(app.config, "MODERATION_SAMPLE_PERCENT", 0.0)
    items = all_satisfactory(app, setup.standard_id)
    code = sorted(items)[3]
    first = {**items, code: (False, "joint not filled")}
    assessment = _submit(app, db, setup, first=first, items=items)
    flag = moderation.current_flag(db.session, assessment)
    assert flag.reasons == [{"code": "item_changed", "params": {"item": code, "first": False, "now": True}}]
    assert assessment.recording_started_at is not None


def test_disagreement_needs_a_note_and_then_blocks_approval_until_returned(app, db, setup, moderated, monkeypatch):
    monkeypatch.setitem(app.config, "MODERATION_SAMPLE_PERCENT", 100.0)
    assessment = _submit(app, db, setup)
    officer = _get(db, User, setup.officer.id)
    verdicts = _all_agree(app, setup)
    code = sorted(verdicts)[0]
    unanswered = {k: v for k, v in verdicts.items() if k != code}
    with pytest.raises(ValidationFailed, match=f"Item {code}: confirm"):
        moderation_review.review_result(db.session, assessment, moderation_review.Review(
            unanswered, "", assessment.version), actor=officer)
    with pytest.raises(ValidationFailed, match="say why you disagree"):
        moderation_review.review_result(db.session, assessment, moderation_review.Review(
            {**verdicts, code: (False, "")}, "", assessment.version), actor=officer)
    db.session.rollback()
    flag = moderation_review.review_result(db.session, assessment, moderation_review.Review(
        {**verdicts, code: (False, "The photo shows gaps in the joints.")}, "", assessment.version), actor=officer)
    assert flag.status is ModerationStatus.DISAGREED
    with pytest.raises(InvalidState, match="return the result for correction"):
        service.approve(db.session, assessment, actor=officer, expected_version=assessment.version)
    db.session.rollback()
    service.return_for_correction(db.session, assessment, actor=officer, reason="Check the joints again.",
                                  expected_version=assessment.version)
    db.session.commit()
    # resubmitted: the old flag is superseded by the new submission's check
    assessor = _get(db, User, setup.assessor.id)
    service.submit(db.session, assessment, actor=assessor, today=TODAY, expected_version=assessment.version)
    db.session.commit()
    statuses = db.session.scalars(sa.select(ModerationFlag.status).where(
        ModerationFlag.assessment_id == assessment.id).order_by(ModerationFlag.id)).all()
    assert statuses == [ModerationStatus.SUPERSEDED, ModerationStatus.OPEN]


def test_the_recorder_may_not_review_and_unflagged_results_have_nothing_to_review(app, db, setup, monkeypatch):
    monkeypatch.setitem(app.config, "MODERATION_SAMPLE_PERCENT", 100.0)
    assessment = _submit(app, db, setup)
    with pytest.raises(NotAllowed):
        moderation_review.review_result(db.session, assessment, moderation_review.Review(
            _all_agree(app, setup), "", assessment.version), actor=_get(db, User, setup.assessor.id))
    monkeypatch.setitem(app.config, "MODERATION_SAMPLE_PERCENT", 0.0)
    second = _submit(app, db, setup, 1)
    with pytest.raises(InvalidState, match="no moderation review waiting"):
        moderation_review.review_result(db.session, second, moderation_review.Review(
            _all_agree(app, setup), "", second.version), actor=_get(db, User, setup.officer.id))


def test_imported_results_are_sampled_and_the_draw_is_in_the_import_entry(app, db, setup, monkeypatch):
    from skills_cert.assessment.bulk_import import import_results, write_template
    from skills_cert.assessment.models import TestSession

    monkeypatch.setitem(app.config, "MODERATION_SAMPLE_PERCENT", 100.0)
    template = write_template(db.session, db.session.get(TestSession, setup.session_id))
    lines = template.splitlines()
    header = lines[0].split(",")
    rows = [line.split(",") for line in lines[1:]]
    for row in rows:
        row[header.index("knowledge")] = "80"
        for i, name in enumerate(header):
            if name.startswith("T"):
                row[i] = "S"
    data = "\n".join([",".join(header), *(",".join(r) for r in rows)]).encode()
    result = import_results(db.session, data, actor=_get(db, User, setup.assessor.id), today=TODAY)
    assert result.ok, result.errors
    db.session.commit()
    flags = moderation.current_flags(db.session, setup.assessment_ids)
    assert set(flags) == set(setup.assessment_ids)
    assert all(f.reasons[0]["code"] == "sample" for f in flags.values())
    assert moderation.rederive(db.session) == moderation.Rederived(2, [])


@pytest.mark.parametrize("name,value", [("MODERATION_SAMPLE_PERCENT", "120"), ("MODERATION_SAMPLE_PERCENT", "ten"),
                                        ("MODERATION_MARGIN", "-1"), ("MODERATION_MARGIN", "nan")])
def test_bad_moderation_settings_are_refused(monkeypatch, tmp_path, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match=name):
        load_config(str(tmp_path))


def test_moderation_settings_come_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("MODERATION_SAMPLE_PERCENT", "12.5")
    monkeypatch.setenv("MODERATION_MARGIN", "3")
    monkeypatch.setenv("MODERATION_CHANGED_ITEMS", "off")
    monkeypatch.setenv("SKILLS_CERT_ENV", "development")
    config = load_config(str(tmp_path))
    assert (config["MODERATION_SAMPLE_PERCENT"], config["MODERATION_MARGIN"],
            config["MODERATION_CHANGED_ITEMS"]) == (12.5, 3.0, False)


def test_the_command_draws_every_sample_again(app, db, setup, runner, monkeypatch):
    monkeypatch.setitem(app.config, "MODERATION_SAMPLE_PERCENT", 50.0)
    _submit(app, db, setup, 0)
    result = runner.invoke(args=["assessments", "moderation-draws"])
    assert result.exit_code == 0 and "1 submission(s) drawn again from their seeds; 0 do not match" in result.output
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "assessment.submit"))
    assert moderation.is_sampled(entry.changes["moderation"]["seed"], int(entry.object_id), 50.0) \
        == entry.changes["moderation"]["sampled"]
