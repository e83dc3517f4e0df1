"""Journey in Lao: an assessor helps an RPL candidate fill in the self-assessment, records a Thai
employer's reference letter in the portfolio, accepts it against a unit, records the shorter
demonstration, and sees the unit credited on the decision. Screenshots are artefacts."""

import pytest
import sqlalchemy as sa
from assessment_fixtures import build
from helpers import browser_login, translated
from rpl_fixtures import UNIT, UNIT_ONLY_ITEMS, reference_letter_pdf

from skills_cert.assessment.rpl_models import EvidenceFile, PortfolioItem, SelfRating

pytestmark = pytest.mark.browser


def test_self_assessment_then_a_thai_reference_credits_a_unit(app, live_server, page, artifacts):
    setup = build(app)
    assessment = setup.assessment_ids[0]  # the RPL candidate
    page.set_viewport_size({"width": 820, "height": 1100})
    browser_login(page, live_server, app, setup.assessor.username)

    # 1. The self-assessment, unit by unit and element by element
    page.goto(f"{live_server}/assessments/{assessment}/self-assessment")
    assert page.locator("html").get_attribute("lang") == "lo"
    for radio in page.locator("input[type=radio][value=sometimes]").all():
        radio.check()
    page.locator(f"input[name='rate-{UNIT}'][value=regularly]").check()
    page.locator(f"input[name='rate-{UNIT}/3'][value=regularly]").check()
    page.locator("input[name='rate-LA-CON-BRL-05'][value=never]").check()
    page.screenshot(path=str(artifacts / "rpl-self-assessment-lo.png"), full_page=False)
    page.locator("#self-assessment button[type=submit]").click()
    page.locator(".flash-success").wait_for()

    # 2. The portfolio: a reference letter in Thai, with its PDF, supporting the unit
    page.goto(f"{live_server}/assessments/{assessment}/portfolio")
    form = page.locator("#add-item form")
    form.locator("select[name=kind]").select_option("reference")
    form.locator("input[name=title]").fill("หนังสือรับรองการทำงาน จากผู้จัดการโครงการ")
    form.locator("input[name=source]").fill("บริษัท ก่อสร้างไทย จำกัด")
    form.locator("input[name=place]").fill("กรุงเทพมหานคร")
    form.locator("input[name=date_from]").fill("2016-05-01")
    form.locator("input[name=date_to]").fill("2024-03-31")
    form.locator(f"input[name=supports][value='{UNIT}']").check()
    form.locator("input[name=file]").set_input_files(files=[{
        "name": "หนังสือรับรอง.pdf", "mimeType": "application/pdf", "buffer": reference_letter_pdf()}])
    form.locator("button[type=submit]").click()
    page.locator("#item-1").wait_for()
    assert "หนังสือรับรอง.pdf" in page.locator("#item-1").inner_text()

    # 3. The assessor reads the letter and accepts it
    judge = page.locator("#item-1 details.judge form")
    judge.locator("input[name='item1-judgement'][value=accepted]").check()
    judge.locator("button[type=submit]").click()
    page.locator("#item-1 .badge-accepted").wait_for()
    page.locator("#item-1").scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "rpl-portfolio-lo.png"), full_page=False)

    # 4. The shorter demonstration: the unit's other items are not recorded
    page.goto(f"{live_server}/assessments/{assessment}/record")
    panel = page.locator("#rpl")
    assert UNIT in panel.inner_text() and "T1.8" in panel.inner_text()
    panel.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "rpl-panel-lo.png"), full_page=False)
    page.locator("#knowledge").fill("82")
    for radio in page.locator("input[type=radio][value=s]").all():
        radio.check()
    for code in UNIT_ONLY_ITEMS:
        page.locator(f"input[name='item-{code}'][value='']").check()
    page.get_by_role("button", name=translated(app, "lo", "Save draft")).click()
    page.locator(".flash-success").wait_for()
    credited = page.locator("section.decision li[data-code=unit_credited]")
    assert UNIT in credited.inner_text() and "1" in credited.inner_text()
    assert page.locator("section.decision .outcome").inner_text().startswith(translated(app, "lo", "Competent"))
    page.locator("section.decision").scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "rpl-decision-lo.png"), full_page=False)

    from skills_cert.extensions import db

    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(SelfRating)) == 23
        item = db.session.scalar(sa.select(PortfolioItem))
        assert item.judgement.value == "accepted" and item.supports == [UNIT]
        assert db.session.scalar(sa.select(EvidenceFile.media_type)) == "application/pdf"
