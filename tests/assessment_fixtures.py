"""A testing centre, staff, a session of the Lao bricklaying standard, and enrolled candidates."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from helpers import make_user
from standards_fixtures import import_shipped, standard_id

from skills_cert.roles import Role

TODAY = dt.date.today()
CANDIDATES = [
    dict(name_lao="ສົມພອນ ແກ້ວມະນີ", name_latin="Somphone Keomany", sex="male",
         date_of_birth=dt.date(1990, 3, 14), nationality="LA", id_type="passport",
         id_number="P1234567", pathway="rpl", phone="+856 20 5551 2345",
         rpl_work_history="Bricklayer on building sites in Bangkok, 2016-2024.",
         rpl_portfolio="Photos of walls built; letter from the site foreman."),
    dict(name_lao="ບຸນມີ ພົມມະຈັນ", name_latin="Bounmy Phommachanh", sex="female",
         date_of_birth=dt.date(1995, 7, 2), nationality="LA", id_type="national_id",
         id_number="0123456789", pathway="regular"),
]


@dataclass
class Setup:
    standard_id: int
    centre_id: int
    session_id: int
    assessor: object
    other_assessor: object
    officer: object
    admin: object
    candidate_ids: list
    assessment_ids: list


def build(app, code: str = "LA-CON-BRL-L1") -> Setup:
    from skills_cert.accounts.models import User
    from skills_cert.assessment import candidates, centres, sessions
    from skills_cert.extensions import db
    from skills_cert.standards.models import Standard

    import_shipped(app)
    admin = make_user(app, Role.ADMINISTRATOR)
    assessor = make_user(app, Role.ASSESSOR, full_name="ຄຳໃສ ວົງສາ")
    other = make_user(app, Role.ASSESSOR)
    officer = make_user(app, Role.CERTIFYING_OFFICER)
    sid = standard_id(app, code)
    with app.app_context():
        actor = db.session.get(User, admin.id)
        centre = centres.create_centre(db.session, code="VTE-01", province="LA-VT", actor=actor, name={
            "lo": "ສູນທົດສອບວຽງຈັນ", "th": "ศูนย์ทดสอบเวียงจันทน์", "en": "Vientiane Testing Centre"})
        standard = db.session.get(Standard, sid)
        for user in (assessor, other):
            sessions.accredit(db.session, db.session.get(User, user.id), code, TODAY + dt.timedelta(days=365),
                              actor=actor, today=TODAY)
        test_session = sessions.create_session(
            db.session, centre=centre, standard=standard, test_date=TODAY,
            assessors=[db.session.get(User, assessor.id)], actor=actor, today=TODAY)
        candidate_ids, assessment_ids = [], []
        for data in CANDIDATES:
            person = candidates.register(db.session, candidates.CandidateData(**data), actor=actor, today=TODAY)
            assessment = sessions.enrol(db.session, test_session, person, actor=actor)
            candidate_ids.append(person.id)
            assessment_ids.append(assessment.id)
        db.session.commit()
        return Setup(sid, centre.id, test_session.id, assessor, other, officer, admin,
                     candidate_ids, assessment_ids)


def all_satisfactory(app, standard_id: int) -> dict:
    from skills_cert.assessment.recording import checklist_items
    from skills_cert.extensions import db
    from skills_cert.standards.models import Standard

    with app.app_context():
        return {item.code: (True, None) for item in checklist_items(db.session, db.session.get(Standard, standard_id))}


def critical_item(app, standard_id: int) -> tuple[str, str]:
    """A non-safety item that evidences a critical criterion, and that criterion's unit."""
    from skills_cert.assessment.recording import checklist_items
    from skills_cert.extensions import db
    from skills_cert.standards.models import Standard

    with app.app_context():
        for item in checklist_items(db.session, db.session.get(Standard, standard_id)):
            critical = [c for c in item.criteria if c.is_critical]
            if critical and not item.is_safety_critical:
                return item.code, critical[0].element.unit.code
    raise AssertionError("no critical item")
