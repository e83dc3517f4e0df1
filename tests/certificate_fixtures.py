"""Approved assessments with their certificates, built through the real services."""

from __future__ import annotations

from pathlib import Path

from assessment_fixtures import TODAY, all_satisfactory, build, critical_item


def approve(app, setup, index: int, *, fail: str | None = None, knowledge: float = 80.0):
    """Record, submit and approve one assessment; returns the certificate id (or None)."""
    from skills_cert.accounts.models import User
    from skills_cert.assessment import recording as assessments
    from skills_cert.assessment.models import Assessment
    from skills_cert.certification import issuing as certificates
    from skills_cert.extensions import db

    items = all_satisfactory(app, setup.standard_id)
    if fail:
        items[fail] = (False, None)
    with app.app_context():
        assessment = db.session.get(Assessment, setup.assessment_ids[index])
        assessor = db.session.get(User, setup.assessor.id)
        assessments.save(db.session, assessment, assessments.Recording(
            items=items, knowledge_percent=knowledge, practical_points={}, expected_version=assessment.version),
            actor=assessor, today=TODAY)
        assessments.submit(db.session, assessment, actor=assessor, today=TODAY,
                           expected_version=assessment.version)
        certificate = certificates.approve_and_issue(
            db.session, assessment, actor=db.session.get(User, setup.officer.id),
            expected_version=assessment.version, today=TODAY,
            key_dir=Path(app.config["SIGNING_KEY_DIR"]), allow_key_generation=True)
        db.session.commit()
        return certificate.id if certificate else None


def issued(app):
    """A session with one certificate (index 0) and one statement of attainment (index 1)."""
    setup = build(app)
    fail, _unit = critical_item(app, setup.standard_id)
    return setup, approve(app, setup, 0), approve(app, setup, 1, fail=fail)


def verify_path(app, certificate_id: int) -> str:
    from skills_cert.certification.issuing import token_of
    from skills_cert.certification.models import Certificate
    from skills_cert.extensions import db

    with app.app_context():
        return "/v/" + token_of(db.session.get(Certificate, certificate_id))


def need_tool(tool: str, package: str) -> str:
    """The path of a Debian tool the seal tests use: a failure under CI=true, else a skip."""
    import os
    import shutil

    import pytest

    found = shutil.which(tool)
    if found:
        return found
    if os.environ.get("CI") == "true":
        pytest.fail(f"{tool} (Debian {package}) is required under CI=true", pytrace=False)
    pytest.skip(f"{tool} (Debian {package}) is not installed")


def seal_root(app, authority: str = "LA-SDI"):
    from skills_cert.certification import seals

    return seals.root_certificate(Path(app.config["SIGNING_KEY_DIR"]), authority)


def pyhanko_status(app, pdf: bytes, crls=(), authority: str = "LA-SDI"):
    """pyHanko's verdict on *pdf*, trusting the authority's seal root; with *crls*, revocation is
    required. In a thread of its own: pyHanko runs an event loop, and a browser test's Playwright
    keeps one running in this thread."""
    import io
    from concurrent.futures import ThreadPoolExecutor

    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    from skills_cert.certification import sealing

    context = ValidationContext(trust_roots=[sealing.asn1_certificate(seal_root(app, authority))],
                                allow_fetching=False, crls=list(crls),
                                revocation_mode="require" if crls else "soft-fail")
    [signature] = PdfFileReader(io.BytesIO(pdf)).embedded_signatures
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(validate_pdf_signature, signature, context).result()


def nss_database(app, tmp_path, authority: str = "LA-SDI") -> Path:
    """A throwaway NSS database (certutil) that trusts the authority's seal root, for pdfsig."""
    import subprocess

    from cryptography.hazmat.primitives import serialization

    certutil = need_tool("certutil", "libnss3-tools")
    database = tmp_path / "nss"
    database.mkdir()
    subprocess.run([certutil, "-N", "-d", f"sql:{database}", "--empty-password"], check=True)
    root = tmp_path / "root.crt"
    root.write_bytes(seal_root(app, authority).public_bytes(serialization.Encoding.PEM))
    subprocess.run([certutil, "-A", "-d", f"sql:{database}", "-n", "authority-root", "-t", "C,C,C", "-a",
                    "-i", str(root)], check=True)
    return database


def pdfsig_report(pdf: bytes, tmp_path, database: Path) -> str:
    """What poppler's pdfsig says of *pdf*, with the NSS database *database*."""
    import subprocess

    pdfsig = need_tool("pdfsig", "poppler-utils")
    path = tmp_path / "document.pdf"
    path.write_bytes(pdf)
    return subprocess.run([pdfsig, "-nssdir", f"sql:{database}", str(path)], capture_output=True, text=True,
                          encoding="utf-8", errors="replace", check=False).stdout


def seal_verdicts(app, pdf: bytes, tmp_path, authority: str = "LA-SDI") -> tuple[bool, str]:
    """pyHanko's bottom line and pdfsig's report for *pdf*, each trusting the authority's root."""
    return (pyhanko_status(app, pdf, authority=authority).bottom_line,
            pdfsig_report(pdf, tmp_path, nss_database(app, tmp_path, authority)))
