"""Journeys: an assessor records a session without a connection on a tablet, and the results sync
when it returns; a result changed on the server meanwhile is shown beside the device's and the
assessor's choice is what is saved. Screenshots in Lao and Thai at tablet sizes.

The browser runs on SQLite only: the server paths it uses (the save's JSON answers, the refused
save's values, the preview, the kept pages' key) are tested on both databases in
test_offline_recording.py."""

import re

import pytest
from assessment_fixtures import TODAY, build, critical_item
from helpers import browser_login, translated
from playwright.sync_api import Error, expect

from skills_cert.assessment.models import Assessment
from skills_cert.extensions import db

pytestmark = pytest.mark.browser

DRAFTS = """() => new Promise(resolve => {
  const open = indexedDB.open("skills-cert-offline", 1);
  open.onsuccess = () => { const r = open.result.transaction("drafts").objectStore("drafts").getAll();
                           r.onsuccess = () => { open.result.close(); resolve(r.result); }; };
})"""
KEPT = """async () => ({caches: (await caches.keys()).length,
  databases: (await indexedDB.databases()).map(d => d.name),
  workers: (await navigator.serviceWorker.getRegistrations()).length})"""


@pytest.fixture()
def setup(app):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("the browser journeys run on SQLite; their server paths are tested on both")
    return build(app)


def _results(app, assessment_id):
    with app.app_context():
        assessment = db.session.get(Assessment, assessment_id)
        marks = {r.item.code: (r.satisfactory, r.note) for r in assessment.results}
        return assessment.version, assessment.knowledge_percent, marks


def _status(page, app, locale, message):
    expect(page.locator("#offline-status")).to_contain_text(translated(app, locale, message))


def test_a_session_recorded_without_a_connection_is_sent_when_it_returns(app, live_server, page, setup, artifacts):
    first, second = setup.assessment_ids
    fail, _unit = critical_item(app, setup.standard_id)
    page.set_viewport_size({"width": 1024, "height": 768})
    browser_login(page, live_server, app, setup.assessor.username, "lo")
    page.goto(f"{live_server}/sessions/{setup.session_id}")
    expect(page.locator("#offline-session")).to_have_attribute("data-kept", "2")
    before = {i: _results(app, i)[0] for i in setup.assessment_ids}

    page.context.set_offline(True)  # in the workshop
    page.locator(f"tr[data-assessment='{first}'] a").click()
    _status(page, app, "lo", "This is the copy of the page kept on this device.")
    page.locator("#knowledge").fill("82")
    for n, button in enumerate(page.locator("button.all-ok").all()):
        button.click()
        if n == 0:
            page.screenshot(path=str(artifacts / "record-offline-all-satisfactory-lo.png"))
        page.locator("dialog.confirm-dialog button[value=yes]").click()
    page.locator("[id='note-T1.1']").fill("ໝວກ, ເກີບ, ຖົງມື")
    page.get_by_role("button", name=translated(app, "lo", "Save draft")).click()
    _status(page, app, "lo", "Kept on this device. It will be saved when the connection returns.")

    page.locator("#session-link").click()  # the session's kept page, the candidate marked
    expect(page.locator(f"tr[data-assessment='{first}'] .badge-offline")).to_have_text(
        translated(app, "lo", "Not sent yet"))
    page.screenshot(path=str(artifacts / "session-offline-lo.png"))
    page.locator(f"tr[data-assessment='{second}'] a").click()
    page.locator("#knowledge").fill("64")
    page.locator("[name='item-T1.1'][value=s]").focus()  # the rest with the keyboard: 1, or 2 + note
    for code in [c.split("-", 1)[1] for c in page.locator("fieldset.item").evaluate_all("l => l.map(f => f.id)")]:
        if code == fail:
            page.keyboard.press("Digit2")
            page.keyboard.type("ຮອຍຕໍ່ປູນບໍ່ເຕັມ")
            page.keyboard.press("Enter")
        else:
            page.keyboard.press("Digit1")
    expect(page.locator("#progress")).to_contain_text("30")
    expect(page.locator("#decision-live .decision-stale")).to_be_visible()  # no decision offline

    page.reload()  # still without a connection: the kept page, and what was recorded on it
    expect(page.locator("#knowledge")).to_have_value("64")
    expect(page.locator(f"[name='item-{fail}'][value=n]")).to_be_checked()
    expect(page.locator(f"[id='note-{fail}']")).to_have_value("ຮອຍຕໍ່ປູນບໍ່ເຕັມ")
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(artifacts / "record-offline-lo.png"))
    page.locator("#decision-live").scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "record-offline-decision-lo.png"))
    assert {i: _results(app, i)[0] for i in setup.assessment_ids} == before

    page.context.clear_cookies()  # the log-in ended meanwhile: nothing is sent, nothing lost
    page.context.set_offline(False)
    _status(page, app, "lo", "You are no longer logged in. Log in again to send the results kept on this device. "
                             "Nothing is lost.")
    assert len(page.evaluate(DRAFTS)) == 2 and {i: _results(app, i)[0] for i in setup.assessment_ids} == before

    browser_login(page, live_server, app, setup.assessor.username, "lo")
    page.goto(f"{live_server}/sessions/{setup.session_id}")
    expect(page.locator("#offline-session")).to_have_attribute("data-state", "synced")
    assert page.evaluate(DRAFTS) == [] and page.locator(".badge-offline").count() == 0
    _version, knowledge, marks = _results(app, first)
    assert knowledge == 82 and len(marks) == 30 and all(ok for ok, _note in marks.values())
    assert marks["T1.1"] == (True, "ໝວກ, ເກີບ, ຖົງມື")
    _version, knowledge, marks = _results(app, second)
    assert knowledge == 64 and marks[fail] == (False, "ຮອຍຕໍ່ປູນບໍ່ເຕັມ")
    assert sum(ok is True for ok, _note in marks.values()) == 29

    page.locator(f"tr[data-assessment='{second}'] a").click()  # the decision, from the server
    expect(page.locator("section.decision")).to_have_class(re.compile("decision-nyc"))
    page.locator(f"[name='item-{fail}'][value=s]").check()  # ... and as items are ticked, before saving
    expect(page.locator("section.decision")).to_have_class(re.compile("decision-competent"))
    page.locator("#decision-live").scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "record-live-decision-lo.png"))
    assert _results(app, second)[2][fail] == (False, "ຮອຍຕໍ່ປູນບໍ່ເຕັມ")

    page.get_by_role("button", name=translated(app, "lo", "Log out")).click()  # the tick is not saved:
    expect(page.locator("dialog.confirm-dialog")).to_contain_text(  # asked first
        translated(app, "lo", "Results recorded on this device have not been sent yet (%(n)s candidates). "
                              "Logging out deletes them from this device.", n=1))
    page.screenshot(path=str(artifacts / "logout-unsent-lo.png"))
    page.locator("dialog.confirm-dialog button[value=yes]").click()
    page.wait_for_url(f"{live_server}/auth/login")  # and nothing is left
    assert page.evaluate(KEPT) == {"caches": 0, "databases": [], "workers": 0}


def test_a_result_changed_on_the_server_is_shown_and_the_choice_is_saved(app, live_server, page, setup, artifacts):
    from skills_cert.accounts.models import User
    from skills_cert.assessment import recording

    url = f"{live_server}/assessments/{setup.assessment_ids[1]}/record"
    page.set_viewport_size({"width": 800, "height": 1280})
    browser_login(page, live_server, app, setup.assessor.username, "th")
    page.goto(url)
    expect(page.locator("#record-form")).to_have_attribute("data-kept", "2")
    page.locator("button.all-ok").first.click()
    page.screenshot(path=str(artifacts / "record-all-satisfactory-th.png"))
    page.locator("dialog.confirm-dialog button[value=no]").click()  # cancelled: nothing ticked
    assert page.locator("input[type=radio][value=s]:checked").count() == 0
    page.locator("button.all-ok").first.click()
    page.locator("dialog.confirm-dialog button[value=yes]").click()
    decision = page.locator("section.decision")  # worked out by the server as they are ticked
    expect(decision).to_contain_text(translated(app, "th", "Items recorded: %(done)d of %(total)d", done=20, total=30))
    decision.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "record-live-decision-th.png"))
    page.get_by_role("button", name=translated(app, "th", "Save draft")).click()
    page.locator(".flash-success").wait_for()

    page.context.set_offline(True)
    page.locator("#knowledge").fill("70")
    page.locator("[name='item-T1.1'][value=s]").check()
    page.locator("[name='item-T1.2'][value=n]").check()
    page.locator("[id='note-T1.2']").fill("device note")
    page.get_by_role("button", name=translated(app, "th", "Save draft")).click()
    _status(page, app, "th", "Kept on this device. It will be saved when the connection returns.")
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(artifacts / "record-offline-th.png"))

    with app.app_context():  # meanwhile, on the server
        assessment = db.session.get(Assessment, setup.assessment_ids[1])
        saved = recording.Recording(items={"T1.1": (False, "server note")}, knowledge_percent=65,
                                    practical_points={}, expected_version=assessment.version)
        recording.save(db.session, assessment, saved, actor=db.session.get(User, setup.assessor.id),
                       today=TODAY)
        db.session.commit()
    server_version = _results(app, setup.assessment_ids[1])[0]

    page.context.set_offline(False)
    panel = page.locator("#conflict")
    expect(panel).to_be_visible()
    rows = panel.locator("tbody tr")
    assert rows.evaluate_all("rows => rows.map(r => r.dataset.field)") == [
        "knowledge", "item-T1.1", "note-T1.1", "item-T1.2", "note-T1.2"]
    expect(rows.nth(0)).to_contain_text("70")
    expect(rows.nth(0)).to_contain_text("65")
    assert page.locator("#knowledge").is_disabled()  # the form waits for the choice
    assert _results(app, setup.assessment_ids[1])[0] == server_version  # nothing overwritten
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(artifacts / "record-conflict-th.png"))
    page.goto(f"{live_server}/sessions/{setup.session_id}")
    expect(page.locator(f"tr[data-assessment='{setup.assessment_ids[1]}'] .badge-offline")).to_have_text(
        translated(app, "th", "Choose a version"))
    page.screenshot(path=str(artifacts / "session-conflict-th.png"))
    page.goto(f"{live_server}/lang/lo?next=/assessments/{setup.assessment_ids[1]}/record")
    expect(panel).to_be_visible()  # still waiting for a choice, in Lao too
    page.screenshot(path=str(artifacts / "record-conflict-lo.png"))

    panel.locator("[data-save]").click()  # not everything chosen: said so, nothing sent
    expect(panel.locator(".conflict-error")).to_be_visible()
    panel.locator("[data-pick=device]").click()
    for field in ("knowledge", "note-T1.1"):
        panel.locator(f"tr[data-field='{field}'] input[value=server]").check()
    panel.locator("[data-save]").click()
    page.get_by_text(translated(app, "lo", "Saved. The decision below is computed from what is recorded so far.")).wait_for()
    _version, knowledge, marks = _results(app, setup.assessment_ids[1])
    assert knowledge == 65 and marks["T1.1"] == (True, "server note") and marks["T1.2"] == (False, "device note")
    assert [code for code, (ok, _note) in marks.items() if ok is False] == ["T1.2"]
    assert sum(ok is True for ok, _note in marks.values()) == 19  # T1.3 ... T1.20 as saved before
    page.wait_for_function(f"({DRAFTS})().then(drafts => drafts.length === 0)")

    # Connected too: a save refused because the server moved on shows both versions.
    page.locator("#knowledge").fill("66")
    with app.app_context():
        assessment = db.session.get(Assessment, setup.assessment_ids[1])
        saved = recording.Recording(items={}, knowledge_percent=67, practical_points={},
                                    expected_version=assessment.version)
        recording.save(db.session, assessment, saved, actor=db.session.get(User, setup.assessor.id), today=TODAY)
        db.session.commit()
    page.get_by_role("button", name=translated(app, "lo", "Save draft")).click()
    expect(panel).to_be_visible()
    assert rows.evaluate_all("rows => rows.map(r => r.dataset.field)") == ["knowledge"]
    panel.locator("[data-pick=server]").click()
    panel.locator("[data-save]").click()
    page.locator(".flash-success").wait_for()
    assert _results(app, setup.assessment_ids[1])[1] == 67

    # Another user on this browser never sees the pages kept for the first.
    browser_login(page, live_server, app, setup.other_assessor.username, "lo")
    page.context.set_offline(True)
    with pytest.raises(Error):
        page.goto(url)
    page.context.set_offline(False)

