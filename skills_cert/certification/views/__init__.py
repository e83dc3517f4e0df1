"""Approvals (`assessments.approve` and its pages), the holder's download and the office
(`certificates.*`), public verification (`verify.*`), and the Open Badges credentials with the public documents
they point to (`credentials.py`)."""

from skills_cert.certification.views import (  # noqa: F401
    approvals,
    credentials,
    holder,
    office,
    office_exports,
    session_approval,
    verify,
)
