"""Recording without a connection, server side (issue 21): the live decision's preview, the save's
JSON answers for the sync, the refused save that shows both versions, the service worker's
script, the per-user key of kept pages, and log-out wiping what the browser kept."""

import json
import re
from html import unescape

import pytest
import sqlalchemy as sa
from assessment_fixtures import all_satisfactory, build, critical_item
from helpers import WebClient, csrf_token

from skills_cert.assessment.models import Assessment, ItemResult
from skills_cert.assessment.views.offline import key_for
from skills_cert.audit.models import AuditEntry
from skills_cert.extensions import db
from skills_cert.roles import Role


@pytest.fixture()
def setup(app):
    return build(app)


@pytest.fixture()
def assessor(app, setup):
    client = WebClient(app.test_client())
    client.login(setup.assessor.username)
    client.get("/lang/en")
    return client


def _url(setup, index=1):
    return f"/assessments/{setup.assessment_ids[index]}/record"


def _page(client, url):
    html = client.get(url).get_data(as_text=True)
    version = re.search(r'name="version" value="(\d+)"', html).group(1)
    return html, {"csrf_token": csrf_token(html), "version": version}


def _marks(app, setup, knowledge="82", **marks):
    data = {"knowledge": knowledge}
    for code in all_satisfactory(app, setup.standard_id):
        data[f"item-{code}"], data[f"note-{code}"] = marks.get(code, "s"), ""
    return data


def _stored(app, setup, index=1):
    with app.app_context():
        assessment = db.session.get(Assessment, setup.assessment_ids[index])
        audit = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry))
        rows = db.session.scalar(sa.select(sa.func.count()).select_from(ItemResult))
        return assessment.version, assessment.knowledge_percent, rows, audit


def _decision_of(html):
    section = html[html.index('<section class="decision'):]
    section = section[:section.index("</section>")]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", section)).strip()


def test_the_preview_is_the_decision_the_save_gives_and_changes_nothing(app, setup, assessor):
    url = _url(setup)
    fail, _unit = critical_item(app, setup.standard_id)
    before = _stored(app, setup)
    for form in (_marks(app, setup), _marks(app, setup, knowledge="55"),
                 _marks(app, setup, **{fail: "n"}), {**_marks(app, setup), "item-T1.1": "", "knowledge": ""}):
        _html, hidden = _page(assessor, url)
        answer = assessor.post(f"{url}/preview", data={**form, **hidden})
        assert answer.status_code == 200 and _stored(app, setup) == before
        preview = answer.get_json()
        saved = assessor.post(url, data={**form, **hidden, "action": "save"})
        assert saved.status_code == 302
        page = assessor.get(url).get_data(as_text=True)
        assert _decision_of(preview["html"]) == _decision_of(page)
        before = _stored(app, setup)
    assert (preview["recorded"], preview["total"], preview["complete"]) == (29, 30, False)


def test_the_preview_refuses_what_the_save_refuses(app, setup, assessor):
    url = _url(setup)
    _html, hidden = _page(assessor, url)
    answer = assessor.post(f"{url}/preview", data={**_marks(app, setup, knowledge="150"), **hidden})
    assert answer.status_code == 422
    assert answer.get_json()["errors"] == ["Knowledge test score 150 is not a percentage between 0 and 100."]
    answer = assessor.post(f"{url}/preview", data={**_marks(app, setup, knowledge="lots"), **hidden})
    assert answer.get_json()["errors"] == ["Enter the knowledge score as a number from 0 to 100."]
    assert assessor.post(f"{url}/preview", data=_marks(app, setup)).status_code == 400  # no CSRF token
    other = WebClient(app.test_client())
    other.login(setup.other_assessor.username)
    theirs = {"csrf_token": csrf_token(other.get("/").get_data(as_text=True))}
    assert other.post(f"{url}/preview", data={**_marks(app, setup), **theirs, "version": "1"}).status_code == 403


def test_the_sync_gets_json_answers_from_the_save(app, setup, assessor):
    url = _url(setup)
    json_only = {"Accept": "application/json"}
    _html, hidden = _page(assessor, url)
    saved = assessor.post(url, data={**_marks(app, setup), **hidden, "action": "save"}, headers=json_only)
    version = _stored(app, setup)[0]
    assert saved.status_code == 200 and saved.get_json() == {"saved": True, "version": version}
    assert _stored(app, setup)[1] == 82
    # the version the device recorded on is gone: refused, and nothing changes
    stale = assessor.post(url, data={**_marks(app, setup, knowledge="40"), **hidden, "action": "save"},
                          headers=json_only)
    assert stale.status_code == 409 and stale.get_json()["conflict"] is True
    assert "Someone else changed this assessment" in stale.get_json()["errors"][0]
    assert _stored(app, setup)[:2] == (version, 82)
    _html, hidden = _page(assessor, url)
    bad = assessor.post(url, data={**_marks(app, setup, knowledge="4O"), **hidden, "action": "save"},
                        headers=json_only)
    assert bad.status_code == 422 and bad.get_json() == {
        "errors": ["Enter the knowledge score as a number from 0 to 100."]}
    # submitted meanwhile: the page says it can no longer be recorded, and a save is refused
    assert 'data-editable="1"' in _page(assessor, url)[0]
    submitted = assessor.post(url, data={**_marks(app, setup), **_page(assessor, url)[1], "action": "submit"})
    assert submitted.status_code == 302
    page, hidden = _page(assessor, url)
    assert 'data-editable="0"' in page
    late = assessor.post(url, data={**_marks(app, setup), **hidden, "action": "save"}, headers=json_only)
    assert late.status_code == 422 and late.get_json()["conflict"] is False


def test_a_refused_save_shows_the_servers_values_beside_what_was_sent(app, setup, assessor):
    url = _url(setup)
    page, hidden = _page(assessor, url)
    assert 'id="server-values"' not in page
    assessor.post(url, data={**_marks(app, setup, **{"T1.1": "n"}), **hidden, "action": "save"})
    refused = assessor.post(url, data={**_marks(app, setup, knowledge="64"), **hidden, "action": "save"})
    assert refused.status_code == 409
    page = refused.get_data(as_text=True)
    found = re.search(r"<div id=\"server-values\" data-values='(.*?)' hidden>", page)
    server = json.loads(unescape(found.group(1)))
    assert server["knowledge"] == "82" and server["item-T1.1"] == "n" and server["item-T1.2"] == "s"
    assert 'id="knowledge" name="knowledge" aria-describedby="knowledge-hint" value="64"' in page  # what was sent
    assert f'data-version="{_stored(app, setup)[0]}"' in page


def test_kept_pages_carry_an_opaque_key_per_user(app, setup, assessor):
    record = assessor.get(_url(setup))
    session = assessor.get(f"/sessions/{setup.session_id}")
    key = record.headers["X-Offline-Key"]
    assert re.fullmatch(r"[0-9a-f]{32}", key) and session.headers["X-Offline-Key"] == key
    assert f'data-offline-key="{key}"' in record.get_data(as_text=True)
    with app.app_context():  # another assessor's pages are kept apart
        assert key_for(setup.assessor.id) == key != key_for(setup.other_assessor.id)
    assert "X-Offline-Key" not in assessor.get("/sessions/").headers  # a page no one keeps
    other = WebClient(app.test_client())
    other.login(setup.admin.username)
    page = other.get(f"/sessions/{setup.session_id}")
    assert page.status_code == 200 and "X-Offline-Key" not in page.headers
    again = WebClient(app.test_client())
    again.login(setup.assessor.username)  # a new log-in: the same key, so kept results are sent
    assert again.get(_url(setup)).headers["X-Offline-Key"] == key


def test_the_service_worker_is_served_for_the_whole_site(client):
    response = client.get("/sw.js")
    assert response.status_code == 200 and response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "no-cache"
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    body = response.get_data(as_text=True)
    assert 'addEventListener("fetch"' in body and "X-Offline-Key" in body


def test_log_out_clears_what_the_browser_kept(client, users):
    client.login(users[Role.ASSESSOR].username)
    response = client.logout()
    assert response.status_code == 302
    assert response.headers["Clear-Site-Data"] == '"cache", "storage"'
