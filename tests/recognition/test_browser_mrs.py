"""Journey: a standards officer maps one unit in the workbench and sees the coverage change."""

import datetime as dt

import pytest
from helpers import PASSWORD, make_user
from standards_fixtures import import_shipped, standard_id

from skills_cert.roles import Role

pytestmark = pytest.mark.browser


def _draft_mapping(app, officer_id):
    from skills_cert.accounts.models import User
    from skills_cert.extensions import db
    from skills_cert.recognition import agreements, mappings
    from skills_cert.standards.models import Standard

    with app.app_context():
        actor = db.session.get(User, officer_id)
        agreement = agreements.create_agreement(db.session, {
            "code": "MRS-LA-TH-TRIAL", "origin_country": "LA", "destination_country": "TH",
            "sector": "construction", "title": {"lo": "ທົດລອງ", "th": "ทดลอง", "en": "Trial agreement"},
            "reference": "TRIAL/1", "signed_on": None, "effective_from": dt.date(2031, 1, 1),
            "effective_until": None}, actor=actor)
        mapping = mappings.add_mapping(db.session, agreement, db.session.get(Standard, standard_id(app, "LA-CON-PLS-L1")),
                                         db.session.get(Standard, standard_id(app, "TH-CON-PLS-L1")), actor=actor)
        db.session.commit()
        return mapping.id


def test_mapping_one_unit_changes_the_coverage(app, live_server, page, artifacts):
    import_shipped(app)
    officer = make_user(app, Role.STANDARDS_OFFICER)
    mapping_id = _draft_mapping(app, officer.id)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server}/lang/en?next=/auth/login")
    page.get_by_label("Username").fill(officer.username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server}/")

    page.goto(f"{live_server}/mrs/mappings/{mapping_id}")
    coverage = page.get_by_test_id("coverage-percent")
    assert coverage.inner_text() == "0%"
    unit = page.locator("#origin-LA-CON-PLS-01")
    assert "Reads most like TH-CON-PLS-01" in unit.locator(".suggestion").inner_text()
    unit.get_by_text("Map this unit").click()
    form = unit.locator("details.add-mapping form")
    form.get_by_label("TH-CON-PLS-01 Work safety in plastering").check()
    form.get_by_label("Relation").select_option("equivalent")
    for lang, text in (("lo", "ກົງກັນ"), ("th", "ตรงกัน"), ("en", "The three elements correspond.")):
        form.locator(f'[name="new-LA-CON-PLS-01-justification-{lang}"]').fill(text)
    form.get_by_role("button", name="Save mapping").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("coverage-percent").inner_text() == "20%"
    assert "Covered" in page.locator("#destination-TH-CON-PLS-01").inner_text()
    assert "The three elements correspond." in page.locator("#origin-LA-CON-PLS-01").inner_text()
    page.screenshot(path=str(artifacts / "mrs-workbench-en.png"), full_page=False)
