"""Whole-session approval: every result the officer may approve, in batches that commit whole;
flagged, self-recorded and changed results skipped with their reason; the CLI, the pages."""

import re

import pytest
import sqlalchemy as sa
from assessment_fixtures import TODAY, all_satisfactory, build, critical_item

from skills_cert.accounts.models import User
from skills_cert.assessment import recording
from skills_cert.assessment.models import Assessment, AssessmentStatus, TestSession
from skills_cert.audit import log as audit
from skills_cert.audit.models import AuditEntry
from skills_cert.certification import session_approval as service
from skills_cert.certification.models import Certificate, CertificateKind
from skills_cert.errors import InvalidState, ValidationFailed


@pytest.fixture()
def setup(app):
    return build(app)


def _submit(app, setup, index, *, sample=0.0, fail_critical=False):
    from skills_cert.extensions import db

    app.config["MODERATION_SAMPLE_PERCENT"] = sample
    try:
        with app.app_context():
            assessment = db.session.get(Assessment, setup.assessment_ids[index])
            assessor = db.session.get(User, setup.assessor.id)
            items = all_satisfactory(app, setup.standard_id)
            if fail_critical:
                items[critical_item(app, setup.standard_id)[0]] = (False, "joints not filled")
            recording.save(db.session, assessment, recording.Recording(items, 80.0, {}, assessment.version),
                           actor=assessor, today=TODAY)
            recording.submit(db.session, assessment, actor=assessor, today=TODAY, expected_version=assessment.version)
            db.session.commit()
    finally:
        app.config["MODERATION_SAMPLE_PERCENT"] = 0.0


def _run(app, setup, seen=None, commits=None):
    from skills_cert.extensions import db

    test_session = db.session.get(TestSession, setup.session_id)
    officer = db.session.get(User, setup.officer.id)
    found = service.overview(db.session, test_session, officer)
    run = service.start(db.session, test_session, seen if seen is not None else [
        (a.id, a.version) for a in (*found.ready, *(a for a, _f in found.flagged), *found.yours)], actor=officer)

    def commit():
        db.session.commit()
        if commits is not None:
            commits.append(run.position)
    return service.proceed(db.session, run, actor=officer, today=TODAY, key_dir=app.config["SIGNING_KEY_DIR"],
                           allow_key_generation=True, commit=commit)


def test_a_whole_session_is_approved_with_certificates_and_statements(app, db, setup, monkeypatch):
    _submit(app, setup, 0)
    _submit(app, setup, 1, fail_critical=True)
    monkeypatch.setattr(service, "BATCH", 1)
    commits = []
    run = _run(app, setup, commits=commits)
    assert (run.certificates, run.attainments, run.without_certificate, run.skipped) == (1, 1, 0, [])
    assert run.finished_at is not None and commits == [0, 1, 2]  # the run, then one per batch (the last with the summary)
    kinds = sorted(c.kind.value for c in db.session.scalars(sa.select(Certificate)))
    assert kinds == [CertificateKind.ATTAINMENT.value, CertificateKind.CERTIFICATE.value]
    actions = db.session.scalars(sa.select(AuditEntry.action).where(AuditEntry.object_type == "test_session")
                                 .order_by(AuditEntry.id)).all()
    assert actions[-2:] == ["session.approval_start", "session.approval_finish"]
    assert audit.verify_chain(db.session)[1] == []


def test_flagged_self_recorded_and_changed_results_are_skipped_and_listed(app, db, setup):
    _submit(app, setup, 0, sample=100.0)  # drawn for moderation
    _submit(app, setup, 1)
    run = _run(app, setup)
    assert run.skipped == [[setup.assessment_ids[0], "moderation"]] and run.certificates == 1
    assert db.session.get(Assessment, setup.assessment_ids[0]).status is AssessmentStatus.SUBMITTED
    with pytest.raises(InvalidState, match="no submitted result"):
        _run(app, setup, seen=[(setup.assessment_ids[1], 1)])  # approved already: nothing to do


def test_the_two_person_rule_and_the_version_seen_still_apply(app, db, setup):
    _submit(app, setup, 0)
    _submit(app, setup, 1)
    officer = db.session.get(User, setup.officer.id)
    audit.record(db.session, actor=officer, action="assessment.record", object_type="assessment",
                 object_id=setup.assessment_ids[0], changes={"note": "typed by the officer"})
    db.session.commit()
    second = db.session.get(Assessment, setup.assessment_ids[1])
    run = _run(app, setup, seen=[(setup.assessment_ids[0], db.session.get(Assessment, setup.assessment_ids[0]).version),
                                 (second.id, second.version - 1)])
    assert run.skipped == [[setup.assessment_ids[0], "recorded_by_you"], [second.id, "changed"]]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Certificate)) == 0


def test_an_interrupted_run_is_carried_on_not_restarted(app, db, setup):
    _submit(app, setup, 0)
    _submit(app, setup, 1)
    test_session = db.session.get(TestSession, setup.session_id)
    officer = db.session.get(User, setup.officer.id)
    run = service.start(db.session, test_session, [(a, 2) for a in setup.assessment_ids], actor=officer)
    db.session.commit()
    again = service.start(db.session, test_session, [], actor=officer)
    assert again.id == run.id
    assert service.overview(db.session, test_session, officer).run.id == run.id


@pytest.mark.parametrize("raw", ["1.2 x", "1;2", "1.2.3", " ".join(["1.1"] * 5001), "1." + "9" * 20])
def test_a_damaged_list_of_results_is_refused(raw):
    with pytest.raises(ValidationFailed):
        service.parse_seen(raw)


def test_the_command_approves_a_session(app, runner, setup):
    _submit(app, setup, 0)
    _submit(app, setup, 1, sample=100.0)
    result = runner.invoke(args=["certificates", "approve-session", str(setup.session_id),
                                 "--officer", setup.officer.username])
    assert result.exit_code == 0, result.output
    assert "certificates 1, statements of attainment 0" in result.output
    assert f"skipped assessment {setup.assessment_ids[1]}: moderation" in result.output
    result = runner.invoke(args=["certificates", "approve-session", "999999", "--officer", setup.officer.username])
    assert result.exit_code == 1 and "no test session" in result.output


def test_the_session_page_approves_every_result_in_one_action(app, client, setup):
    _submit(app, setup, 0)
    _submit(app, setup, 1, sample=100.0)
    client.login(setup.officer.username)
    client.get("/lang/en")  # the assertions read the English wording
    page = client.get(f"/sessions/{setup.session_id}").get_data(as_text=True)
    assert "Approve the whole session" in page and "will be skipped" in page
    seen = re.search(r'name="seen" value="([^"]*)"', page).group(1)
    response = client.submit(f"/sessions/{setup.session_id}/approve-all", {"seen": seen},
                             form_url=f"/sessions/{setup.session_id}", follow_redirects=True)
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and "The session's results were approved" in text
    assert "Selected for moderation and not yet reviewed." in text
    assert "1 certificate issued" in text and "1 result skipped" in text


def test_a_damaged_post_changes_nothing(app, client, setup):
    _submit(app, setup, 0)
    client.login(setup.officer.username)
    client.get("/lang/en")  # the assertions read the English wording
    response = client.submit(f"/sessions/{setup.session_id}/approve-all", {"seen": "<script>"},
                             form_url=f"/sessions/{setup.session_id}", follow_redirects=True)
    assert response.status_code == 200 and "was damaged" in response.get_data(as_text=True)
    from skills_cert.extensions import db

    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Certificate)) == 0


def test_another_officer_cannot_carry_on_someone_elses_run(app, client, setup):
    from helpers import make_user

    from skills_cert.extensions import db
    from skills_cert.roles import Role

    _submit(app, setup, 0)
    with app.app_context():
        run = service.start(db.session, db.session.get(TestSession, setup.session_id), [(setup.assessment_ids[0], 2)],
                            actor=db.session.get(User, setup.officer.id))
        db.session.commit()
        run_id = run.id
    other = make_user(app, Role.CERTIFYING_OFFICER)
    client.login(other.username)
    client.get("/lang/en")  # the assertions read the English wording
    url = f"/sessions/{setup.session_id}/approvals/{run_id}"
    response = client.submit(f"{url}/continue", {}, form_url="/", follow_redirects=True)
    assert "only they can carry it on" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Assessment, setup.assessment_ids[0]).status is AssessmentStatus.SUBMITTED


def test_the_new_pages_admit_only_their_roles(app):
    from skills_cert.roles import Role

    expected = {
        "assessments.approve_session": {Role.CERTIFYING_OFFICER},
        "assessments.session_approval": {Role.CERTIFYING_OFFICER},
        "assessments.continue_session_approval": {Role.CERTIFYING_OFFICER},
        "assessments.moderation_review": {Role.CERTIFYING_OFFICER},
        "admin.assessor_report": {Role.ADMINISTRATOR},
    }
    # tests/app/test_access_matrix.py then tries every role on every route
    assert {endpoint: set(app.view_functions[endpoint].required_roles) for endpoint in expected} == expected


def test_progress_is_shown_and_the_run_carried_on_request_by_request(app, client, setup, monkeypatch):
    from skills_cert.certification.views import session_approval as views

    _submit(app, setup, 0)
    _submit(app, setup, 1)
    monkeypatch.setattr(service, "BATCH", 1)
    monkeypatch.setattr(views, "SECONDS_PER_REQUEST", 0.0)  # one batch per request
    client.login(setup.officer.username)
    client.get("/lang/en")  # the assertions read the English wording
    page = client.get(f"/sessions/{setup.session_id}").get_data(as_text=True)
    seen = re.search(r'name="seen" value="([^"]*)"', page).group(1)
    response = client.submit(f"/sessions/{setup.session_id}/approve-all", {"seen": seen},
                             form_url=f"/sessions/{setup.session_id}", follow_redirects=True)
    text = response.get_data(as_text=True)
    assert "1 of 2 results processed" in text and 'id="continue-form"' in text and "js/continue.js" in text
    # the page closed here: the session page offers to carry on
    page = client.get(f"/sessions/{setup.session_id}").get_data(as_text=True)
    assert "stopped before the end: 1 of 2" in page
    run_url = re.search(r'href="(/sessions/\d+/approvals/\d+)"', page).group(1)
    response = client.submit(f"{run_url}/continue", {}, form_url=run_url, follow_redirects=True)
    text = response.get_data(as_text=True)
    assert "2 of 2 results processed" in text and 'id="continue-form"' not in text
    assert "2 certificates issued" in text


def test_without_a_signing_key_every_result_is_skipped_with_the_refusal(app, db, setup):
    _submit(app, setup, 0)
    test_session = db.session.get(TestSession, setup.session_id)
    officer = db.session.get(User, setup.officer.id)
    assessment = db.session.get(Assessment, setup.assessment_ids[0])
    run = service.start(db.session, test_session, [(assessment.id, assessment.version)], actor=officer)
    run = service.proceed(db.session, run, actor=officer, today=TODAY, key_dir=app.config["SIGNING_KEY_DIR"],
                          allow_key_generation=False, commit=db.session.commit)  # as production, no key
    [[aid, code, message]] = run.skipped
    assert (aid, code) == (assessment.id, "refused") and "no signing key" in message
    assert db.session.get(Assessment, aid).status is AssessmentStatus.SUBMITTED  # nothing half done
