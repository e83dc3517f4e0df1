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
