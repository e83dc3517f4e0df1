"""Planning a session: the assessor list shows only those accredited for the chosen standard, as
checkboxes, and follows the standard as it changes. In Lao, with a screenshot."""

import datetime as dt

import pytest
import sqlalchemy as sa
from assessment_fixtures import TODAY, build
from helpers import browser_login, make_user
from standards_fixtures import standard_id

from skills_cert.roles import Role

pytestmark = pytest.mark.browser


def test_only_accredited_assessors_are_offered(app, live_server, page, artifacts):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("the page's script runs the same on both databases; the query is on both in the web tests")
    from skills_cert.accounts.models import User
    from skills_cert.assessment import sessions
    from skills_cert.assessment.models import TestSession
    from skills_cert.extensions import db

    setup = build(app)  # two assessors accredited for LA-CON-BRL-L1
    plasterer = make_user(app, Role.ASSESSOR, full_name="ພອນສະຫວັນ ສີວົງ")
    unaccredited = make_user(app, Role.ASSESSOR, full_name="ບໍ່ມີ ໃບຮັບຮອງ")
    with app.app_context():
        sessions.accredit(db.session, db.session.get(User, plasterer.id), "LA-CON-PLS-L1",
                          TODAY + dt.timedelta(days=200), actor=db.session.get(User, setup.admin.id), today=TODAY)
        db.session.commit()
    bricklaying, plastering = standard_id(app, "LA-CON-BRL-L1"), standard_id(app, "LA-CON-PLS-L1")

    page.set_viewport_size({"width": 1024, "height": 900})
    browser_login(page, live_server, app, setup.admin.username, "lo")
    page.goto(f"{live_server}/sessions/new")
    rows = page.locator("#assessor-picker [data-codes]")
    assert rows.count() == 3  # the unaccredited assessor is never listed
    assert unaccredited.username not in page.locator("#assessor-picker").inner_text()

    page.select_option("select[name=standard]", str(bricklaying))
    plasterer_row = page.locator(f"#assessor-picker label:has(input[value='{plasterer.id}'])")
    assert page.locator("#assessor-picker [data-codes]:visible").count() == 2 and plasterer_row.is_hidden()
    page.select_option("select[name=standard]", str(plastering))
    assert page.locator("#assessor-picker [data-codes]:visible").count() == 1 and plasterer_row.is_visible()
    page.locator(f"input[name=assessors][value='{plasterer.id}']").check()
    page.fill("input[name=test_date]", (TODAY + dt.timedelta(days=7)).isoformat())
    page.screenshot(path=str(artifacts / "session-new-lo.png"), full_page=True)
    page.locator("form#session-form button[type=submit]").click()
    page.wait_for_url("**/sessions/*")
    with app.app_context():
        created = db.session.scalars(sa.select(TestSession).where(TestSession.standard_id == plastering)).one()
        assert [a.id for a in created.assessors] == [plasterer.id]
