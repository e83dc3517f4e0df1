"""Opening one assessment for a page: 404 when it does not exist, 403 for an assessor who is not
assigned to its session. The recording pages and the approval pages (`certification`) share it."""

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import abort
from flask_login import current_user

from skills_cert.assessment.models import Assessment, TestSession
from skills_cert.assessment.sessions import is_assigned
from skills_cert.extensions import db
from skills_cert.roles import Role

VIEWERS = (Role.ADMINISTRATOR, Role.ASSESSOR, Role.CERTIFYING_OFFICER)


def load_assessment(assessment_id: int) -> Assessment:
    assessment = db.session.scalar(sa.select(Assessment).where(Assessment.id == assessment_id).options(
        so.joinedload(Assessment.candidate),
        so.joinedload(Assessment.session).joinedload(TestSession.standard),
        so.selectinload(Assessment.results)))
    if assessment is None:
        abort(404)
    if current_user.role is Role.ASSESSOR and not is_assigned(assessment.session, current_user):
        abort(403)
    return assessment
