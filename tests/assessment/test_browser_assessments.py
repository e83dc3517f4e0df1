"""Journey: an assessor records a bricklaying test for two candidates, one competent and one not;
a certifying officer approves both. In Lao, Thai and English, with screenshots as artefacts."""

import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from assessment_fixtures import TODAY, build, critical_item
from certificate_fixtures import seal_verdicts
from credential_fixtures import documents_for, node_verify
from helpers import browser_login, translated
from playwright.sync_api import expect

from skills_cert.assessment.models import AssessmentStatus, Outcome

pytestmark = pytest.mark.browser


def _record(page, app, knowledge: str, fail: str | None = None):
    page.locator("#knowledge").fill(knowledge)
    for radio in page.locator("input[type=radio][value=s]").all():
        radio.check()
    if fail:
        page.locator(f"input[name='item-{fail}'][value=n]").check()
        page.locator(f"input[name='note-{fail}']").fill("ຮອຍຕໍ່ປູນບໍ່ເຕັມ")
    total = page.locator("#progress").inner_text()
    assert "30" in total


@pytest.mark.parametrize("locale", ["lo", "th", "en"])
def test_record_two_candidates_and_approve(app, live_server, page, artifacts, locale, tmp_path):
    if locale != "lo" and not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("Thai and English run on SQLite; PostgreSQL runs the journey in Lao")
    setup = build(app)
    fail, unit = critical_item(app, setup.standard_id)
    page.set_viewport_size({"width": 820, "height": 1100})
    browser_login(page, live_server, app, setup.assessor.username, locale)

    page.locator("nav.main-nav").get_by_role("link", name=translated(app, locale, "Test sessions")).click()
    page.locator("table a").first.click()
    record = translated(app, locale, "Record results")
    page.get_by_role("link", name=record).first.click()
    _record(page, app, "82")
    page.screenshot(path=str(artifacts / f"record-competent-{locale}.png"), full_page=False)
    page.get_by_role("button", name=translated(app, locale, "Submit for approval")).click()
    page.get_by_text(translated(app, locale, "Submitted for approval.")).wait_for()

    page.goto(f"{live_server}/assessments/{setup.assessment_ids[1]}/record")
    _record(page, app, "64", fail=fail)
    page.get_by_role("button", name=translated(app, locale, "Save draft")).click()
    page.get_by_text(translated(app, locale, "Not yet competent")).first.wait_for()
    decision = page.locator("section.decision")
    assert fail in decision.inner_text()
    decision.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / f"record-not-yet-competent-{locale}.png"), full_page=False)
    page.get_by_role("button", name=translated(app, locale, "Submit for approval")).click()
    page.get_by_text(translated(app, locale, "Submitted for approval.")).wait_for()

    browser_login(page, live_server, app, setup.officer.username, locale)
    page.locator("nav.main-nav").get_by_role("link", name=translated(app, locale, "Approvals")).click()
    assert page.locator("tbody tr").count() == 2
    page.screenshot(path=str(artifacts / f"approvals-{locale}.png"), full_page=False)
    for _ in range(2):
        page.locator("tbody tr a").first.click()
        page.get_by_role("button", name=translated(app, locale, "Approve"), exact=True).click()
        page.locator(".flash-success").wait_for()
        assert f"LA-{TODAY.year}-00000" in page.locator(".flash-success").inner_text()
    assert page.get_by_text(translated(app, locale, "Nothing is waiting for approval.")).is_visible()

    from skills_cert.assessment.models import Assessment
    from skills_cert.extensions import db

    with app.app_context():
        first, second = (db.session.get(Assessment, i) for i in setup.assessment_ids)
        assert (first.status, first.outcome) == (AssessmentStatus.APPROVED, Outcome.COMPETENT)
        assert (second.status, second.outcome) == (AssessmentStatus.APPROVED, Outcome.NOT_YET_COMPETENT)
        assert unit not in second.achieved_units and len(second.achieved_units) == 4
        from skills_cert.certification.models import Certificate
        issued = db.session.scalar(sa.select(Certificate.id).where(Certificate.assessment_id == first.id))

    # The certificate issued in the browser, downloaded by the officer's browser, carries a seal
    # that both validators accept once the authority's root is trusted.
    pdf = page.request.get(f"{live_server}/certificates/{issued}/pdf")
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    valid, report = seal_verdicts(app, pdf.body(), tmp_path)
    assert valid and "Signature is Valid." in report and "Certificate is Trusted." in report

    # The same certificate as an Open Badges credential, downloaded from its page with a click,
    # accepted by Digital Bazaar's verifier.
    page.goto(f"{live_server}/certificates/{issued}")
    with page.expect_download() as download:
        page.get_by_role("link", name=translated(app, locale, "Download the digital credential (.json)")).click()
    assert download.value.suggested_filename.endswith(".credential.json")
    credential = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    result, = node_verify([{"credential": credential, "checkStatus": True}],
                          documents_for(app.test_client(), credential))
    assert result["accepted"] is True, result


def test_typed_results_survive_a_dropped_connection(app, live_server, page):
    setup = build(app)
    browser_login(page, live_server, app, setup.assessor.username, "en")
    url = f"{live_server}/assessments/{setup.assessment_ids[0]}/record"
    page.goto(url)
    page.locator("#knowledge").fill("77")
    page.locator("input[name='item-T1.1'][value=s]").check()
    page.locator("input[name='note-T1.1']").fill("helmet, boots, gloves")
    assert "1 of 30" in page.locator("#progress").inner_text()
    page.context.set_offline(True)
    page.get_by_role("button", name="Save draft").click()  # no connection: kept on this device
    expect(page.locator("#offline-status")).to_contain_text("Kept on this device.")
    page.context.set_offline(False)  # the connection returns: what was kept is saved
    expect(page.locator("#offline-status")).to_have_text("The results kept on this device were saved.")
    page.goto(url)  # the assessor comes back later: the server has it all
    assert page.locator("#restore-note").is_hidden()
    assert page.locator("#knowledge").input_value() == "77"
    assert page.locator("input[name='item-T1.1'][value=s]").is_checked()
    assert page.locator("input[name='note-T1.1']").input_value() == "helmet, boots, gloves"
    assert "1 of 30" in page.locator("#progress").inner_text()
