"""Issuance on approval, numbering, signatures, revocation, reissue and the holder's download."""

import datetime as dt
import io
import threading
import zipfile
from pathlib import Path

import pytest
import sqlalchemy as sa
from assessment_fixtures import TODAY, build
from certificate_fixtures import approve, issued, verify_path
from helpers import WebClient

from skills_cert.certification.models import Certificate, CertificateKind, CertificateStatus
from skills_cert.extensions import db as _db


def _cert(app, certificate_id):
    with app.app_context():
        certificate = _db.session.get(Certificate, certificate_id)
        _db.session.expunge(certificate)
        return certificate


def test_approval_issues_a_certificate_and_a_statement_of_attainment(app):
    setup, full, partial = issued(app)
    full, partial = _cert(app, full), _cert(app, partial)
    year = TODAY.year
    assert full.kind is CertificateKind.CERTIFICATE and full.number == f"LA-{year}-000001"
    assert partial.kind is CertificateKind.ATTAINMENT and partial.number == f"LA-{year}-000002"
    assert len(full.units) == 5 and len(partial.units) == 4
    assert full.expires_on.year == year + 5
    assert len(full.public_id) == 26 and full.public_id != full.download_token


def test_nothing_achieved_issues_nothing(app):
    setup = build(app)
    assert approve(app, setup, 0, knowledge=30) is None


def test_one_assessment_never_yields_two_certificates(app):
    from skills_cert.accounts.models import User
    from skills_cert.assessment.models import Assessment
    from skills_cert.certification import issuing as certificates
    from skills_cert.errors import InvalidState

    setup, full, _ = issued(app)
    with app.app_context():
        assessment = _db.session.get(Assessment, setup.assessment_ids[0])
        with pytest.raises(InvalidState):
            certificates.issue_for(_db.session, assessment, actor=_db.session.get(User, setup.officer.id),
                                   today=TODAY, key_dir=Path(app.config["SIGNING_KEY_DIR"]),
                                   allow_key_generation=True)


def test_the_qr_link_verifies_and_an_altered_one_does_not(app, client):
    _setup, full, _ = issued(app)
    path = verify_path(app, full)
    page = client.get(path, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Genuine and valid" in page and "Somphone Keomany" in page
    assert "P1234567" not in page and "1990-03-14" not in page  # no personal data
    token = path.rsplit("/", 1)[1]
    middle = len(token) // 2
    forged = token[:middle] + ("A" if token[middle] != "A" else "B") + token[middle + 1:]
    page = client.get("/v/" + forged, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Genuine and valid" not in page


def test_key_rotation_keeps_old_certificates_genuine(app, runner, client):
    _setup, full, _ = issued(app)
    result = runner.invoke(args=["keys", "rotate", "--authority", "LA-SDI"])
    assert result.exit_code == 0, result.output
    page = client.get(verify_path(app, full), headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Genuine and valid" in page
    keys = client.get("/.well-known/skills-cert-keys.json").json["keys"]
    assert sorted(k["status"] for k in keys) == ["active", "retired"]


def test_a_compromised_key_is_reported(app, runner, client):
    _setup, full, _ = issued(app)
    key_id = _cert(app, full).key_id
    assert runner.invoke(args=["keys", "compromise", key_id]).exit_code == 0
    page = client.get(verify_path(app, full), headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Signed by a withdrawn key" in page


def test_private_keys_are_files_with_mode_600(app):
    _setup, full, _ = issued(app)
    key_dir = Path(app.config["SIGNING_KEY_DIR"])
    files = list(key_dir.rglob("*.pem"))
    assert files and all(f.stat().st_mode & 0o077 == 0 for f in files)


def test_revoke_then_verify_says_revoked(app):
    _setup, full, _ = issued(app)
    officer = _officer_client(app, _setup)
    url = f"/certificates/{full}"
    number = _cert(app, full).number
    response = officer.submit(f"{url}/revoke", {"version": "1", "reason": "fraud", "note": "",
                                                "confirm": "wrong"}, form_url=url)
    assert response.status_code == 422 and "Type the certificate number exactly" in response.get_data(as_text=True)
    response = officer.submit(f"{url}/revoke", {"version": "1", "reason": "fraud", "note": "ID forged",
                                                "confirm": number}, form_url=url)
    assert response.status_code == 302
    page = officer.get(verify_path(app, full)).get_data(as_text=True)
    assert "Revoked" in page and "Fraud or false identity" in page and "ID forged" not in page


def test_reissue_supersedes_and_links_to_the_new_certificate(app):
    setup, full, _ = issued(app)
    officer = _officer_client(app, setup)
    url = f"/certificates/{full}"
    response = officer.submit(f"{url}/reissue", {"version": "1", "name_lao": "ສົມພອນ ແກ້ວມະນີ",
                                                 "name_latin": "Somphone Keomanivong"}, form_url=url)
    assert response.status_code == 302
    old = _cert(app, full)
    assert old.status is CertificateStatus.SUPERSEDED and old.superseded_by_id
    new = _cert(app, old.superseded_by_id)
    assert new.name_latin == "Somphone Keomanivong" and new.number.endswith("000003")
    page = officer.get(verify_path(app, full)).get_data(as_text=True)
    assert "Replaced by a newer certificate" in page and new.number in page


def _officer_client(app, setup):
    client = WebClient(app.test_client())
    client.login(setup.officer.username)
    client.get("/lang/en")
    return client


def test_worker_download_with_number_and_date_of_birth(app, client):
    _setup, full, _ = issued(app)
    certificate = _cert(app, full)
    client.get("/lang/en")
    wrong = client.submit("/certificate", {"number": certificate.number, "date_of_birth": "1990-03-15"})
    unknown = client.submit("/certificate", {"number": "LA-2026-999999", "date_of_birth": "1990-03-14"})
    message = "No certificate matches this number and date of birth."
    assert message in wrong.get_data(as_text=True) and message in unknown.get_data(as_text=True)
    assert wrong.status_code == unknown.status_code == 200
    right = client.submit("/certificate", {"number": certificate.number.lower(), "date_of_birth": "1990-03-14"})
    assert right.status_code == 302 and certificate.download_token in right.headers["Location"]
    page = client.get(right.headers["Location"]).get_data(as_text=True)
    assert "Somphone Keomany" in page and "P1234567" not in page
    pdf = client.get(f"/d/{certificate.download_token}/certificate.pdf")
    assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    again = client.get(f"/d/{certificate.download_token}/certificate.pdf", headers={"If-None-Match": pdf.headers["ETag"]})
    assert again.status_code == 304


def test_worker_lookup_is_rate_limited(app, client):
    app.config["LOOKUP_RATE_LIMIT"] = "3 per minute"
    try:
        codes = [client.submit("/certificate", {"number": "LA-2026-000001", "date_of_birth": "1990-01-01"},
                               headers={"Accept-Language": "en"}).status_code for _ in range(5)]
    finally:
        app.config["LOOKUP_RATE_LIMIT"] = "10 per minute;50 per hour"
    assert codes[:3] == [200, 200, 200] and codes[3:] == [429, 429]


def test_the_drawn_page_is_identical_each_time_and_only_the_seal_differs(app):
    from skills_cert.certification import documents

    setup, full, _ = issued(app)
    officer = _officer_client(app, setup)
    first = officer.get(f"/certificates/{full}/pdf").data
    second = officer.get(f"/certificates/{full}/pdf").data
    with app.app_context():
        from skills_cert.certification.badges import stored_credential

        page = documents.certificate_pdf(_db.session.get(Certificate, full), app.config["PUBLIC_BASE_URL"],
                                         stored_credential(_db.session, full))
    assert first.startswith(page) and second.startswith(page)  # the seal is an incremental update
    assert b"(AuthoritySeal)" in first[len(page):] and b"(AuthoritySeal)" in second[len(page):]


def test_session_zip_streams_every_valid_certificate(app):
    setup, full, partial = issued(app)
    officer = _officer_client(app, setup)
    response = officer.get(f"/sessions/{setup.session_id}/certificates.zip")
    assert response.status_code == 200 and response.headers["X-Certificate-Count"] == "2"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    numbers = [_cert(app, i).number for i in (full, partial)]
    assert sorted(archive.namelist()) == sorted(f"{n}{suffix}" for n in numbers for suffix in (".pdf", ".credential.json"))
    assert all(archive.read(name).startswith(b"%PDF") for name in archive.namelist() if name.endswith(".pdf"))


def test_numbers_are_unique_and_gap_free_under_concurrent_approvals(app):
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("row locks: PostgreSQL")
    from assessment_fixtures import all_satisfactory

    from skills_cert.accounts.models import User
    from skills_cert.assessment import recording as assessments
    from skills_cert.assessment import sessions
    from skills_cert.assessment.models import Assessment, Candidate, Pathway, Sex, TestSession
    from skills_cert.certification import issuing as certificates

    setup = build(app)
    with app.app_context():
        test_session = _db.session.get(TestSession, setup.session_id)
        admin = _db.session.get(User, setup.admin.id)
        ids = []
        for i in range(12):
            person = Candidate(name_lao="ສົມສັກ", name_latin=f"Somsak {i}", sex=Sex.MALE,
                               date_of_birth=dt.date(1990, 1, 1), nationality="LA", id_type="national_id",
                               id_number=f"77{i:06d}", pathway=Pathway.REGULAR, search_name="x",
                               created_by_id=admin.id)
            _db.session.add(person)
            _db.session.flush()
            ids.append(sessions.enrol(_db.session, test_session, person, actor=admin).id)
        assessor = _db.session.get(User, setup.assessor.id)
        items = all_satisfactory(app, setup.standard_id)
        for assessment_id in ids:
            assessment = _db.session.get(Assessment, assessment_id)
            assessments.save(_db.session, assessment, assessments.Recording(items, 90, {}, assessment.version),
                             actor=assessor, today=TODAY)
            assessments.submit(_db.session, assessment, actor=assessor, today=TODAY,
                               expected_version=assessment.version)
        _db.session.commit()
    # Twelve approvals at once, plus a second officer racing for the first assessment.
    targets = ids + [ids[0]]
    errors, barrier = [], threading.Barrier(len(targets))

    def run(assessment_id):
        with app.app_context():
            try:
                assessment = _db.session.get(Assessment, assessment_id)
                barrier.wait()
                certificates.approve_and_issue(
                    _db.session, assessment, actor=_db.session.get(User, setup.officer.id),
                    expected_version=assessment.version, today=TODAY,
                    key_dir=Path(app.config["SIGNING_KEY_DIR"]), allow_key_generation=True)
                _db.session.commit()
            except Exception as exc:  # noqa: BLE001 - collected and checked below
                _db.session.rollback()
                errors.append(type(exc).__name__)

    threads = [threading.Thread(target=run, args=(i,)) for i in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    with app.app_context():
        numbers = sorted(_db.session.scalars(sa.select(Certificate.number)))
        per_assessment = _db.session.execute(sa.select(Certificate.assessment_id, sa.func.count())
                                             .group_by(Certificate.assessment_id)).all()
    assert len(errors) <= 1 and set(errors) <= {"StaleDataError", "InvalidState", "IntegrityError", "Conflict"}
    assert numbers == [f"LA-{TODAY.year}-{n:06d}" for n in range(1, 13)]
    assert all(count == 1 for _id, count in per_assessment)


def test_the_printed_qr_code_decodes_to_a_link_that_verifies(app, client, artifacts):
    """The real PDF, rasterised at 150 dpi as a cheap scanner would, decoded by zxing-cpp."""
    import pypdfium2
    import zxingcpp

    setup, full, _ = issued(app)
    certificate = _cert(app, full)
    pdf = client.get(f"/d/{certificate.download_token}/certificate.pdf").data
    page = pypdfium2.PdfDocument(pdf)[0]
    image = page.render(scale=150 / 72).to_pil()
    image.save(artifacts / "certificate-from-app-150dpi.png")
    codes = zxingcpp.read_barcodes(image)
    assert len(codes) == 1
    url = codes[0].text
    assert url.startswith("https://verify.sdi.gov.la/v/")
    page_html = client.get(url.removeprefix("https://verify.sdi.gov.la"), headers={"Accept-Language": "th"})
    from helpers import translated

    assert translated(app, "th", "Genuine and valid") in page_html.get_data(as_text=True)
