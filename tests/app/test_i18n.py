"""Lao, Thai and English: catalogues complete, locale chosen by choice, browser, then Lao."""


import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from helpers import translated

from skills_cert.config import ROOT

TRANSLATIONS = ROOT / "skills_cert" / "translations"


def _catalogue(locale):
    with open(TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po", "rb") as handle:
        return read_po(handle, locale=locale)


def _source_messages() -> set[str]:
    with open(ROOT / "skills_cert" / "babel.cfg") as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords={"_": None, "gettext": None, "_l": None,
                                                      "lazy_gettext": None, "ngettext": (1, 2)},
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


@pytest.mark.parametrize("locale", ["lo", "th"])
def test_catalogue_is_complete_and_current(locale):
    catalogue = _catalogue(locale)
    ids = {m.id if isinstance(m.id, str) else m.id[0] for m in catalogue if m.id}
    missing_from_catalogue = _source_messages() - ids
    assert not missing_from_catalogue, (
        f"run `flask translate update` and translate: {sorted(missing_from_catalogue)}")
    untranslated = [m.id for m in catalogue if m.id and not m.string]
    fuzzy = [m.id for m in catalogue if m.id and m.fuzzy]
    assert untranslated == [], f"{locale} lacks translations for {untranslated}"
    assert fuzzy == [], f"{locale} has fuzzy entries {fuzzy}"
    errors = [(m.id, err) for m in catalogue if m.id for err in m.check(catalogue)]
    assert errors == []


@pytest.mark.parametrize("locale,script", [("lo", (0x0E80, 0x0EFF)), ("th", (0x0E00, 0x0E7F))])
def test_translations_are_in_the_right_script(locale, script):
    low, high = script
    for message in _catalogue(locale):
        if message.id:
            text = message.string if isinstance(message.string, str) else message.string[0]
            assert any(low <= ord(ch) <= high for ch in text), (locale, message.id, text)


def test_default_language_is_lao(client):
    page = client.get("/auth/login").get_data(as_text=True)
    assert '<html lang="lo">' in page


@pytest.mark.parametrize("header,expected", [("th-TH,th;q=0.9", "th"), ("en-US,en;q=0.8", "en"),
                                             ("fr-FR", "lo"), ("lo", "lo")])
def test_browser_language_is_used(client, header, expected):
    page = client.get("/auth/login", headers={"Accept-Language": header}).get_data(as_text=True)
    assert f'<html lang="{expected}">' in page


def test_chosen_language_persists_over_the_browser_language(client):
    response = client.get("/lang/th?next=/auth/login")
    assert response.status_code == 302 and response.headers["Location"] == "/auth/login"
    page = client.get("/auth/login", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="th">' in page


def test_language_switch_refuses_unknown_codes_and_foreign_redirects(client):
    assert client.get("/lang/fr").status_code == 404
    response = client.get("/lang/en?next=https://evil.example/")
    assert response.headers["Location"] == "/"


def test_logged_in_users_language_is_remembered_across_sessions(app, client, users):
    from helpers import WebClient

    from skills_cert.roles import Role

    assessor = users[Role.ASSESSOR]
    client.login(assessor.username)
    client.get("/lang/th")
    other_device = WebClient(app.test_client())
    other_device.login(assessor.username)
    page = other_device.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="th">' in page


@pytest.mark.parametrize("locale", ["lo", "th", "en"])
def test_404_page_in_the_users_language(app, client, locale):
    response = client.get("/no/such/page", headers={"Accept-Language": locale})
    page = response.get_data(as_text=True)
    assert response.status_code == 404
    assert translated(app, locale, "Page not found") in page


def test_403_page_in_thai(app, client, users):
    from skills_cert.roles import Role

    client.login(users[Role.ASSESSOR].username)
    client.get("/lang/th")
    response = client.get("/admin/users")
    assert response.status_code == 403
    assert translated(app, "th", "Your account does not have permission to open this page.") in (
        response.get_data(as_text=True))


def test_413_for_oversized_bodies(app, client):
    limit = app.config["MAX_CONTENT_LENGTH"]
    response = client.post("/auth/login", data={"username": "x" * (limit + 10)},
                           headers={"Accept-Language": "lo"})
    assert response.status_code == 413
    assert translated(app, "lo", "Too large") in response.get_data(as_text=True)


def test_500_page_hides_the_error(tmp_path):
    from skills_cert import create_app

    app = create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db"})
    from skills_cert.web.access import public

    @app.route("/boom")
    @public
    def boom():
        raise RuntimeError("secret internal detail")

    response = app.test_client().get("/boom", headers={"Accept-Language": "th"})
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "secret internal detail" not in page and "Traceback" not in page
    assert translated(app, "th", "Something went wrong") in page


def test_api_errors_are_json(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.json["error"]["code"] == 404


def test_nul_characters_are_refused_before_reaching_the_database(app, client):
    assert client.get("/standards/", query_string={"q": "a\x00b"}).status_code in (302, 400)
    response = client.post("/auth/login", data={"username": "x\x00", "password": "y"},
                           headers={"Accept-Language": "en"})
    assert response.status_code == 400
    assert "Bad request" in response.get_data(as_text=True)
