"""Testing centres: where candidates sit their tests."""

from __future__ import annotations

import re

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import gettext as _

from skills_cert.assessment.models import TestingCentre
from skills_cert.audit import log as audit
from skills_cert.errors import ValidationFailed
from skills_cert.provinces import PROVINCES

CODE_RE = re.compile(r"^[A-Z0-9][A-Z0-9-]{1,19}$")


def create_centre(session: so.Session, *, code: str, name: dict, province: str, actor) -> TestingCentre:
    code = code.strip().upper()
    reasons: dict[str, list[str]] = {}
    if not CODE_RE.match(code):
        reasons["code"] = [_("Use 2 to 20 capital letters, digits or dashes, e.g. VTE-01.")]
    elif session.scalar(sa.select(TestingCentre.id).where(TestingCentre.code == code)):
        reasons["code"] = [_("A testing centre with this code already exists.")]
    if province not in PROVINCES:
        reasons["province"] = [_("Choose a province.")]
    if any(not (name.get(loc) or "").strip() for loc in ("lo", "th", "en")):
        reasons["name"] = [_("Enter the name in every language.")]
    if reasons:
        raise ValidationFailed(reasons)
    centre = TestingCentre(code=code, name={k: name[k].strip() for k in ("lo", "th", "en")},
                           province=province)
    session.add(centre)
    session.flush()
    audit.record(session, actor=actor, action="centre.create", object_type="centre",
                 object_id=centre.id, changes={"code": code, "province": province})
    return centre


def active_centres(session: so.Session) -> list[TestingCentre]:
    return list(session.scalars(sa.select(TestingCentre).where(TestingCentre.is_active.is_(True))
                                .order_by(TestingCentre.code)))
