"""Candidates, sessions and recording (`assessments.*`), and testing centres and assessor
accreditation (`admin.centres`, `admin.accreditations`)."""

from skills_cert.assessment.views import candidates, centres, recording, sessions  # noqa: F401
