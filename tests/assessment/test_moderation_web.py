"""The moderation pages: the approval held until the item-by-item review, the review form's
refusals, and the assessor report (administrators only, aggregates only)."""

import pytest
import sqlalchemy as sa
from assessment_fixtures import TODAY, all_satisfactory, build

from skills_cert.accounts.models import User
from skills_cert.assessment import recording
from skills_cert.assessment.assessor_report import assessor_report, overturned_on_appeal
from skills_cert.assessment.models import Assessment, AssessmentStatus, ModerationFlag, ModerationStatus
from skills_cert.audit import log as audit


@pytest.fixture()
def setup(app):
    return build(app)


def _submit(app, setup, index=0, sample=100.0, knowledge=80.0):
    from skills_cert.extensions import db

    app.config["MODERATION_SAMPLE_PERCENT"] = sample
    try:
        with app.app_context():
            assessment = db.session.get(Assessment, setup.assessment_ids[index])
            assessor = db.session.get(User, setup.assessor.id)
            recording.save(db.session, assessment, recording.Recording(
                all_satisfactory(app, setup.standard_id), knowledge, {}, assessment.version),
                actor=assessor, today=TODAY)
            recording.submit(db.session, assessment, actor=assessor, today=TODAY, expected_version=assessment.version)
            db.session.commit()
            return assessment.id, assessment.version
    finally:
        app.config["MODERATION_SAMPLE_PERCENT"] = 0.0


def test_a_flagged_result_is_held_until_reviewed_item_by_item(app, client, setup):
    assessment_id, version = _submit(app, setup)
    client.login(setup.officer.username)
    client.get("/lang/en")  # the assertions read the English wording
    page = client.get(f"/assessments/{assessment_id}").get_data(as_text=True)
    assert "Review item by item" in page and 'id="approval-held"' in page
    # a forged post of the approve button is refused with the reason, and changes nothing
    response = client.submit(f"/assessments/{assessment_id}/approve", {"version": version},
                             form_url=f"/assessments/{assessment_id}")
    assert response.status_code == 422 and "selected for moderation" in response.get_data(as_text=True)
    url = f"/assessments/{assessment_id}/moderation"
    form = client.get(url).get_data(as_text=True)
    assert form.count('value="agree"') == 30
    response = client.submit(url, {"version": version, "agree-T1.1": "agree"})
    assert response.status_code == 422 and "T1.2: confirm the assessor" in response.get_data(as_text=True)
    verdicts = {f"agree-{code}": "agree" for code in all_satisfactory(app, setup.standard_id)}
    response = client.submit(url, {"version": version, **verdicts, "agree-T1.1": "sideways"})
    assert response.status_code == 422
    response = client.submit(url, {"version": version, "note": "Photos match the marks.", **verdicts})
    assert response.status_code == 302
    from skills_cert.extensions import db

    with app.app_context():
        flag = db.session.scalar(sa.select(ModerationFlag))
        assert flag.status is ModerationStatus.CONFIRMED and flag.note == "Photos match the marks."
    response = client.submit(f"/assessments/{assessment_id}/approve", {"version": version},
                             form_url=f"/assessments/{assessment_id}")
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Assessment, assessment_id).status is AssessmentStatus.APPROVED


def test_hidden_characters_in_a_review_note_are_refused(app, client, setup):
    assessment_id, version = _submit(app, setup)
    client.login(setup.officer.username)
    client.get("/lang/en")  # the assertions read the English wording
    verdicts = {f"agree-{code}": "agree" for code in all_satisfactory(app, setup.standard_id)}
    response = client.submit(f"/assessments/{assessment_id}/moderation",
                             {"version": version, **verdicts, "note-T1.1": "ok\u202egnorw"})
    assert response.status_code == 422


def test_the_approvals_list_and_the_session_page_show_the_flag(app, client, setup):
    _submit(app, setup)
    client.login(setup.officer.username)
    client.get("/lang/en")  # the assertions read the English wording
    for url in ("/approvals/", f"/sessions/{setup.session_id}"):
        assert "badge-moderation-open" in client.get(url).get_data(as_text=True)


def test_the_assessor_report_compares_pass_rates_and_counts_overturns(app, client, setup):
    from skills_cert.certification.issuing import approve_and_issue
    from skills_cert.extensions import db

    for index in (0, 1):
        _submit(app, setup, index, sample=0.0, knowledge=80.0 if index == 0 else 40.0)
    with app.app_context():
        officer = db.session.get(User, setup.officer.id)
        for assessment_id in setup.assessment_ids:
            assessment = db.session.get(Assessment, assessment_id)
            approve_and_issue(db.session, assessment, actor=officer, expected_version=assessment.version,
                              today=TODAY, key_dir=app.config["SIGNING_KEY_DIR"], allow_key_generation=True)
        audit.record(db.session, actor=officer, action="appeal.overturned", object_type="assessment",
                     object_id=setup.assessment_ids[1], changes={})
        db.session.commit()
        assert overturned_on_appeal(db.session, setup.assessment_ids) == {setup.assessment_ids[1]: 1}
        [row] = assessor_report(db.session)
        assert (row.results, row.competent, row.centre_rate, row.country_rate) == (2, 1, 0.5, 0.5)
        assert row.overturned == 1 and row.items_marked == 30 and len(row.never_not_satisfactory) == 30
        assert row.median_minutes is not None and row.median_minutes >= 0
    client.login(setup.admin.username)
    client.get("/lang/en")  # the assertions read the English wording
    page = client.get("/admin/assessors/report")
    assert page.status_code == 200 and "LA-CON-BRL-L1" in page.get_data(as_text=True)
    assert "Somphone" not in page.get_data(as_text=True)  # no candidate is named
    client.logout()
    client.login(setup.officer.username)
    client.get("/lang/en")  # the assertions read the English wording
    assert client.get("/admin/assessors/report").status_code == 403
