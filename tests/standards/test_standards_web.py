"""Browsing, searching, printing, and drafting a new version through the web pages."""

import pytest
from helpers import translated
from standards_fixtures import import_shipped, standard_id

from skills_cert.roles import Role

EN = {"Accept-Language": "en"}


@pytest.fixture()
def shipped(app):
    import_shipped(app)
    return app


@pytest.fixture()
def officer(client, users):
    client.login(users[Role.STANDARDS_OFFICER].username)
    client.get("/lang/en")
    return client


@pytest.mark.parametrize("role", [r for r in Role if r is not Role.ANALYST])
def test_every_staff_role_can_browse_standards(shipped, client, users, role):
    client.login(users[role].username)
    page = client.get("/standards/", headers=EN).get_data(as_text=True)
    assert "Bricklaying Level 1" in page and "LA-CON-BRL-L1" in page


@pytest.mark.parametrize("query,expected,absent", [
    ("ກໍ່ດິນຈີ່", "LA-CON-BRL-L1", "LA-CON-PLS-L1"),   # Lao: bricklaying
    ("ช่างฉาบปูน", "LA-CON-PLS-L1", "LA-CON-BRL-L1"),  # Thai: plasterer, also in Lao files' Thai titles
    ("plaster", "LA-CON-PLS-L1", "LA-ELE-BEW-L1"),
    ("7411", "LA-ELE-BEW-L1", "LA-CON-BRL-L1"),
])
def test_search_in_lao_thai_and_english(shipped, officer, query, expected, absent):
    page = officer.get("/standards/", query_string={"q": query}).get_data(as_text=True)
    assert expected in page
    assert absent not in page


def test_filters_by_occupation(shipped, officer):
    page = officer.get("/standards/", query_string={"occupation": "7123"}).get_data(as_text=True)
    assert "LA-CON-PLS-L1" in page and "LA-CON-BRL-L1" not in page


def test_filters_by_country_and_level(shipped, officer):
    page = officer.get("/standards/", query_string={"country": "TH"}).get_data(as_text=True)
    assert "TH-CON-BRL-L1" in page and "LA-CON-BRL-L1" not in page
    page = officer.get("/standards/", query_string={"level": "7"}, headers=EN).get_data(as_text=True)
    assert "some values were not accepted" in page and "LA-CON-BRL-L1" not in page
    page = officer.get("/standards/", query_string={"q": "zzzz"}, headers=EN).get_data(as_text=True)
    assert "No standard matches the search." in page


def test_detail_shows_units_criteria_and_guideline(shipped, officer):
    sid = standard_id(shipped, "LA-CON-BRL-L1")
    page = officer.get(f"/standards/{sid}", headers=EN).get_data(as_text=True)
    for text in ["LA-CON-BRL-01", "LA-CON-BRL-05", "1.1", "Critical aspect", "Knowledge test",
                 "Safety-critical", "Illustrative text.", "Every safety-critical checklist item satisfactory"]:
        assert text in page, text


def test_detail_in_lao_uses_lao_text(shipped, officer):
    sid = standard_id(shipped, "LA-CON-BRL-L1")
    officer.get("/lang/lo")
    page = officer.get(f"/standards/{sid}").get_data(as_text=True)
    assert "ຊ່າງກໍ່ດິນຈີ່ ລະດັບ 1" in page
    assert translated(shipped, "lo", "Units of competency") in page


def test_printable_checklist_has_every_item_once_per_task(shipped, officer, db):
    from skills_cert.standards.models import Standard

    sid = standard_id(shipped, "LA-CON-BRL-L1")
    page = officer.get(f"/standards/{sid}/checklist", headers=EN).get_data(as_text=True)
    standard = db.session.get(Standard, sid)
    assert page.count('class="sheet"') == len(standard.guideline.tasks)
    for task in standard.guideline.tasks:
        for item in task.items:
            assert f'<td class="code">{item.code}' in page, item.code


@pytest.mark.parametrize("role", [Role.ASSESSOR, Role.CERTIFYING_OFFICER, Role.ADMINISTRATOR])
def test_only_standards_officers_edit(shipped, client, users, role):
    client.login(users[role].username)
    sid = standard_id(shipped, "LA-CON-BRL-L1")
    assert client.get(f"/standards/{sid}/edit").status_code == 403
    assert client.get(f"/standards/{sid}/export").status_code == 403
    response = client.submit(f"/standards/{sid}/versions", {}, form_url=f"/standards/{sid}")
    assert response.status_code == 403


def test_endorsed_versions_cannot_be_edited(shipped, officer):
    sid = standard_id(shipped, "LA-CON-BRL-L1")
    response = officer.get(f"/standards/{sid}/units/LA-CON-BRL-01/edit", headers=EN)
    assert response.status_code == 200
    form = response.get_data(as_text=True)
    assert "Edit unit" in form
    response = officer.submit(f"/standards/{sid}/units/LA-CON-BRL-01/delete", {},
                              form_url=f"/standards/{sid}", headers=EN, follow_redirects=True)
    assert "cannot be changed" in response.get_data(as_text=True)


def _unit_form_data(client, url):
    """The unit edit form as the browser would send it back unchanged."""
    import re

    html = client.get(url).get_data(as_text=True)
    data = {}
    for name, value in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>\s*(.*?)</textarea>', html, re.S):
        data[name] = value.replace("&#34;", '"').replace("&#39;", "'").replace("&amp;", "&")
    for name, value in re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', html):
        data.setdefault(name, value)
    for name in re.findall(r'<input[^>]*checked[^>]*name="([^"]+)"', html) + re.findall(
            r'<input[^>]*name="([^"]+)"[^>]*checked', html):
        data[name] = "y"
    data["type"] = "core"
    return data


def test_draft_new_version_edit_and_endorse(shipped, officer, db):
    from skills_cert.standards.models import Standard, StandardStatus

    sid = standard_id(shipped, "LA-CON-BRL-L1")
    response = officer.submit(f"/standards/{sid}/versions", {}, form_url=f"/standards/{sid}")
    assert response.status_code == 302
    v2 = standard_id(shipped, "LA-CON-BRL-L1", 2)
    url = f"/standards/{v2}/units/LA-CON-BRL-02/edit"
    data = _unit_form_data(officer, url)
    data["title-en"] = "Prepare bricklaying materials and mix mortar to specification"
    data["elements-0-criteria-0-text-th"] = "เลือกวัสดุตามแบบ"
    response = officer.post(url, data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[-3000:]
    draft = db.session.get(Standard, v2)
    unit = next(u for u in draft.units if u.code == "LA-CON-BRL-02")
    assert unit.title["en"] == "Prepare bricklaying materials and mix mortar to specification"
    assert unit.elements[0].criteria[0].text["th"] == "เลือกวัสดุตามแบบ"
    db.session.expire_all()
    assert next(u for u in db.session.get(Standard, sid).units if u.code == "LA-CON-BRL-02"
                ).title["en"] != unit.title["en"]  # version 1 untouched

    response = officer.submit(f"/standards/{v2}/endorse", {}, form_url=f"/standards/{v2}")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Standard, v2).status is StandardStatus.ENDORSED
    assert db.session.get(Standard, sid).status is StandardStatus.SUPERSEDED
    response = officer.post(url, data={**data, "title-en": "again"})
    assert db.session.get(Standard, v2).units[1].title["en"] != "again"


def test_missing_translation_is_refused_in_the_users_language(shipped, officer):
    sid = standard_id(shipped, "LA-CON-BRL-L1")
    officer.submit(f"/standards/{sid}/versions", {}, form_url=f"/standards/{sid}")
    v2 = standard_id(shipped, "LA-CON-BRL-L1", 2)
    url = f"/standards/{v2}/units/LA-CON-BRL-01/edit"
    data = _unit_form_data(officer, url)
    data["title-lo"] = "  "
    officer.get("/lang/th")
    response = officer.post(url, data=data)
    assert response.status_code == 200
    assert translated(shipped, "th", "Enter the text in every language.") in response.get_data(as_text=True)


def test_add_and_remove_criterion_keeps_the_checklist_consistent(shipped, officer, db):
    from skills_cert.standards.models import Standard

    sid = standard_id(shipped, "LA-CON-BRL-L1")
    officer.submit(f"/standards/{sid}/versions", {}, form_url=f"/standards/{sid}")
    v2 = standard_id(shipped, "LA-CON-BRL-L1", 2)
    edit_url = f"/standards/{v2}/units/LA-CON-BRL-01/edit"
    response = officer.submit(f"/standards/{v2}/units/LA-CON-BRL-01/criteria", {
        "criterion-element": "1", "criterion-text-lo": "ກວດກາບ່ອນເຮັດວຽກ",
        "criterion-text-th": "ตรวจพื้นที่ทำงาน", "criterion-text-en": "Inspect the work area.",
    }, form_url=edit_url)
    assert response.status_code == 302
    unit = db.session.get(Standard, v2).units[0]
    added = unit.elements[0].criteria[-1]
    assert added.text["en"] == "Inspect the work area." and added.number.startswith("1.")
    # Endorsing now fails: the new criterion has no checklist item.
    response = officer.submit(f"/standards/{v2}/endorse", {}, form_url=f"/standards/{v2}",
                              headers=EN, follow_redirects=True)
    assert "cannot be endorsed yet" in response.get_data(as_text=True)
    # Removing a criterion that is the only evidence of an item is refused with the item named.
    item_criterion = db.session.get(Standard, v2).guideline.tasks[0].items[0].criteria
    if len(item_criterion) == 1:
        ref = item_criterion[0]
        response = officer.submit(
            f"/standards/{v2}/units/{ref.element.unit.code}/criteria/{ref.number}/delete", {},
            form_url=edit_url, headers=EN, follow_redirects=True)
        assert "evidence nothing else" in response.get_data(as_text=True)
