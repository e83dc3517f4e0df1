"""Recognition abroad where people see it: the verification page, the API and the worker's page."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from assessment_fixtures import build
from certificate_fixtures import approve, issued, verify_path
from helpers import make_user, translated

from skills_cert.accounts.models import User
from skills_cert.certification.models import Certificate
from skills_cert.recognition.models import Agreement, AgreementStatus
from skills_cert.roles import Role

TH = {"Accept-Language": "th"}
EN = {"Accept-Language": "en"}
THAI_BRICKLAYER = "ช่างก่ออิฐ ระดับ 1"
DSD = "กรมพัฒนาฝีมือแรงงาน กระทรวงแรงงาน"
AGREEMENT_TH = "ข้อตกลง MRS ลาว–ไทย ด้านฝีมือแรงงานก่อสร้าง"


@pytest.fixture()
def certs(app):
    return issued(app)


def _token(app, certificate_id):
    return verify_path(app, certificate_id).removeprefix("/v/")


def test_a_thai_employer_reads_the_thai_standard_and_level(app, client, certs):
    page = client.get(verify_path(app, certs[1]), headers=TH).get_data(as_text=True)
    assert translated(app, "th", "Genuine and valid") in page
    expected = translated(app, "th", "Recognised as %(standard)s of the %(authority)s, under the %(agreement)s.",
                          standard=THAI_BRICKLAYER, authority=DSD, agreement=AGREEMENT_TH)
    assert expected in page
    assert translated(app, "th", "Recognition in %(country)s", country=translated(app, "th", "Thailand")) in page


def test_a_statement_of_attainment_lists_the_thai_units_not_covered(app, client, certs):
    from skills_cert.extensions import db

    with app.app_context():
        attainment = db.session.get(Certificate, certs[2])
        achieved = set(attainment.units)
    page = client.get(verify_path(app, certs[2]), headers=EN).get_data(as_text=True)
    assert "Partly recognised against Bricklayer Level 1" in page or "Not recognised" in page
    body = page.split('id="recognition-th"')[1]
    # A Thai unit is listed as not covered exactly when the achieved Lao units do not cover it.
    if "LA-CON-BRL-04" not in achieved:
        assert "TH-CON-BRL-05" in body
    assert "TH-CON-BRL-01" not in body


def test_the_partial_plastering_case_names_exactly_the_gap(app, client):
    setup = build(app, code="LA-CON-PLS-L1")
    certificate_id = approve(app, setup, 0)
    page = client.get(verify_path(app, certificate_id), headers=TH).get_data(as_text=True)
    body = page.split('id="recognition-th"')[1]
    assert translated(app, "th", "Units of the %(country)s standard not covered",
                      country=translated(app, "th", "Thailand")) in body
    listed = sorted(code for code in ("TH-CON-PLS-01", "TH-CON-PLS-02", "TH-CON-PLS-03", "TH-CON-PLS-04",
                                      "TH-CON-PLS-05") if code in body)
    assert listed == ["TH-CON-PLS-05"]
    assert "การฉาบมุมและขอบ" in body  # the Thai unit's title
    assert "การประเมินเพิ่มเติมระยะสั้น" in body  # the bridging assessment, in Thai
    answer = client.get(f"/api/v1/verify/{_token(app, certificate_id)}").get_json()
    [recognition] = answer["certificate"]["recognition"]
    assert (recognition["outcome"], recognition["units_covered"], recognition["units_required"]) == ("partial", 4, 5)
    assert [u["code"] for u in recognition["not_covered"]] == ["TH-CON-PLS-05"]


def test_the_api_gives_recognition_with_codes(app, client, certs):
    answer = client.get(f"/api/v1/verify/{_token(app, certs[1])}").get_json()
    [recognition] = answer["certificate"]["recognition"]
    assert recognition["outcome"] == "full" and recognition["country"] == "TH"
    assert recognition["destination_standard"]["code"] == "TH-CON-BRL-L1"
    assert recognition["destination_standard"]["level"] == 1
    assert recognition["agreement"]["code"] == "MRS-LA-TH-CON" and recognition["not_covered"] == []


def test_suspending_the_agreement_changes_recognition_not_validity(app, client, certs):
    from skills_cert.extensions import db
    from skills_cert.recognition import agreements

    officer = make_user(app, Role.STANDARDS_OFFICER)
    today = dt.date.today()
    # Asked once before the change, so that a cached answer would be there to go stale.
    assert "recognition-full" in client.get(verify_path(app, certs[1]), headers=EN).get_data(as_text=True)
    assert client.get(f"/api/v1/verify/{_token(app, certs[1])}").get_json()[
        "certificate"]["recognition"][0]["outcome"] == "full"
    with app.app_context():
        agreement = db.session.scalar(sa.select(Agreement).where(Agreement.code == "MRS-LA-TH-CON"))
        agreements.change_status(db.session, agreement, AgreementStatus.SUSPENDED, on=today,
                                 reason="Review", actor=db.session.get(User, officer.id))
        db.session.commit()
    page = client.get(verify_path(app, certs[1]), headers=EN).get_data(as_text=True)
    assert "Genuine and valid" in page
    assert f"Not recognised today: the Lao PDR–Thailand MRS agreement on construction skills is suspended since {today.isoformat()}." in page
    answer = client.get(f"/api/v1/verify/{_token(app, certs[1])}").get_json()
    assert answer["valid"] is True
    recognition = answer["certificate"]["recognition"][0]
    assert (recognition["outcome"], recognition["reason"]) == ("none", "suspended")


def test_the_worker_sees_the_recognition_on_the_download_page(app, client, certs):
    from skills_cert.extensions import db

    with app.app_context():
        token = db.session.get(Certificate, certs[1]).download_token
    page = client.get(f"/d/{token}", headers=EN).get_data(as_text=True)
    assert "Recognised as Bricklayer Level 1" in page


def test_recognition_is_not_shown_for_a_certificate_that_is_not_valid(app, client, certs):
    from skills_cert.certification.verification import verify_token
    from skills_cert.extensions import db

    with app.app_context():
        certificate = db.session.get(Certificate, certs[1])
        certificate.expires_on = dt.date.today() - dt.timedelta(days=1)
        db.session.commit()
        assert verify_token(db.session, _token(app, certs[1]), today=dt.date.today()).outcome == "expired"
    page = client.get(verify_path(app, certs[1]), headers=EN).get_data(as_text=True)
    assert "Expired" in page and 'id="recognition-th"' not in page


def _pdf_text(app, client, certificate_id) -> str:
    import pypdfium2

    from skills_cert.extensions import db

    with app.app_context():
        token = db.session.get(Certificate, certificate_id).download_token
    response = client.get(f"/d/{token}/certificate.pdf")
    assert response.status_code == 200
    pdf = pypdfium2.PdfDocument(response.data)
    return " ".join(pdf[0].get_textpage().get_text_range().split())


def test_the_pdf_names_the_thai_standard_only_when_recognition_was_full_at_issue(app, client, certs):
    text = _pdf_text(app, client, certs[1])
    assert "Recognised in Thailand as Bricklayer Level 1 (Thai national skill standard)" in text
    assert "Lao PDR–Thailand MRS agreement on construction skills" in text
    assert "Recognised in Thailand" not in _pdf_text(app, client, certs[2])  # a statement of attainment


def test_the_pdf_etag_follows_the_recognition_line(app, client, certs):
    from skills_cert.certification import documents as certificate_documents
    from skills_cert.extensions import db
    from skills_cert.recognition import agreements

    with app.app_context():
        certificate = db.session.get(Certificate, certs[1])
        before = certificate_documents.etag(certificate)
        agreement = db.session.scalar(sa.select(Agreement).where(Agreement.code == "MRS-LA-TH-CON"))
        officer = db.session.get(User, make_user(app, Role.STANDARDS_OFFICER).id)
        agreements.change_status(db.session, agreement, AgreementStatus.SUSPENDED, on=certificate.issued_on,
                                 reason="Review", actor=officer)  # suspended on the day of issue
        assert certificate_documents.recognition_line(certificate) is None
        assert certificate_documents.etag(certificate) != before
        db.session.rollback()
