"""In a browser on a phone-sized screen: the registration form fills the name in Thai script as
the Lao name is typed, and leaves a corrected one alone; the verification page puts the name in
Thai script first for a Thai reader and the Lao one first for a Lao reader. Screenshots of both
pages, in Thai and Lao, are written to test-artifacts/."""

import pytest
from assessment_fixtures import build
from certificate_fixtures import approve, verify_path
from helpers import browser_login
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def test_the_name_in_thai_script_on_the_form_and_the_verification_page(app, live_server, page, artifacts):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("the pages' script and layout are the same on both databases; the data is "
                    "checked on both in test_thai_name.py")
    from skills_cert.accounts.models import User
    from skills_cert.assessment import candidates
    from skills_cert.assessment.models import Candidate
    from skills_cert.extensions import db

    setup = build(app)
    with app.app_context():
        candidates.correct_thai_name(db.session, db.session.get(Candidate, setup.candidate_ids[0]),
                                     "สมพอน แก้วมะนี", actor=db.session.get(User, setup.assessor.id))
        db.session.commit()
    path = verify_path(app, approve(app, setup, 0))

    page.set_viewport_size(PHONE)
    browser_login(page, live_server, app, setup.assessor.username, "th")
    page.goto(f"{live_server}/candidates/new")
    page.locator("#name_lao").fill("ບຸນທອງ ຈິດມະນີ")
    expect(page.locator("#name_thai")).to_have_value("บุนทอง จิดมะนี")
    expect(page.locator("#name_latin")).not_to_have_value("")
    page.locator("#name_thai").scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "candidate-thai-name-th.png"))
    latin = page.locator("#name_latin").input_value()
    page.locator("#name_thai").fill("บุญทอง จิตมณี")  # corrected to the work permit: kept
    page.locator("#name_lao").fill("ບຸນທອງ ຈິດມະນີວົງ")
    expect(page.locator("#name_latin")).not_to_have_value(latin)  # the answer has come back
    expect(page.locator("#name_thai")).to_have_value("บุญทอง จิตมณี")

    for locale, first in (("th", "สมพอน แก้วมะนี"), ("lo", "ສົມພອນ ແກ້ວມະນີ")):
        page.goto(f"{live_server}/lang/{locale}?next={path}")
        names = page.locator(".compare .compare-name")
        expect(names.first).to_have_text(first)
        assert names.count() == 3
        page.locator(".compare").scroll_into_view_if_needed()
        page.screenshot(path=str(artifacts / f"verify-thai-name-{locale}.png"))
        page.screenshot(path=str(artifacts / f"verify-thai-name-{locale}-full.png"), full_page=True)
