"""Layout checks a screenshot review found: the administrator's menu on one line at 1280 px in Lao
and Thai, and the phone field styled like its neighbours."""

import pytest
from assessment_fixtures import build
from helpers import browser_login

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("locale", ["lo", "th"])
def test_the_admin_menu_is_one_line_and_the_phone_field_is_styled(app, live_server, page, artifacts, locale):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("layout does not depend on the database")
    setup = build(app)
    page.set_viewport_size({"width": 1280, "height": 900})
    browser_login(page, live_server, app, setup.admin.username, locale)
    page.goto(f"{live_server}/candidates/new")
    tops = page.locator("nav.main-nav li").evaluate_all("items => items.map(i => i.getBoundingClientRect().top)")
    assert len(tops) >= 11 and len(set(tops)) == 1, tops
    phone, name = page.locator("input[name=phone]"), page.locator("input[name=name_latin]")
    for prop in ("border-top-width", "padding-left", "border-radius"):
        assert phone.evaluate(f"e => getComputedStyle(e)['{prop}']") == name.evaluate(
            f"e => getComputedStyle(e)['{prop}']"), prop
    assert phone.bounding_box()["height"] == pytest.approx(name.bounding_box()["height"], abs=1)
    page.screenshot(path=str(artifacts / f"candidate-new-admin-{locale}.png"), full_page=True)
