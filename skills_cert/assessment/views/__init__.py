"""Candidates, sessions and recording (`assessments.*`), and testing centres and assessor
accreditation (`admin.centres`, `admin.accreditations`)."""

from skills_cert.assessment.views import (  # noqa: F401
    assessor_report,
    candidates,
    centres,
    moderation,
    offline,
    recording,
    rpl,
    self_assessment,
    session_exports,
    sessions,
)
