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


def seal_verdicts(app, pdf: bytes, tmp_path, authority: str = "LA-SDI") -> tuple[bool, str]:
    """pyHanko's bottom line and poppler's pdfsig report for *pdf*, each trusting the authority's
    seal root (pdfsig through a throwaway NSS database). pyHanko runs in a thread of its own:
    it uses an event loop, and a browser test's Playwright keeps one running in this thread."""
    import io
    import shutil
    import subprocess
    from concurrent.futures import ThreadPoolExecutor

    from cryptography.hazmat.primitives import serialization
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    from skills_cert.certification import sealing, seals

    root = seals.root_certificate(Path(app.config["SIGNING_KEY_DIR"]), authority)
    context = ValidationContext(trust_roots=[sealing.asn1_certificate(root)], allow_fetching=False)
    [signature] = PdfFileReader(io.BytesIO(pdf)).embedded_signatures
    with ThreadPoolExecutor(max_workers=1) as pool:
        status = pool.submit(validate_pdf_signature, signature, context).result()
    database = tmp_path / "nss"
    database.mkdir(exist_ok=True)
    (tmp_path / "root.crt").write_bytes(root.public_bytes(serialization.Encoding.PEM))
    certutil = shutil.which("certutil") or "certutil"
    subprocess.run([certutil, "-N", "-d", f"sql:{database}", "--empty-password"], check=True)
    subprocess.run([certutil, "-A", "-d", f"sql:{database}", "-n", "root", "-t", "C,C,C", "-a", "-i",
                    str(tmp_path / "root.crt")], check=True)
    (tmp_path / "document.pdf").write_bytes(pdf)
    report = subprocess.run(["pdfsig", "-nssdir", f"sql:{database}", str(tmp_path / "document.pdf")],
                            capture_output=True, text=True, encoding="utf-8", errors="replace").stdout
    return status.bottom_line, report
