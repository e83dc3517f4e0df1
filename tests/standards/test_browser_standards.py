"""Journey: a standards officer opens the Thai bricklayer standard in Thai and the Lao one in Lao."""

import pytest
from helpers import PASSWORD, translated
from standards_fixtures import import_shipped, standard_id

from skills_cert.roles import Role

pytestmark = pytest.mark.browser


def _login(page, live_server, app, username, locale):
    page.goto(f"{live_server}/lang/{locale}?next=/auth/login")
    page.get_by_label(translated(app, locale, "Username")).fill(username)
    page.get_by_label(translated(app, locale, "Password"), exact=True).fill(PASSWORD)
    page.get_by_role("button", name=translated(app, locale, "Log in")).click()
    page.wait_for_url(f"{live_server}/")


def test_thai_standard_in_thai_and_lao_standard_in_lao(app, live_server, users, page, artifacts):
    import_shipped(app)
    page.set_viewport_size({"width": 1024, "height": 900})
    _login(page, live_server, app, users[Role.STANDARDS_OFFICER].username, "th")

    page.locator("nav.main-nav").get_by_role("link", name=translated(app, "th", "Standards"), exact=True).click()
    page.get_by_label(translated(app, "th", "Search")).fill("ช่างก่ออิฐ")
    page.get_by_role("button", name=translated(app, "th", "Search")).click()
    page.get_by_role("link", name="ช่างก่ออิฐ ระดับ 1").first.wait_for()
    thai_id = standard_id(app, "TH-CON-BRL-L1")
    page.goto(f"{live_server}/standards/{thai_id}")
    assert page.locator("h1").inner_text() == "ช่างก่ออิฐ ระดับ 1"
    assert page.get_by_role("heading", name=translated(app, "th", "Units of competency")).is_visible()
    page.screenshot(path=str(artifacts / "standard-thai-bricklayer-th.png"), full_page=False)

    page.goto(f"{live_server}/lang/lo?next=/standards/{standard_id(app, 'LA-CON-BRL-L1')}")
    assert page.locator("html").get_attribute("lang") == "lo"
    assert page.locator("h1").inner_text() == "ຊ່າງກໍ່ດິນຈີ່ ລະດັບ 1"
    assert page.get_by_role("heading", name=translated(app, "lo", "Assessor guideline")).count() == 1
    page.evaluate("document.fonts.ready")
    assert page.evaluate("document.fonts.check('16px \"SC Lao\"', 'ຊ່າງກໍ່ດິນຈີ່')")
    page.screenshot(path=str(artifacts / "standard-lao-bricklaying-lo.png"), full_page=False)

    page.get_by_role("link", name=translated(app, "lo", "Print assessor checklist")).click()
    page.wait_for_url("**/checklist")
    pdf_path = artifacts / "checklist-lao-bricklaying-lo.pdf"
    page.pdf(path=str(pdf_path), format="A4")
    import pypdfium2

    from skills_cert.extensions import db
    from skills_cert.standards.models import Standard

    with app.app_context():
        tasks = len(db.session.get(Standard, standard_id(app, "LA-CON-BRL-L1")).guideline.tasks)
    assert len(pypdfium2.PdfDocument(str(pdf_path))) == tasks  # one A4 page per practical task
    page.screenshot(path=str(artifacts / "checklist-lao-bricklaying-lo.png"), full_page=False)


def test_officer_drafts_edits_and_endorses_a_new_version(app, live_server, users, page, artifacts):
    from skills_cert.extensions import db
    from skills_cert.standards.models import StandardStatus
    from skills_cert.standards.versions import find_standard

    import_shipped(app)
    page.set_viewport_size({"width": 1024, "height": 900})
    _login(page, live_server, app, users[Role.STANDARDS_OFFICER].username, "en")
    page.goto(f"{live_server}/standards/{standard_id(app, 'LA-CON-PLS-L1')}")
    page.get_by_role("button", name="Draft a new version").click()
    page.get_by_text("Version 2 was created as a draft").wait_for()

    unit_code = page.locator("article.unit .code").first.inner_text()
    page.locator(f"#unit-{unit_code}").get_by_role("link", name="Edit unit").click()
    title_th = page.locator("textarea[name='title-th']")
    title_th.fill("ปฏิบัติงานฉาบปูนอย่างปลอดภัย (ฉบับปรับปรุง)")
    page.screenshot(path=str(artifacts / "standard-unit-edit-en.png"), full_page=False)
    page.get_by_role("button", name="Save unit").click()
    page.get_by_text(f"Unit {unit_code} was saved.").wait_for()

    page.locator("article.task").first.get_by_role("link", name="Edit task and checklist").click()
    page.locator("textarea[name='item-text-lo']").fill("ກວດກາໜ້າຜະໜັງກ່ອນຖືປູນ")
    page.locator("textarea[name='item-text-th']").fill("ตรวจผนังก่อนฉาบปูน")
    page.locator("textarea[name='item-text-en']").fill("Checks the wall before plastering.")
    page.locator("select[name='item-criteria']").select_option(index=0)
    page.get_by_role("button", name="Add item").click()
    page.get_by_text("The checklist item was added.").wait_for()
    page.screenshot(path=str(artifacts / "standard-task-edit-en.png"), full_page=False)

    page.goto(f"{live_server}/standards/{standard_id(app, 'LA-CON-PLS-L1', 2)}")
    page.get_by_role("button", name="Endorse this version").click()
    page.get_by_text("Version 2 is endorsed and can no longer be changed.").wait_for()
    assert page.get_by_role("button", name="Endorse this version").count() == 0

    with app.app_context():
        v2 = find_standard(db.session, "LA-CON-PLS-L1", 2)
        assert v2.status is StandardStatus.ENDORSED
        assert v2.units[0].title["th"] == "ปฏิบัติงานฉาบปูนอย่างปลอดภัย (ฉบับปรับปรุง)"
        assert any(i.text["en"] == "Checks the wall before plastering." for i in v2.guideline.tasks[0].items)
        assert find_standard(db.session, "LA-CON-PLS-L1", 1).status is StandardStatus.SUPERSEDED
