"""Appeals through the pages, role by role: the office lodges and names the decider, the decider
overturns on corrected marks, the certifying officer approves, the worker's page says why the
old document was revoked."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from appeal_fixtures import lodge, refused, users_of
from assessment_fixtures import TODAY
from helpers import csrf_token

from skills_cert.roles import Role

EN = {"Accept-Language": "en"}


def _post(client, url: str, data: dict, page: str):
    token = csrf_token(client.get(page, headers=EN).get_data(as_text=True))
    return client.post(url, data={**data, "csrf_token": token}, headers=EN)


def _version(client, page: str) -> str:
    return re.search(r'id="version" name="version" type="hidden" value="(\d+)"',
                     client.get(page, headers=EN).get_data(as_text=True)).group(1)


def _assigned(app, case):
    from skills_cert.appeals import panel
    from skills_cert.extensions import db

    with app.app_context():
        appeal = lodge(db, case)
        officer, other = users_of(db, case.setup.officer, case.setup.other_assessor)
        panel.assign(db.session, appeal, [other], actor=officer, today=TODAY)
        db.session.commit()
        return appeal.id


def test_the_office_lodges_an_appeal_from_the_assessment_page(app, client):
    case = refused(app)
    client.login(case.setup.officer.username)
    page = client.get(f"/assessments/{case.assessment_id}", headers=EN).get_data(as_text=True)
    deadline = (TODAY + dt.timedelta(days=14)).isoformat()
    assert f"may appeal this decision until {deadline}" in page and "Lodge an appeal" in page
    url = f"/appeals/new/{case.assessment_id}"
    short = _post(client, url, {"grounds": "unfair"}, url)
    assert short.status_code == 422 and "at least 10 characters" in short.get_data(as_text=True)
    hidden = _post(client, url, {"grounds": "The corner \u202ewas plumb all along."}, url)
    assert hidden.status_code == 422 and "U+202E" in hidden.get_data(as_text=True)
    done = _post(client, url, {"grounds": "The corner was plumb; please look at the photos."}, url)
    assert done.status_code == 302
    appeal_page = client.get(done.headers["Location"], headers=EN).get_data(as_text=True)
    assert "look at the photos" in appeal_page and deadline in appeal_page
    assert "Waiting for the office to name" in appeal_page
    candidate = client.get(f"/candidates/{case.setup.candidate_ids[1]}", headers=EN).get_data(as_text=True)
    assert f"deadline {deadline}" in candidate and "In progress:" in candidate
    listing = client.get("/appeals/", headers=EN).get_data(as_text=True)
    assert "Bounmy Phommachanh" in listing
    assert "Bounmy Phommachanh" not in client.get("/appeals/?show=closed", headers=EN).get_data(as_text=True)


def test_a_late_appeal_is_refused_on_the_page_with_the_deadline(app, client):
    from skills_cert.assessment.models import Assessment
    from skills_cert.columns import utcnow
    from skills_cert.extensions import db

    case = refused(app)
    with app.app_context():
        assessment = db.session.get(Assessment, case.assessment_id)
        assessment.decided_at = utcnow() - dt.timedelta(days=20)
        db.session.commit()
        deadline = (assessment.decided_at.date() + dt.timedelta(days=14)).isoformat()
    client.login(case.setup.officer.username)
    page = client.get(f"/assessments/{case.assessment_id}", headers=EN).get_data(as_text=True)
    assert f"ended on {deadline}" in page and "Lodge an appeal" not in page
    url = f"/appeals/new/{case.assessment_id}"
    response = _post(client, url, {"grounds": "The corner was plumb; please look again."}, url)
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and f"ended on {deadline}" in body


def test_a_second_assessor_overturns_and_a_certifying_officer_approves(app, client):
    from skills_cert.certification.models import Certificate
    from skills_cert.extensions import db

    case = refused(app)
    appeal_id = _assigned(app, case)
    page = f"/appeals/{appeal_id}"
    client.login(case.setup.other_assessor.username)
    body = client.get(page, headers=EN).get_data(as_text=True)
    marks = dict(re.findall(r'<select name="(item-[^"]+)"[^>]*>\s*<option value="s"( selected)?', body))
    data = {name: "s" if chosen else "n" for name, chosen in marks.items()}
    data[f"item-{case.failed_item}"] = "s"
    bad = _post(client, f"{page}/decide", {"version": _version(client, page), "ruling": "overturned",
                                          "reasons": "The photos show the corner plumb.",
                                          **data, "knowledge": "eighty"}, page)
    assert bad.status_code == 422 and "knowledge score as a number" in bad.get_data(as_text=True)
    done = _post(client, f"{page}/decide", {"version": _version(client, page), "ruling": "overturned",
                                           "reasons": "The photos show the corner plumb.", **data,
                                           "knowledge": "80"}, page)
    assert done.status_code == 302, done.get_data(as_text=True)
    client.logout()
    client.login(case.setup.officer.username)
    queue = client.get("/approvals/", headers=EN).get_data(as_text=True)
    assert "Overturned on appeal" in queue
    view = f"/assessments/{case.assessment_id}"
    approved = _post(client, f"{view}/approve", {"version": _version(client, view)}, view)
    assert approved.status_code == 302
    assert "decision overturned and the new decision approved" in client.get(page, headers=EN).get_data(as_text=True).replace("The decision was overturned", "decision overturned")
    with app.app_context():
        old = db.session.get(Certificate, case.attainment_id)
        token = old.download_token
        assert old.revocation_reason == "appeal"
    worker = client.get(f"/d/{token}", headers=EN).get_data(as_text=True)
    assert "changed on appeal" in worker


@pytest.mark.parametrize("role, status", [(Role.ANALYST, 403), (Role.STANDARDS_OFFICER, 403),
                                          (Role.ASSESSOR, 403), (Role.CERTIFYING_OFFICER, 200),
                                          (Role.ADMINISTRATOR, 200)])
def test_who_sees_an_appeal(app, client, users, role, status):
    case = refused(app)
    appeal_id = _assigned(app, case)
    client.login(users[role].username)
    assert client.get(f"/appeals/{appeal_id}", headers=EN).status_code == status


def test_the_recorder_cannot_open_or_decide_the_appeal(app, client):
    case = refused(app)
    appeal_id = _assigned(app, case)
    client.login(case.setup.assessor.username)
    assert client.get(f"/appeals/{appeal_id}").status_code == 403
    assert "Bounmy" not in client.get("/appeals/?show=all", headers=EN).get_data(as_text=True)
    response = _post(client, f"/appeals/{appeal_id}/decide", {"version": "1", "ruling": "upheld",
                                                              "reasons": "Nothing was wrong here."}, "/")
    assert response.status_code == 403


def test_the_office_names_the_decider_and_an_admin_enrols_the_reassessment(app, client):
    from skills_cert.appeals.models import Appeal
    from skills_cert.assessment import sessions
    from skills_cert.assessment.models import TestingCentre, TestSession
    from skills_cert.extensions import db

    case = refused(app)
    with app.app_context():
        appeal_id = lodge(db, case).id
    client.login(case.setup.admin.username)
    page = f"/appeals/{appeal_id}"
    refused_pick = _post(client, f"{page}/panel", {"version": _version(client, page),
                                                   "members": str(case.setup.assessor.id)}, page)
    assert refused_pick.status_code == 422
    picked = _post(client, f"{page}/panel", {"version": _version(client, page),
                                             "members": str(case.setup.other_assessor.id)}, page)
    assert picked.status_code == 302
    client.logout()
    client.login(case.setup.other_assessor.username)
    ordered = _post(client, f"{page}/decide", {"version": _version(client, page), "ruling": "reassessment",
                                               "reasons": "The level was not calibrated that day."}, page)
    assert ordered.status_code == 302
    client.logout()
    with app.app_context():
        admin, other = users_of(db, case.setup.admin, case.setup.other_assessor)
        original = db.session.get(TestSession, case.setup.session_id)
        later = sessions.create_session(db.session, centre=db.session.get(TestingCentre, case.setup.centre_id),
                                        standard=original.standard, test_date=TODAY + dt.timedelta(days=3),
                                        assessors=[other], actor=admin, today=TODAY)
        db.session.commit()
        later_id = later.id
    client.login(case.setup.admin.username)
    enrolled = _post(client, f"{page}/reassessment", {"version": _version(client, page),
                                                      "session": str(later_id)}, page)
    assert enrolled.status_code == 302
    with app.app_context():
        assert db.session.get(Appeal, appeal_id).reassessment.session_id == later_id
    assert "reassessment was ordered and is in progress" in client.get(page, headers=EN).get_data(as_text=True)


def test_the_decider_sees_the_evidence_photos(app, client):
    from skills_cert.assessment.models import EvidencePhoto
    from skills_cert.extensions import db

    case = refused(app)
    appeal_id = _assigned(app, case)
    with app.app_context():
        photo = EvidencePhoto(assessment_id=case.assessment_id, image=b"\xff\xd8\xff jpeg \xff\xd9",
                              uploaded_by_id=case.setup.assessor.id)
        db.session.add(photo)
        db.session.commit()
        photo_id = photo.id
    client.login(case.setup.other_assessor.username)
    assert f"/appeals/{appeal_id}/photos/{photo_id}" in client.get(f"/appeals/{appeal_id}").get_data(as_text=True)
    # the assessment's own photo link is for the session's assessors only
    assert client.get(f"/assessments/{case.assessment_id}/photos/{photo_id}").status_code == 403
    shown = client.get(f"/appeals/{appeal_id}/photos/{photo_id}")
    assert shown.status_code == 200 and shown.mimetype == "image/jpeg"
    assert client.get(f"/appeals/{appeal_id}/photos/{photo_id + 1}").status_code == 404


def test_each_appeal_route_admits_exactly_its_roles(app):
    """The role matrix (tests/app/test_access_matrix.py) checks every route against the roles it
    declares; this pins what the appeal routes declare."""
    office = {Role.ADMINISTRATOR, Role.CERTIFYING_OFFICER}
    expected = {"appeals.index": office | {Role.ASSESSOR}, "appeals.detail": office | {Role.ASSESSOR},
                "appeals.photo": office | {Role.ASSESSOR}, "appeals.lodge": office, "appeals.assign": office,
                "appeals.decide": {Role.ASSESSOR}, "appeals.concur": {Role.ASSESSOR},
                "appeals.reassess": {Role.ADMINISTRATOR}}
    declared = {endpoint: set(view.required_roles) for endpoint, view in app.view_functions.items()
                if endpoint.startswith("appeals.")}
    assert declared == expected


def test_the_decider_reads_an_rpl_candidates_portfolio_but_writes_nothing(app, client):
    """An appeal against an RPL decision: the assessor named to decide it (not an assessor of the
    session) opens the self-assessment, the portfolio and its evidence files (the view audited),
    and the assessment page; they cannot add or judge evidence. Another assessor still cannot read."""
    import sqlalchemy as sa
    from appeal_fixtures import Appealed
    from assessment_fixtures import build, critical_item
    from certificate_fixtures import approve
    from rpl_fixtures import add_accepted_reference

    from skills_cert.assessment.rpl_models import EvidenceFile
    from skills_cert.audit.models import AuditEntry
    from skills_cert.extensions import db
    from helpers import make_user

    setup = build(app)
    rpl = setup.assessment_ids[0]  # the RPL candidate
    number = add_accepted_reference(app, rpl, setup.assessor.id)
    item, _unit = critical_item(app, setup.standard_id)
    approve(app, setup, 0, fail=item)
    appeal_id = _assigned(app, Appealed(setup, rpl, item, None))
    with app.app_context():
        file_id = db.session.scalar(sa.select(EvidenceFile.id))
    pages = [f"/assessments/{rpl}", f"/assessments/{rpl}/portfolio", f"/assessments/{rpl}/self-assessment",
             f"/assessments/{rpl}/portfolio/files/{file_id}"]
    client.login(make_user(app, Role.ASSESSOR).username)
    assert [client.get(url).status_code for url in pages] == [403] * 4
    client.logout()

    client.login(setup.other_assessor.username)
    appeal_page = client.get(f"/appeals/{appeal_id}", headers=EN).get_data(as_text=True)
    assert f'href="/assessments/{rpl}/portfolio"' in appeal_page and "Evidence portfolio" in appeal_page
    assert [client.get(url).status_code for url in pages] == [200] * 4
    portfolio = client.get(pages[1], headers=EN).get_data(as_text=True)
    assert "หนังสือรับรองการทำงาน" in portfolio and f"/portfolio/items/{number}/judge" not in portfolio
    judged = _post(client, f"/assessments/{rpl}/portfolio/items/{number}/judge",
                   {f"item{number}-judgement": "not_accepted"}, pages[1])
    assert judged.status_code == 403
    with app.app_context():
        views = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "portfolio.file_view")).all()
        assert [v.actor_id for v in views] == [setup.other_assessor.id]
