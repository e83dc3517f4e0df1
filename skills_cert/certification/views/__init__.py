"""Approvals (`assessments.approve` and its pages), the holder's download and the office
(`certificates.*`), and public verification (`verify.*`)."""

from skills_cert.certification.views import approvals, holder, office, verify  # noqa: F401
