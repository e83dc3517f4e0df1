"""Journey: an analyst opens the statistics dashboard in Chromium, in Lao and in Thai."""

import pytest
from helpers import PASSWORD, make_user, translated
from test_statistics import PERIOD, build_dataset

from skills_cert.roles import Role

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("locale", ["lo", "th"])
def test_the_dashboard_in_lao_and_thai(app, live_server, page, artifacts, locale):
    build_dataset(app)
    analyst = make_user(app, Role.ANALYST)
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else None)
    page.set_viewport_size({"width": 1100, "height": 900})
    page.goto(f"{live_server}/lang/{locale}?next=/auth/login")
    page.get_by_label(translated(app, locale, "Username")).fill(analyst.username)
    page.get_by_label(translated(app, locale, "Password"), exact=True).fill(PASSWORD)
    page.get_by_role("button", name=translated(app, locale, "Log in")).click()
    page.wait_for_url(f"{live_server}/")
    query = "&".join(f"{k}={v}" for k, v in PERIOD.items())
    page.goto(f"{live_server}/stats/?{query}")
    page.evaluate("document.fonts.ready")
    assert page.locator("html").get_attribute("lang") == locale
    assert page.locator("svg.chart-svg").count() == 5
    assert page.locator("svg.chart-svg rect.chart-bar").count() > 0
    province = {"lo": "ນະຄອນຫຼວງວຽງຈັນ", "th": "นครหลวงเวียงจันทน์"}[locale]
    assert province in page.locator("#table-testing_by_province").inner_text()
    assert page.locator("#table-testing_by_sex tbody .suppressed").count() == 6
    assert not [p for p in problems if "Content Security Policy" in p], problems
    page.screenshot(path=str(artifacts / f"stats-dashboard-{locale}.png"), full_page=True)
    page.locator("#h-testing_by_sex").scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / f"stats-dashboard-{locale}-sex.png"))
