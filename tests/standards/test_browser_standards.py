"""Journey: a standards officer opens the Thai bricklayer standard in Thai and the Lao one in Lao."""

import pytest
from helpers import browser_login, translated
from standards_fixtures import import_shipped, standard_id

from skills_cert.roles import Role

pytestmark = pytest.mark.browser


def test_thai_standard_in_thai_and_lao_standard_in_lao(app, live_server, users, page, artifacts):
    import_shipped(app)
    page.set_viewport_size({"width": 1024, "height": 900})
    browser_login(page, live_server, app, users[Role.STANDARDS_OFFICER].username, "th")

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
    browser_login(page, live_server, app, users[Role.STANDARDS_OFFICER].username, "en")
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


def test_the_longest_task_prints_on_its_own_pages_with_its_head_on_each(app, live_server, users, page, artifacts):
    """The checklist prints one task per A4 page; the shipped task with the most checks (in English,
    the widest of the three languages) runs onto a second page, and that page repeats the task's
    head and the column heads, loses no check, and nothing passes the right margin (issue 23)."""
    import re

    import pypdfium2

    from skills_cert.extensions import db
    from skills_cert.standards.models import Standard

    import_shipped(app)
    with app.app_context():
        tasks = [(len(t.items), t.title["en"], s.id, [i.code for i in t.items], [x.title["en"] for x in s.guideline.tasks])
                 for s in db.session.query(Standard) for t in s.guideline.tasks]
    _count, title, longest, codes, titles = max(tasks)
    browser_login(page, live_server, app, users[Role.STANDARDS_OFFICER].username, "en")
    page.goto(f"{live_server}/standards/{longest}/checklist")
    path = artifacts / "checklist-longest-task-en.pdf"
    page.pdf(path=str(path), format="A4")
    pdf = pypdfium2.PdfDocument(str(path))
    texts = [" ".join(pdf[i].get_textpage().get_text_range().split()) for i in range(len(pdf))]
    heads = [next(t for t in titles if f"Assessor checklist: {' '.join(t.split())}" in text) for text in texts]
    assert heads[0] == titles[0] and heads == sorted(heads, key=titles.index)  # each task on its own pages
    assert len(pdf) > len(titles)  # the longest task does not fit one page here: it runs over
    pages = [text for text, head in zip(texts, heads, strict=True) if head == title]
    assert len(pages) >= 2 and all("What the assessor checks" in text for text in pages)
    assert "Candidate's signature" in pages[0] and "Candidate's signature" not in pages[1]
    assert [sum(len(re.findall(rf"(?<![\d.]){re.escape(code)}(?![\d.])", text)) for text in pages) for code in codes] \
        == [1] * len(codes)  # every check once, none cut off
    for index in range(len(pdf)):
        image = pdf[index].render(scale=100 / 72).to_pil().convert("L")
        margin = image.crop((image.width - round(9 / 25.4 * 100), 0, image.width, image.height))
        assert margin.getextrema()[0] > 200, f"page {index + 1} prints into the right margin"
