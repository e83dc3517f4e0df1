"""Journey in Lao: a result drawn for moderation holds its approval until a certifying officer
reviews it item by item; the whole session is approved in one action, the flagged result skipped
and listed, then approved in a second whole-session approval after its review."""

import pytest
from assessment_fixtures import TODAY, all_satisfactory, build
from helpers import PASSWORD, translated

pytestmark = pytest.mark.browser


def _lo(app, message: str, **params) -> str:
    """The Lao catalogue's text (English until the message is translated)."""
    from flask_babel import force_locale, gettext

    with app.test_request_context(), force_locale("lo"):
        return gettext(message, **params)


def _lo_n(app, singular: str, plural: str, n: int) -> str:
    from flask_babel import force_locale, ngettext

    with app.test_request_context(), force_locale("lo"):
        return ngettext(singular, plural, n)


def _submit(app, setup, index: int, sample: float) -> None:
    from skills_cert.accounts.models import User
    from skills_cert.assessment import recording
    from skills_cert.assessment.models import Assessment
    from skills_cert.extensions import db

    app.config["MODERATION_SAMPLE_PERCENT"] = sample
    try:
        with app.app_context():
            assessment = db.session.get(Assessment, setup.assessment_ids[index])
            assessor = db.session.get(User, setup.assessor.id)
            recording.save(db.session, assessment, recording.Recording(
                all_satisfactory(app, setup.standard_id), 80.0, {}, assessment.version), actor=assessor, today=TODAY)
            recording.submit(db.session, assessment, actor=assessor, today=TODAY, expected_version=assessment.version)
            db.session.commit()
    finally:
        app.config["MODERATION_SAMPLE_PERCENT"] = 0.0


def test_moderation_holds_approval_and_a_whole_session_is_approved(app, live_server, page, artifacts):
    setup = build(app)
    _submit(app, setup, 0, sample=100.0)  # drawn for moderation
    _submit(app, setup, 1, sample=0.0)
    flagged = setup.assessment_ids[0]
    page.goto(f"{live_server}/lang/lo?next=/auth/login")
    page.get_by_label(translated(app, "lo", "Username")).fill(setup.officer.username)
    page.get_by_label(translated(app, "lo", "Password"), exact=True).fill(PASSWORD)
    page.get_by_role("button", name=translated(app, "lo", "Log in")).click()
    page.wait_for_url(f"{live_server}/")

    page.goto(f"{live_server}/assessments/{flagged}")  # approval held until the review
    assert page.locator("html").get_attribute("lang") == "lo"
    assert page.locator("#approval-held").is_visible()
    assert page.locator("form[action$='/approve']").count() == 0
    page.screenshot(path=str(artifacts / "moderation-held-lo.png"), full_page=True)

    page.goto(f"{live_server}/sessions/{setup.session_id}")
    panel = page.locator("#session-approval")
    assert "Somphone Keomany" in panel.inner_text()  # listed as waiting for its review
    page.screenshot(path=str(artifacts / "session-approval-panel-lo.png"), full_page=True)
    panel.get_by_role("button").click()
    page.wait_for_url(f"{live_server}/sessions/{setup.session_id}/approvals/*")
    assert page.locator("#run-progress").get_attribute("value") == "2"
    skipped = page.locator("table").inner_text()
    assert "Somphone Keomany" in skipped and _lo(app, "Selected for moderation and not yet reviewed.") in skipped
    assert "Bounmy Phommachanh" not in skipped
    page.screenshot(path=str(artifacts / "session-approval-summary-lo.png"), full_page=True)

    page.goto(f"{live_server}/assessments/{flagged}")
    page.locator("#moderation a.button").click()
    page.wait_for_url(f"{live_server}/assessments/{flagged}/moderation")
    for radio in page.locator("input[type=radio][value=agree]").all():
        radio.check()
    page.locator("#note").fill("ກວດກັບຮູບຖ່າຍແລ້ວ ຖືກຕ້ອງ")
    page.screenshot(path=str(artifacts / "moderation-review-lo.png"), full_page=False)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{live_server}/assessments/{flagged}")
    assert page.locator("#approval-held").count() == 0
    assert page.locator("form[action$='/approve'] button").is_visible()

    page.goto(f"{live_server}/sessions/{setup.session_id}")
    page.locator("#session-approval").get_by_role("button").click()
    page.wait_for_url(f"{live_server}/sessions/{setup.session_id}/approvals/*")
    assert page.locator("#run-certificates").inner_text() == _lo_n(app, "%(num)d certificate issued",
                                                                   "%(num)d certificates issued", 1)
    assert page.locator("table").count() == 0  # nothing skipped
    page.screenshot(path=str(artifacts / "session-approval-done-lo.png"), full_page=True)

    page.context.clear_cookies()  # the administrators' assessor report
    page.goto(f"{live_server}/lang/lo?next=/auth/login")
    page.get_by_label(translated(app, "lo", "Username")).fill(setup.admin.username)
    page.get_by_label(translated(app, "lo", "Password"), exact=True).fill(PASSWORD)
    page.get_by_role("button", name=translated(app, "lo", "Log in")).click()
    page.wait_for_url(f"{live_server}/")
    page.goto(f"{live_server}/admin/assessors/report")
    row = page.locator("tbody tr").first.inner_text()
    assert "LA-CON-BRL-L1" in row and "100%" in row and "Somphone" not in page.content()
    page.screenshot(path=str(artifacts / "assessor-report-lo.png"), full_page=True)
