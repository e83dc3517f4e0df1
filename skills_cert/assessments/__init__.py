"""Candidates, test sessions, recording results and their approval."""

from flask import Blueprint

bp = Blueprint("assessments", __name__)

from skills_cert.assessments import approvals, candidates, recording, sessions  # noqa: E402,F401
