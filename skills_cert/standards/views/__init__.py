"""Browsing, drafting and endorsing standards, and printing checklists (`standards.*`)."""

from skills_cert.standards.views import pages  # noqa: F401
