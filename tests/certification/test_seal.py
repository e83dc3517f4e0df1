"""The certificate PDF proves itself: a PAdES seal by its authority, checked by two independent
validators (pyHanko, and poppler's pdfsig with NSS), broken by any edit, flagged when its key is
compromised; and no PDF at all for a certificate that is not valid, from any route."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pikepdf
import pytest
from certificate_fixtures import issued, need_tool, nss_database, pdfsig_report, pyhanko_status, seal_root
from cryptography.hazmat.primitives import serialization
from helpers import WebClient
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from skills_cert.certification import sealing, seals
from skills_cert.certification.models import Certificate
from skills_cert.extensions import db

AUTHORITY = "LA-SDI"
EN = {"Accept-Language": "en"}


def _officer(app, setup) -> WebClient:
    client = WebClient(app.test_client())
    client.login(setup.officer.username)
    client.get("/lang/en")
    return client


@pytest.fixture()
def certs(app):
    setup, full, partial = issued(app)
    return setup, full, partial


@pytest.fixture()
def sealed(app, certs) -> bytes:
    setup, full, _partial = certs
    response = _officer(app, setup).get(f"/certificates/{full}/pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    return response.data


def _key_dir(app) -> Path:
    return Path(app.config["SIGNING_KEY_DIR"])


def test_a_certificate_pdf_carries_a_valid_seal_by_its_authority(app, sealed, tmp_path):
    status = pyhanko_status(app, sealed)
    assert status.bottom_line and status.intact and status.valid and status.trusted
    assert status.docmdp_ok and status.modification_level.name == "NONE"
    assert status.coverage.name == "ENTIRE_FILE"
    subject = status.signing_cert.subject.native
    assert "ສະຖາບັນພັດທະນາສີມືແຮງງານ" in str(subject["organization_name"])
    assert "Skills Development Institute" in str(subject["organization_name"])
    report = pdfsig_report(sealed, tmp_path, nss_database(app, tmp_path))
    assert "Signature is Valid." in report and "Certificate is Trusted." in report
    assert "Total document signed" in report


def test_the_seal_certifies_the_document_with_no_changes_allowed_and_embeds_the_chain(sealed):
    with pikepdf.open(io.BytesIO(sealed)) as pdf:
        perms = pdf.Root.Perms.DocMDP
        references = perms.Reference
        assert int(references[0].TransformParams.P) == 1
        assert perms.SubFilter == "/ETSI.CAdES.detached"
    [signature] = PdfFileReader(io.BytesIO(sealed)).embedded_signatures
    certificates = list(signature.signed_data["certificates"])
    assert len(certificates) == 2  # the seal's certificate and the authority's root


def _incremental_edit(pdf: bytes) -> bytes:
    """What a forger with an ordinary PDF library does without breaking the file: an update that
    draws "Level 2" over the page."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(_append_update, pdf).result()


def _append_update(pdf: bytes) -> bytes:
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    page = writer.root["/Pages"].raw_get("/Kids")[0].get_object()
    stream = generic.StreamObject(stream_data=b"BT /F1 12 Tf 300 420 Td (Level 2) Tj ET")
    page["/Contents"] = generic.ArrayObject([page.raw_get("/Contents"), writer.add_object(stream)])
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _rewrite(pdf: bytes) -> bytes:
    """A full rewrite (pikepdf): the holder's Lao name in the text layer becomes another name."""
    with pikepdf.open(io.BytesIO(pdf)) as document:
        page = document.pages[0]
        data = page.Contents.read_bytes() if not isinstance(page.Contents, pikepdf.Array) else b""
        name = "ສົມພອນ".encode("utf-16-be").hex().upper().encode()
        assert name in data
        page.Contents.write(data.replace(name, "ສົມພູ".encode("utf-16-be").hex().upper().encode()))
        out = io.BytesIO()
        document.save(out)
        return out.getvalue()


def test_an_incremental_edit_is_reported_by_both_validators(app, sealed, tmp_path):
    edited = _incremental_edit(sealed)
    status = pyhanko_status(app, edited)
    assert not status.bottom_line and not status.docmdp_ok and status.modification_level.name == "OTHER"
    report = pdfsig_report(edited, tmp_path, nss_database(app, tmp_path))
    assert "Total document signed" not in report


def test_a_rewritten_copy_is_reported_by_both_validators(app, sealed, tmp_path):
    edited = _rewrite(sealed)
    try:
        status = pyhanko_status(app, edited)
    except Exception:  # noqa: BLE001 - a validator that cannot even read the seal also refuses it
        status = None
    assert status is None or not status.bottom_line
    report = pdfsig_report(edited, tmp_path, nss_database(app, tmp_path))
    assert "Signature is Valid." not in report or "Total document signed" not in report


def test_a_pdf_sealed_by_a_compromised_key_is_flagged(app, sealed, tmp_path):
    serial = seals.serial_of(_pyhanko_certificate(sealed))
    try:
        crl = seals.mark_compromised(_key_dir(app), AUTHORITY, serial, now=dt.datetime.now(dt.timezone.utc))
        from asn1crypto import crl as asn1_crl
        status = pyhanko_status(app, sealed, crls=[asn1_crl.CertificateList.load(
            crl.public_bytes(serialization.Encoding.DER))])
        assert not status.bottom_line and status.revoked
        database = nss_database(app, tmp_path)
        crl_file = tmp_path / "root.crl"
        crl_file.write_bytes(crl.public_bytes(serialization.Encoding.DER))
        subprocess.run([need_tool("crlutil", "libnss3-tools"), "-I", "-d", f"sql:{database}", "-i", str(crl_file)],
                       check=True)
        report = pdfsig_report(sealed, tmp_path, database)
        assert "Certificate has been Revoked." in report
        # The next PDF is sealed by a new key, which the CRL does not name.
        fresh = seals.create_seal(_key_dir(app), AUTHORITY, now=dt.datetime.now(dt.timezone.utc))
        assert seals.active_seal(_key_dir(app), AUTHORITY, now=dt.datetime.now(dt.timezone.utc)).serial == \
            seals.serial_of(fresh)
    finally:
        (_key_dir(app) / AUTHORITY / "seal" / "root.crl.pem").unlink(missing_ok=True)


def _pyhanko_certificate(pdf: bytes):
    from cryptography import x509
    [signature] = PdfFileReader(io.BytesIO(pdf)).embedded_signatures
    return x509.load_der_x509_certificate(signature.signer_cert.dump())


def _revoke(app, certificate_id: int, setup) -> None:
    from skills_cert.accounts.models import User
    from skills_cert.certification import issuing

    with app.app_context():
        certificate = db.session.get(Certificate, certificate_id)
        issuing.revoke(db.session, certificate, actor=db.session.get(User, setup.officer.id), reason="issued_in_error",
                       note="", today=dt.date.today(), expected_version=certificate.version)
        db.session.commit()


def test_no_route_serves_a_revoked_certificate(app, certs, client):
    setup, full, partial = certs
    with app.app_context():
        token = db.session.get(Certificate, full).download_token
    _revoke(app, full, setup)
    officer = _officer(app, setup)
    for response in (client.get(f"/d/{token}/certificate.pdf", headers=EN), officer.get(f"/certificates/{full}/pdf")):
        assert response.status_code == 410 and not response.data.startswith(b"%PDF")
        assert "was revoked on" in response.get_data(as_text=True)
    page = client.get(f"/d/{token}").get_data(as_text=True)
    assert f"/d/{token}/certificate.pdf" not in page
    archive = zipfile.ZipFile(io.BytesIO(officer.get(f"/sessions/{setup.session_id}/certificates.zip").data))
    with app.app_context():
        number = db.session.get(Certificate, partial).number
    assert archive.namelist() == [f"{number}.pdf", f"{number}.credential.json"]
    assert pyhanko_status(app, archive.read(archive.namelist()[0])).bottom_line


def test_an_expired_certificate_gets_no_pdf(app, certs, client):
    setup, full, _partial = certs
    with app.app_context():
        certificate = db.session.get(Certificate, full)
        certificate.expires_on = dt.date.today() - dt.timedelta(days=1)
        token = certificate.download_token
        db.session.commit()
    response = client.get(f"/d/{token}/certificate.pdf", headers=EN)
    assert response.status_code == 410 and "expired on" in response.get_data(as_text=True)


def test_the_etag_is_weak_and_a_cached_copy_stays_valid(app, certs, client):
    _setup, full, _partial = certs
    with app.app_context():
        token = db.session.get(Certificate, full).download_token
    first = client.get(f"/d/{token}/certificate.pdf")
    assert first.headers["ETag"].startswith('W/"')
    again = client.get(f"/d/{token}/certificate.pdf", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


def test_flask_certificates_export_writes_sealed_pdfs(app, certs, tmp_path):
    setup, full, partial = certs
    runner = app.test_cli_runner()
    with app.app_context():
        number = db.session.get(Certificate, full).number
    one = runner.invoke(args=["certificates", "export", number.lower(), "-o", str(tmp_path / "one")])
    assert one.exit_code == 0, one.output
    assert sorted(p.name for p in (tmp_path / "one").iterdir()) == [f"{number}.credential.json", f"{number}.pdf"]
    written = tmp_path / "one" / f"{number}.pdf"
    assert pyhanko_status(app, written.read_bytes()).bottom_line
    _revoke(app, partial, setup)
    session = runner.invoke(args=["certificates", "export", "--session", str(setup.session_id), "-o",
                                  str(tmp_path / "session")])
    assert session.exit_code == 0, session.output
    assert sorted(p.name for p in (tmp_path / "session").iterdir()) == [f"{number}.credential.json", f"{number}.pdf"]
    assert "no PDF is issued for it" in session.output
    assert runner.invoke(args=["certificates", "export", "-o", str(tmp_path)]).exit_code == 2
    missing = runner.invoke(args=["certificates", "export", "LA-1999-000000", "-o", str(tmp_path)])
    assert missing.exit_code == 1 and "no certificate" in missing.output


def test_keys_seal_commands(app, certs, tmp_path):
    runner = app.test_cli_runner()
    rotated = runner.invoke(args=["keys", "seal-rotate", "--authority", AUTHORITY])
    assert rotated.exit_code == 0, rotated.output
    assert "root SHA-256 " + seals.fingerprint(seal_root(app)) in rotated.output
    listed = runner.invoke(args=["keys", "seal-list"]).output.splitlines()
    assert [line.split("\t")[2] for line in listed if line.startswith(AUTHORITY)][-1] == "active"
    exported = runner.invoke(args=["keys", "seal-root", "--authority", AUTHORITY, "-o", str(tmp_path / "root.pem")])
    assert exported.exit_code == 0 and (tmp_path / "root.pem").read_bytes() == seal_root(app).public_bytes(
        serialization.Encoding.PEM)
    assert runner.invoke(args=["keys", "seal-compromise", "00", "--authority", AUTHORITY]).exit_code == 1


def test_the_root_is_published_with_its_fingerprint(app, certs, client):
    from certificate_fixtures import verify_path

    _setup, full, _partial = certs
    _officer(app, certs[0]).get(f"/certificates/{full}/pdf")  # the seal exists once a PDF was served
    fingerprint = seals.fingerprint(seal_root(app))
    pem = client.get(f"/.well-known/skills-cert-seal/{AUTHORITY}.pem")
    assert pem.status_code == 200 and pem.data == seal_root(app).public_bytes(serialization.Encoding.PEM)
    assert client.get("/.well-known/skills-cert-seal/NOBODY.pem").status_code == 404
    assert client.get("/.well-known/skills-cert-seal/..%2Fkeys.pem").status_code == 404
    keyset = client.get("/.well-known/skills-cert-keys.json").get_json()
    assert {"authority": AUTHORITY, "sha256": fingerprint,
            "url": f"{app.config['PUBLIC_BASE_URL']}/.well-known/skills-cert-seal/{AUTHORITY}.pem"} \
        in keyset["seal_roots"]
    page = client.get(verify_path(app, full), headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert fingerprint in page and "should show a valid seal by" in page
    assert page.index("Compare with the paper") < page.index("Check the PDF itself")


def test_with_a_timestamp_authority_the_seal_is_pades_b_t(app, certs):
    """B-T against a local test TSA (pyHanko's DummyTimeStamper, its certificate issued for
    time-stamping by a throwaway root): the seal then carries a trusted signature timestamp."""
    from asn1crypto import keys as asn1_keys
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
    from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

    from skills_cert.certification import documents

    now = dt.datetime.now(dt.timezone.utc)
    tsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)  # the dummy TSA signs RSA only
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test TSA")])
    tsa_cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(tsa_key.public_key())
                .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(hours=1))
                .not_valid_after(now + dt.timedelta(days=30))
                .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
                .sign(tsa_key, hashes.SHA256()))
    stamper = DummyTimeStamper(
        tsa_cert=sealing.asn1_certificate(tsa_cert),
        tsa_key=asn1_keys.PrivateKeyInfo.load(tsa_key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())))
    _setup, full, _partial = certs
    with app.app_context():
        certificate = db.session.get(Certificate, full)
        settings = documents.SealSettings.from_config(app.config)
        keys = documents.seal_keys(certificate, settings)
        page = documents.certificate_pdf(certificate, app.config["PUBLIC_BASE_URL"])
    with ThreadPoolExecutor(max_workers=1) as pool:
        stamped = pool.submit(sealing.seal_pdf, page, keys, name="SDI", location="LA", reason="certificate",
                              stamper=stamper).result()
    context = ValidationContext(trust_roots=[sealing.asn1_certificate(seal_root(app)),
                                             sealing.asn1_certificate(tsa_cert)], allow_fetching=False)
    [signature] = PdfFileReader(io.BytesIO(stamped)).embedded_signatures
    with ThreadPoolExecutor(max_workers=1) as pool:
        status = pool.submit(validate_pdf_signature, signature, context).result()
    assert status.bottom_line and status.timestamp_validity is not None
    assert status.timestamp_validity.valid and status.timestamp_validity.trusted


def test_the_verification_data_is_attached_and_the_pdf_declares_pdf_a_3b(app, certs, sealed, tmp_path):
    """Section 3 of the document: the token and URL as an associated file (relationship Data),
    read back by pikepdf and by poppler's pdfdetach; the PDF/A-3b parts that can be checked here
    (no veraPDF): XMP identification, metadata agreeing with the document information, an sRGB
    output intent, every font embedded."""
    import json

    from skills_cert.certification.issuing import token_of, verify_url

    _setup, full, _partial = certs
    with app.app_context():
        certificate = db.session.get(Certificate, full)
        token, url, number = token_of(certificate), verify_url(certificate, app.config["PUBLIC_BASE_URL"]), \
            certificate.number
    with pikepdf.open(io.BytesIO(sealed)) as document:
        [spec, credential] = list(document.Root.AF)
        assert spec.AFRelationship == "/Data" and str(spec.F) == "certificate-verification.json"
        assert credential.AFRelationship == "/Alternative" and str(credential.F) == "open-badge-credential.json"
        data = json.loads(document.attachments["certificate-verification.json"].get_file().read_bytes())
        assert data == {"number": number, "verification_token": token, "verification_url": url}
        meta = document.open_metadata()
        assert meta["pdfaid:part"] == "3" and meta["pdfaid:conformance"] == "B"
        assert meta["dc:title"] == str(document.docinfo.Title) == number
        assert "/Trapped" not in document.docinfo
        [intent] = list(document.Root.OutputIntents)
        assert intent.S == "/GTS_PDFA1" and int(intent.DestOutputProfile.N) == 3
        assert document.pdf_version >= "1.7"
    path = tmp_path / "certificate.pdf"
    path.write_bytes(sealed)
    listed = subprocess.run([need_tool("pdfdetach", "poppler-utils"), "-list", str(path)], capture_output=True,
                            text=True, check=True).stdout
    assert "certificate-verification.json" in listed
    subprocess.run(["pdfdetach", "-save", "1", "-o", str(tmp_path / "data.json"), str(path)], check=True)
    assert json.loads((tmp_path / "data.json").read_text())["verification_token"] == token
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    rows = fonts.splitlines()[2:]
    assert rows and all(row.split()[-5] == "yes" for row in rows), fonts  # the "emb" column
    assert pyhanko_status(app, sealed).bottom_line  # the seal covers the attachment too


def test_without_a_usable_seal_key_production_serves_no_pdf_and_says_why(app, certs, monkeypatch):
    """Production never makes a key on the fly: with the seal files gone, a PDF request gets a
    translated 503 page, not an unsealed PDF and not a 500."""
    import shutil as _shutil

    setup, full, _partial = certs
    officer = _officer(app, setup)
    assert officer.get(f"/certificates/{full}/pdf").status_code == 200  # the development seal exists
    seal_folder = _key_dir(app) / AUTHORITY / "seal"
    kept = _key_dir(app).parent / "seal-kept"
    _shutil.copytree(seal_folder, kept, dirs_exist_ok=True)
    monkeypatch.setitem(app.config, "ENV_NAME", "production")
    try:
        _shutil.rmtree(seal_folder)
        response = officer.get(f"/certificates/{full}/pdf")
        assert response.status_code == 503 and not response.data.startswith(b"%PDF")
        assert "cannot be sealed at the moment" in response.get_data(as_text=True)
        archive = officer.get(f"/sessions/{setup.session_id}/certificates.zip")
        assert archive.status_code == 503 and archive.mimetype == "text/html"
    finally:
        _shutil.rmtree(seal_folder, ignore_errors=True)
        _shutil.copytree(kept, seal_folder)
