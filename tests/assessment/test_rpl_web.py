"""The RPL pages through the test client, per role: the self-assessment, the portfolio with its
uploads and judgements, evidence files (audited, only for those who need them), the decision
beside the checklist, and the certificate and statistics saying which units were credited."""

from __future__ import annotations

import io
import re

import pytest
import sqlalchemy as sa
from assessment_fixtures import build
from helpers import WebClient
from rpl_fixtures import (
    UNIT,
    add_accepted_reference,
    hostile_pdf,
    photo,
    reference_letter_pdf,
    shorter_demonstration,
)

from skills_cert.assessment.rpl_models import EvidenceFile, PortfolioItem, SelfRating
from skills_cert.audit.models import AuditEntry
from skills_cert.extensions import db
from skills_cert.roles import Role


@pytest.fixture()
def setup(app):
    return build(app)


def _client(app, username) -> WebClient:
    client = WebClient(app.test_client())
    client.login(username)
    client.get("/lang/en")
    return client


@pytest.fixture()
def assessor(app, setup):
    return _client(app, setup.assessor.username)


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _portfolio(setup) -> str:
    return f"/assessments/{setup.assessment_ids[0]}/portfolio"


def _add(client, setup, data=None, file=None):
    form = {"kind": "reference", "title": "หนังสือรับรองการทำงาน", "source": "บริษัท ก่อสร้างไทย จำกัด",
            "place": "Bangkok", "date_from": "2016-05-01", "date_to": "2024-03-31", "supports": [UNIT],
            **(data or {})}
    if file is not None:
        form["file"] = (io.BytesIO(file[1]), file[0])
    return client.submit(f"{_portfolio(setup)}/items", form, form_url=_portfolio(setup),
                         content_type="multipart/form-data")


def test_self_assessment_is_filled_in_and_shown_beside_the_checklist(app, setup, assessor):
    url = f"/assessments/{setup.assessment_ids[0]}/self-assessment"
    page = assessor.get(url).get_data(as_text=True)
    assert page.count('type="radio" name="rate-') == 3 * (5 + 18)  # 5 units, 18 elements
    response = assessor.submit(url, {f"rate-{UNIT}": "regularly", f"rate-{UNIT}/3": "sometimes",
                                     "rate-LA-CON-BRL-05": "never"})
    assert response.status_code == 302
    assert _count(app, SelfRating) == 3
    record = assessor.get(f"/assessments/{setup.assessment_ids[0]}/record").get_data(as_text=True)
    assert "The candidate&#39;s self-assessment" in record or "The candidate's self-assessment" in record
    assert "I do this regularly" in record and "I have never done this" in record
    bad = assessor.submit(url, {"rate-LA-CON-BRL-99": "regularly"})
    assert bad.status_code == 422 and "does not match this standard" in bad.get_data(as_text=True)
    assert _count(app, SelfRating) == 3


def test_a_regular_candidate_has_no_self_assessment_to_fill(app, setup, assessor):
    url = f"/assessments/{setup.assessment_ids[1]}/self-assessment"
    page = assessor.get(url).get_data(as_text=True)
    assert "Only a candidate on the recognition of prior learning" in page and 'name="rate-' not in page
    assert "Recognition of prior learning (RPL)" not in assessor.get(
        f"/assessments/{setup.assessment_ids[1]}/record").get_data(as_text=True).split("</h1>", 1)[1].split(
        "Knowledge test", 1)[0]


def test_portfolio_item_with_a_thai_letter_is_added_judged_and_credits_the_unit(app, setup, assessor):
    response = _add(assessor, setup, file=("ใบรับรอง.pdf", reference_letter_pdf()))
    assert response.status_code == 302 and response.headers["Location"].endswith("#item-1")
    page = assessor.get(_portfolio(setup)).get_data(as_text=True)
    assert "Evidence item 1 was added." in page and "ใบรับรอง.pdf" in page and "Not judged yet" in page
    judge = f"{_portfolio(setup)}/items/1/judge"
    response = assessor.submit(judge, {"item1-judgement": "accepted", "item1-note": "",
                                       "item1-supports": [UNIT, f"{UNIT}/3"]}, form_url=_portfolio(setup))
    assert response.status_code == 302
    with app.app_context():
        item = db.session.scalar(sa.select(PortfolioItem))
        assert item.judgement.value == "accepted" and item.supports == [UNIT, f"{UNIT}/3"]
    # the shorter demonstration: the unit's other items are not recorded, the decision credits it
    url = f"/assessments/{setup.assessment_ids[0]}/record"
    version = re.search(r'name="version" value="(\d+)"', assessor.get(url).get_data(as_text=True)).group(1)
    data = {"knowledge": "80", "action": "save", "version": version}
    for code, (value, _note) in shorter_demonstration(app, setup.standard_id).items():
        data[f"item-{code}"] = "" if value is None else "s"
    assert assessor.submit(url, data).status_code == 302
    record = assessor.get(url).get_data(as_text=True)
    assert "Unit LA-CON-BRL-02 credited on portfolio evidence item 1." in record
    assert "Items recorded: 26 of 26" in record


def test_a_refused_file_keeps_the_typed_item_and_writes_nothing(app, setup, assessor):
    before = _count(app, PortfolioItem), _count(app, AuditEntry)
    response = _add(assessor, setup, file=("letter.pdf", b"MZ\x90\x00 a program named letter.pdf"))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "neither a photo (JPEG, PNG or WebP) nor a PDF" in page and "Choose the file again." in page
    assert 'value="บริษัท ก่อสร้างไทย จำกัด"' in page  # what was typed is still there
    assert (_count(app, PortfolioItem), _count(app, AuditEntry)) == before
    response = _add(assessor, setup, data={"supports": [], "title": ""})
    assert response.status_code == 422 and "Say what the evidence is" in response.get_data(as_text=True)
    assert _count(app, PortfolioItem) == before[0]


def test_uploads_to_an_item_photos_and_hostile_pdfs(app, setup, assessor):
    number = add_accepted_reference(app, setup.assessment_ids[0], setup.assessor.id, pdf=False)
    url = f"{_portfolio(setup)}/items/{number}/files"
    for name, data in (("wall.png", photo("PNG")), ("evil.pdf", hostile_pdf())):
        response = assessor.submit(url, {"file": (io.BytesIO(data), name)}, form_url=_portfolio(setup),
                                   content_type="multipart/form-data")
        assert response.status_code == 302
    refused = assessor.submit(url, {"file": (io.BytesIO(b"<html>x</html>"), "page.pdf")}, form_url=_portfolio(setup),
                              content_type="multipart/form-data", follow_redirects=True)
    assert "This file is in HTML format" in refused.get_data(as_text=True)
    with app.app_context():
        files = db.session.scalars(sa.select(EvidenceFile).order_by(EvidenceFile.id)).all()
        assert [f.media_type for f in files] == ["image/jpeg", "application/pdf"]
        ids = [f.id for f in files]
    image = assessor.get(f"/assessments/{setup.assessment_ids[0]}/portfolio/files/{ids[0]}")
    assert image.status_code == 200 and image.mimetype == "image/jpeg"
    assert image.headers["Cache-Control"] == "private, no-store"
    pdf = assessor.get(f"/assessments/{setup.assessment_ids[0]}/portfolio/files/{ids[1]}")
    assert pdf.mimetype == "application/pdf" and pdf.headers["Content-Disposition"].startswith("attachment")
    assert b"JavaScript" not in pdf.data and b"payload.exe" not in pdf.data


def test_evidence_files_by_role(app, setup, users):
    number = add_accepted_reference(app, setup.assessment_ids[0], setup.assessor.id)
    with app.app_context():
        file_id = db.session.scalar(sa.select(EvidenceFile.id))
    url = f"/assessments/{setup.assessment_ids[0]}/portfolio/files/{file_id}"
    expected = {setup.assessor.username: 200, setup.officer.username: 200, setup.admin.username: 200,
                setup.other_assessor.username: 403, users[Role.ANALYST].username: 403,
                users[Role.STANDARDS_OFFICER].username: 403}
    for username, status in expected.items():
        client = _client(app, username)
        assert client.get(url).status_code == status, username
        assert client.get(_portfolio(setup)).status_code == status, username
    with app.app_context():
        views = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "portfolio.file_view")).all()
        assert len(views) == 3 and all(v.changes == {"item": number, "file": file_id} for v in views)
    anonymous = WebClient(app.test_client())
    assert anonymous.get(url).status_code == 302
    assert app.test_client().get("/static/../instance/evidence/x.pdf").status_code == 404


def test_writes_by_role(app, setup, users):
    """Only the session's assessor records evidence; the desk (an administrator) may fill in the
    self-assessment; a certifying officer reads both."""
    self_url = f"/assessments/{setup.assessment_ids[0]}/self-assessment"
    for username, status in ((setup.officer.username, 403), (setup.admin.username, 302),
                             (setup.other_assessor.username, 403), (users[Role.ANALYST].username, 403)):
        client = _client(app, username)
        form_url = self_url if status != 403 or username == setup.officer.username else "/"
        assert client.submit(self_url, {f"rate-{UNIT}": "sometimes"}, form_url=form_url).status_code == status
    officer = _client(app, setup.officer.username)
    assert officer.get(self_url).status_code == 200
    assert _add(officer, setup).status_code == 403
    other = _client(app, setup.other_assessor.username)
    assert other.submit(f"{_portfolio(setup)}/items", {"kind": "photo"}, form_url="/").status_code == 403


def test_the_certificate_and_the_statistics_say_which_units_were_credited(app, setup, assessor):
    import pypdfium2

    from skills_cert.accounts.models import User
    from skills_cert.assessment import recording
    from skills_cert.assessment.models import Assessment
    from skills_cert.certification.models import Certificate

    add_accepted_reference(app, setup.assessment_ids[0], setup.assessor.id)
    with app.app_context():
        assessment = db.session.get(Assessment, setup.assessment_ids[0])
        actor = db.session.get(User, setup.assessor.id)
        recording.save(db.session, assessment, recording.Recording(
            shorter_demonstration(app, setup.standard_id), 80.0, {}, assessment.version), actor=actor,
            today=assessment.session.test_date)
        recording.submit(db.session, assessment, actor=actor, today=assessment.session.test_date,
                         expected_version=assessment.version)
        db.session.commit()
        version = assessment.version
    officer = _client(app, setup.officer.username)
    view = f"/assessments/{setup.assessment_ids[0]}"
    page = officer.get(view).get_data(as_text=True)
    assert "Unit LA-CON-BRL-02 credited on portfolio evidence item 1." in page and "Evidence portfolio" in page
    assert officer.submit(f"{view}/approve", {"version": version}, form_url=view).status_code == 302
    with app.app_context():
        certificate = db.session.scalar(sa.select(Certificate))
        cert_id, token = certificate.id, certificate.download_token
    pdf = officer.get(f"/certificates/{cert_id}/pdf")
    assert pdf.status_code == 200
    document = pypdfium2.PdfDocument(pdf.data)
    text = "".join(document[i].get_textpage().get_text_range() for i in range(len(document)))
    assert "credited through RPL" in text.replace("\r\n", " ").replace("\n", " ")
    holder = app.test_client().get(f"/d/{token}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Credited through recognition of prior learning (RPL)" in holder
    analyst = _client(app, build_analyst(app))
    stats = analyst.get("/stats/rpl_credits.csv").get_data(as_text=True)
    assert "LA-CON-BRL-02" in stats  # one candidate: the figures are suppressed, the unit is named
    assert "suppressed" in stats


def build_analyst(app) -> str:
    from helpers import make_user

    return make_user(app, Role.ANALYST).username
