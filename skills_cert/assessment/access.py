"""Opening one assessment for a page: 404 when it does not exist, 403 for an assessor who is not
assigned to its session. The recording pages and the approval pages (`certification`) share it.

A page that only reads opens it with `read_only=True`: then an assessor whom a feature above
this one lets read it (`sessions.also_readable_by`: `appeals` registers its deciders) is let in."""

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import abort
from flask_login import current_user

from skills_cert.assessment.models import Assessment, TestSession
from skills_cert.assessment.sessions import is_assigned, may_read
from skills_cert.extensions import db
from skills_cert.roles import Role

VIEWERS = (Role.ADMINISTRATOR, Role.ASSESSOR, Role.CERTIFYING_OFFICER)


def load_assessment(assessment_id: int, *, read_only: bool = False) -> Assessment:
    assessment = db.session.scalar(sa.select(Assessment).where(Assessment.id == assessment_id).options(
        so.joinedload(Assessment.candidate),
        so.joinedload(Assessment.session).joinedload(TestSession.standard),
        so.selectinload(Assessment.results)))
    if assessment is None:
        abort(404)
    if current_user.role is Role.ASSESSOR and not (
            may_read(assessment, current_user) if read_only else is_assigned(assessment.session, current_user)):
        abort(403)
    return assessment
