"""The name in Thai script on the candidate form: proposed from the Lao name, corrected by the
assessor, a Thai national's own name in Thai script, and added later to a registered candidate."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from helpers import WebClient

from skills_cert.assessment.models import Candidate
from skills_cert.audit.models import AuditEntry
from skills_cert.extensions import db
from skills_cert.roles import Role

EN = {"Accept-Language": "en"}
PERSON = {"name_lao": "ວຽງຄຳ ໄຊຍະວົງ", "name_latin": "", "name_thai": "", "sex": "female",
          "date_of_birth": "1992-11-05", "nationality": "LA", "id_type": "passport",
          "id_number": "P7654321", "phone": "", "pathway": "regular"}


@pytest.fixture()
def assessor(app, users):
    client = WebClient(app.test_client())
    client.login(users[Role.ASSESSOR].username)
    return client


def _registered(app, id_number: str) -> tuple[Candidate, dict]:
    with app.app_context():
        person = db.session.scalar(sa.select(Candidate).where(Candidate.id_number == id_number))
        entry = db.session.scalar(sa.select(AuditEntry).where(
            AuditEntry.object_type == "candidate", AuditEntry.object_id == str(person.id))
            .order_by(AuditEntry.id.desc()).limit(1))
        db.session.expunge(person)
        return person, entry.changes


def test_the_proposal_is_shown_then_registered_or_corrected(app, assessor):
    # What the form's script asks for while the Lao name is typed.
    answer = assessor.get("/candidates/romanise", query_string={"lao": PERSON["name_lao"]}).json
    assert answer == {"suggestion": "Viangkham Xaiyavong", "thai": "เวียงคำ ไซยะวง"}

    # Without the script: both names are proposed on the form, to be checked; nothing is saved yet.
    page = assessor.submit("/candidates/new", PERSON, headers=EN).get_data(as_text=True)
    assert 'value="เวียงคำ ไซยะวง"' in page and 'lang="th"' in page
    assert "A spelling in Thai script was proposed from the Lao name." in page
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Candidate.id))) == 0
    filled = {**PERSON, "name_latin": "Viengkham Xayavong", "name_thai": "เวียงคำ ไซยะวง"}
    assert assessor.submit("/candidates/new", filled).status_code == 302
    person, changes = _registered(app, "P7654321")
    assert person.name_thai == "เวียงคำ ไซยะวง" and changes["thai_spelling"] == "proposed"

    # The assessor corrects the proposal to the worker's Thai work permit.
    corrected = {**filled, "id_number": "P7654322", "name_lao": "ສົມສັກ ໄຊຍະວົງ",
                 "name_latin": "Somsak Xayavong", "name_thai": " สมศักดิ์  ไชยวงศ์ ", "date_of_birth": "1990-01-02"}
    assert assessor.submit("/candidates/new", corrected).status_code == 302
    person, changes = _registered(app, "P7654322")
    assert person.name_thai == "สมศักดิ์ ไชยวงศ์" and changes["thai_spelling"] == "corrected"

    # A name in Thai script that is not one is refused, with the reason, and nothing is saved.
    page = assessor.submit("/candidates/new", {**corrected, "id_number": "P7654323", "name_thai": "Somsak"},
                           headers=EN).get_data(as_text=True)
    assert "Write the name in Thai script only" in page
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Candidate.id))) == 2


def test_a_thai_national_registers_a_name_in_thai_script(app, assessor):
    thai = {**PERSON, "name_lao": "สมชาย ใจดี", "name_latin": "Somchai Jaidee", "nationality": "TH",
            "id_type": "national_id",
            "id_number": "1234567890123"}
    assert assessor.get("/candidates/romanise", query_string={"lao": thai["name_lao"]}).json["thai"] == "สมชาย ใจดี"
    page = assessor.submit("/candidates/new", {**thai, "nationality": "LA"}, headers=EN).get_data(as_text=True)
    assert "Only a Thai national&#39;s name can be registered in Thai script." in page
    page = assessor.submit("/candidates/new", {**thai, "name_thai": "สมชัย ใจดี"}, headers=EN).get_data(as_text=True)
    assert "its name in Thai script is the same" in page
    assert assessor.submit("/candidates/new", thai).status_code == 302
    person, changes = _registered(app, "1234567890123")
    assert (person.name_lao, person.name_thai) == ("สมชาย ใจดี", "สมชาย ใจดี")
    assert changes["thai_spelling"] == "own_script"
    page = assessor.get(f"/candidates/{person.id}").get_data(as_text=True)
    assert '<h1><span lang="th">สมชาย ใจดี</span></h1>' in page


def test_a_candidate_registered_without_one_gets_it_later(app, assessor, users):
    import datetime as dt

    from skills_cert.accounts.models import User
    from skills_cert.assessment import candidates

    with app.app_context():  # as before the field existed: no name in Thai script
        person = candidates.register(db.session, candidates.CandidateData(
            name_lao="ບຸນມີ ພົມມະຈັນ", name_latin="Bounmy Phommachanh", sex="female",
            date_of_birth=dt.date(1995, 7, 2), nationality="LA", id_type="national_id",
            id_number="0123456789", pathway="regular"),
            actor=db.session.get(User, users[Role.ADMINISTRATOR].id), today=dt.date.today())
        db.session.commit()
        assert person.name_thai is None
        url = f"/candidates/{person.id}/thai-name"
    page = assessor.get(f"/candidates/{person.id}", headers=EN).get_data(as_text=True)
    assert "not recorded" in page and url in page
    form = assessor.get(url, headers=EN).get_data(as_text=True)
    assert 'value="บุนมี พมมะจัน"' in form and "This spelling was proposed from the Lao name." in form

    assert assessor.submit(url, {"name_thai": "บุญมี พรหมจันทร์"}).status_code == 302
    page = assessor.get(f"/candidates/{person.id}").get_data(as_text=True)
    assert '<span lang="th">บุญมี พรหมจันทร์</span>' in page
    person, changes = _registered(app, "0123456789")
    assert person.name_thai == "บุญมี พรหมจันทร์"
    assert changes == {"fields": ["name_thai"], "had_one": False, "thai_spelling": "corrected"}

    page = assessor.submit(url, {"name_thai": "ບຸນມີ"}, headers=EN).get_data(as_text=True)
    assert "this looks like Lao script" in page
    assert assessor.submit(url, {"name_thai": ""}).status_code == 302  # cleared: none recorded
    assert _registered(app, "0123456789")[0].name_thai is None
