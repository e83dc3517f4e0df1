"""Hypothesis against the moderation review and whole-session approval forms: whatever is
posted, the answer is a page or a clean refusal (never a 5xx), and a refused post writes nothing."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skills_cert.assessment.models import ModerationItemReview
from skills_cert.audit.models import AuditEntry
from skills_cert.certification.models import Certificate, SessionApproval

FUZZ = settings(max_examples=25, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
TEXT = st.one_of(
    st.text(max_size=60),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=300),
    st.sampled_from(["", " ", "\x00", "agree", "disagree", "1.1", "1.2 3.4", "\u202eevil", "A" * 5000,
                     "99999999999.1", "1' OR '1'='1", "<script>alert(1)</script>"]),
)


def _count(app, model) -> int:
    from skills_cert.extensions import db

    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))


@pytest.fixture()
def flagged(app, client):
    """A submitted result drawn for moderation, and its certifying officer logged in."""
    from assessment_fixtures import TODAY, all_satisfactory, build

    from skills_cert.accounts.models import User
    from skills_cert.assessment import recording
    from skills_cert.assessment.models import Assessment
    from skills_cert.extensions import db

    setup = build(app)
    app.config["MODERATION_SAMPLE_PERCENT"] = 100.0
    try:
        with app.app_context():
            assessment = db.session.get(Assessment, setup.assessment_ids[0])
            assessor = db.session.get(User, setup.assessor.id)
            recording.save(db.session, assessment, recording.Recording(
                all_satisfactory(app, setup.standard_id), 80.0, {}, assessment.version), actor=assessor, today=TODAY)
            recording.submit(db.session, assessment, actor=assessor, today=TODAY, expected_version=assessment.version)
            db.session.commit()
    finally:
        app.config["MODERATION_SAMPLE_PERCENT"] = 0.0
    client.login(setup.officer.username)
    return setup


@FUZZ
@given(verdict=TEXT, note=TEXT, item_note=TEXT, version=TEXT)
def test_the_review_form_refuses_cleanly(app, client, flagged, verdict, note, item_note, version):
    from helpers import csrf_token

    url = f"/assessments/{flagged.assessment_ids[0]}/moderation"
    before = _count(app, ModerationItemReview), _count(app, AuditEntry)
    response = client.post(url, data={"csrf_token": csrf_token(client.get(url).get_data(as_text=True)),
                                      "version": version, "note": note, "agree-T1.1": verdict,
                                      "note-T1.1": item_note, "agree-T9.9": verdict})
    assert response.status_code < 500
    assert response.status_code != 302  # never every item answered: nothing is saved
    assert (_count(app, ModerationItemReview), _count(app, AuditEntry)) == before


@FUZZ
@given(seen=TEXT)
def test_the_whole_session_approval_refuses_cleanly(app, client, flagged, seen):
    from helpers import csrf_token

    session_url = f"/sessions/{flagged.session_id}"
    before = _count(app, SessionApproval), _count(app, Certificate)
    response = client.post(f"{session_url}/approve-all", data={
        "csrf_token": csrf_token(client.get(session_url).get_data(as_text=True)), "seen": seen})
    assert response.status_code < 500
    # the only result is flagged: whatever is posted, no certificate is issued
    assert _count(app, Certificate) == before[1]
