"""Journey: each role logs in through Chromium and sees its own navigation, in Lao and in Thai."""

import pytest
from helpers import PASSWORD, translated

from skills_cert.roles import Role
from skills_cert.web.navigation import NAV_ITEMS

pytestmark = pytest.mark.browser


def _expected_nav(role):
    return [item.endpoint for item in NAV_ITEMS if role in item.roles]


@pytest.mark.parametrize("locale", ["lo", "th"])
def test_each_role_sees_its_navigation(app, live_server, users, page, artifacts, locale):
    page.set_viewport_size({"width": 390, "height": 844})
    for role in Role:
        page.context.clear_cookies()
        page.goto(f"{live_server}/lang/{locale}?next=/auth/login")
        assert page.locator("html").get_attribute("lang") == locale
        page.get_by_label(translated(app, locale, "Username")).fill(users[role].username)
        page.get_by_label(translated(app, locale, "Password"), exact=True).fill(PASSWORD)
        page.get_by_role("button", name=translated(app, locale, "Log in")).click()
        page.wait_for_url(f"{live_server}/")
        nav = page.locator("nav.main-nav")
        assert nav.get_attribute("data-role") == role.value
        shown = nav.locator("a").evaluate_all("els => els.map(e => e.dataset.nav)")
        assert shown == _expected_nav(role)
        heading = translated(app, locale, "Welcome, %(name)s", name=users[role].full_name)
        assert page.locator("h1").inner_text() == heading
        page.screenshot(path=str(artifacts / f"nav-{role.value}-{locale}.png"), full_page=True)
        page.get_by_role("button", name=translated(app, locale, "Log out")).click()
        page.wait_for_url(f"{live_server}/auth/login")


def test_lao_and_thai_fonts_are_served_and_used(live_server, page):
    page.goto(f"{live_server}/lang/lo?next=/auth/login")
    page.evaluate("document.fonts.ready")
    assert page.evaluate("document.fonts.check('16px \"SC Lao\"', 'ເຂົ້າສູ່ລະບົບ')")
    loaded = page.evaluate(
        "Array.from(document.fonts).filter(f => f.status === 'loaded').map(f => f.family)")
    assert '"SC Lao"' in loaded or "SC Lao" in loaded
    page.goto(f"{live_server}/lang/th?next=/auth/login")
    page.evaluate("document.fonts.ready")
    loaded = page.evaluate(
        "Array.from(document.fonts).filter(f => f.status === 'loaded').map(f => f.family)")
    assert '"SC Thai"' in loaded or "SC Thai" in loaded


def test_no_request_leaves_the_server(live_server, page):
    outside = []
    page.on("request", lambda r: None if r.url.startswith(live_server) else outside.append(r.url))
    page.goto(f"{live_server}/auth/login")
    page.wait_for_load_state("networkidle")
    assert outside == []
