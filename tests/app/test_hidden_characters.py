"""Invisible and direction-changing characters (U+202E and the like) are refused in every free-text
field that other people read, with a message naming the character, and nothing is written; Lao
and Thai text with ZERO WIDTH SPACE (a word-break hint) is accepted. Names are stricter: they
refuse ZERO WIDTH SPACE too, as candidates' names always have.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from pathlib import Path

import pytest
import sqlalchemy as sa
from assessment_fixtures import all_satisfactory, build
from helpers import WebClient, make_user, translated
from standards_fixtures import LAO_BRICKLAYING, SHIPPED, import_shipped, load, standard_id, write

from skills_cert import visible_text
from skills_cert.roles import Role

RLO = "\u202e"
EVIL = f"Report{RLO}fdp.exe"
NAMED = "U+202E RIGHT-TO-LEFT OVERRIDE"
LAO = "ສູນທົດສອບ\u200bວຽງຈັນ"
THAI = "ศูนย์ทดสอบ\u200bเวียงจันทน์"
EN = {"Accept-Language": "en"}
TODAY = dt.date.today()
ROOT = Path(__file__).resolve().parents[2]


def _message(app) -> str:
    return translated(app, "en", "This text contains invisible or direction-changing characters, which are "
                                 "not allowed: %(chars)s. Retype it without them.", chars=NAMED)


def _count(app, model, *where) -> int:
    from skills_cert.extensions import db

    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def _client(app, user) -> WebClient:
    client = WebClient(app.test_client())
    client.login(user.username)
    client.get("/lang/en")
    return client


# --- the shared check --------------------------------------------------------------------------


REFUSED = ["\u202a", "\u202b", "\u202c", "\u202d", RLO, "\u2066", "\u2067", "\u2068", "\u2069",
           "\u200e", "\u200f", "\u061c", "\ufeff", "\u00ad", "\x00", "\x1b", "\x7f", "\ud800"]


@pytest.mark.parametrize("char", REFUSED)
def test_bidi_format_and_control_characters_are_refused(char):
    for multiline in (False, True):
        assert visible_text.hidden_characters(f"a{char}b{char}", multiline=multiline) == [char]
    assert visible_text.hidden_characters(f"a{char}", name=True) == [char]


def test_line_breaks_only_in_multi_line_text_and_word_breaks_only_outside_names():
    for char in "\n\r\t":
        assert visible_text.hidden_characters(f"a{char}b") == [char]
        assert visible_text.hidden_characters(f"a{char}b", multiline=True) == []
    for char in "\u200b\u200c\u200d\u2060":
        assert visible_text.hidden_characters(f"{LAO}{char}") == []
        assert visible_text.hidden_characters(f"ກ{char}ຂ", name=True) == [char]


def test_the_message_names_the_character_and_never_shows_it(app):
    with app.test_request_context(headers=EN):
        message = visible_text.problem(EVIL)
    assert message == _message(app) and RLO not in message
    assert visible_text.describe([RLO, "\u200f"]) == f"{NAMED}, U+200F RIGHT-TO-LEFT MARK"


def test_shipped_standards_agreements_and_translations_pass():
    files = [*(ROOT / "standards").rglob("*.yaml"), *(ROOT / "skills_cert" / "translations").rglob("*.po")]
    assert files
    found = {str(f): visible_text.hidden_characters(f.read_text(encoding="utf-8"), multiline=True) for f in files}
    assert {f: [unicodedata.name(c, hex(ord(c))) for c in chars] for f, chars in found.items() if chars} == {}


# --- administration: testing centres and user accounts -----------------------------------------


@pytest.fixture()
def admin(app):
    return _client(app, make_user(app, Role.ADMINISTRATOR))


def test_testing_centre_name(app, admin):
    from skills_cert.assessment.models import TestingCentre

    data = {"code": "VTE-09", "province": "LA-VT", "name-lo": LAO, "name-th": THAI, "name-en": EVIL}
    response = admin.submit("/admin/centres", data)
    assert response.status_code == 200 and _message(app) in response.get_data(as_text=True)
    assert _count(app, TestingCentre) == 0
    response = admin.submit("/admin/centres", {**data, "name-en": "Vientiane Testing Centre 9"})
    assert response.status_code == 302
    assert _count(app, TestingCentre, TestingCentre.name["lo"].as_string() == LAO) == 1


def test_user_full_name(app, admin, runner):
    from skills_cert.accounts.models import User

    data = {"username": "somchai", "full_name": f"Somchai {RLO}Phom", "role": "assessor",
            "password": "correct horse battery 9"}
    before = _count(app, User)
    admin.get("/lang/lo")
    response = admin.submit("/admin/users/new", data)
    name_message = translated(app, "lo", "The name contains invisible or unsupported characters: %(chars)s. "
                                         "Retype the name without them.", chars=NAMED)
    assert response.status_code == 200 and name_message in response.get_data(as_text=True)
    # A name refuses ZERO WIDTH SPACE too: two names that look the same must be the same.
    response = admin.submit("/admin/users/new", {**data, "full_name": "ສົມໃຈ\u200bພົມມະ"})
    assert response.status_code == 200 and "U+200B ZERO WIDTH SPACE" in response.get_data(as_text=True)
    assert _count(app, User) == before
    result = runner.invoke(args=["users", "create", "--username", "somchai", "--name", f"Somchai {RLO}Phom",
                                 "--role", "assessor", "--password", "correct horse battery 9"])
    assert result.exit_code != 0 and NAMED in result.output
    assert _count(app, User) == before
    response = admin.submit("/admin/users/new", {**data, "full_name": "ສົມໃຈ ພົມມະ"})
    assert response.status_code == 302 and _count(app, User) == before + 1


# --- MRS agreements and their mappings -----------------------------------------------------------


@pytest.fixture()
def mrs(app):
    import_shipped(app)
    return _client(app, make_user(app, Role.STANDARDS_OFFICER))


def _agreement(app, code: str):
    """The agreement, its mappings loaded, or None."""
    from skills_cert.extensions import db
    from skills_cert.recognition.models import Agreement

    with app.app_context():
        agreement = db.session.scalar(sa.select(Agreement).where(Agreement.code == code))
        if agreement is not None:
            agreement.mappings  # noqa: B018 -- loaded before the session closes
        return agreement


def _new_agreement(client, **extra):
    data = {"code": "MRS-LA-TH-TRIAL", "origin_country": "LA", "destination_country": "TH",
            "sector": "construction", "title-lo": LAO, "title-th": THAI, "title-en": "Trial",
            "reference": "TRIAL/1", "effective_from": "2031-01-01", **extra}
    return client.submit("/mrs/new", data, form_url="/mrs/")


@pytest.mark.parametrize("field", ["title-en", "title-th", "reference"])
def test_agreement_title_and_reference(app, mrs, field):
    response = _new_agreement(mrs, **{field: EVIL})
    assert response.status_code == 400 and _message(app) in response.get_data(as_text=True)
    assert _agreement(app, "MRS-LA-TH-TRIAL") is None
    assert _new_agreement(mrs).status_code == 302
    assert _agreement(app, "MRS-LA-TH-TRIAL").title == {"lo": LAO, "th": THAI, "en": "Trial"}


def test_agreement_status_reason(app, mrs):
    from skills_cert.recognition.models import AgreementEvent

    agreement = _agreement(app, "MRS-LA-TH-CON")
    url = f"/mrs/{agreement.id}/status"
    data = {"status": "suspended", "effective_on": TODAY.isoformat(), "reason": EVIL}
    events = _count(app, AgreementEvent)
    response = mrs.submit(url, data, form_url=f"/mrs/{agreement.id}")
    assert response.status_code == 400 and _message(app) in response.get_data(as_text=True)
    assert _count(app, AgreementEvent) == events
    assert mrs.submit(url, {**data, "reason": THAI}, form_url=f"/mrs/{agreement.id}").status_code == 302
    assert _count(app, AgreementEvent, AgreementEvent.reason == THAI) == 1


@pytest.mark.parametrize("field", ["justification-en", "gap-th", "compared_by"])
def test_unit_mapping_texts(app, mrs, field):
    from skills_cert.recognition.models import UnitMapping

    assert _new_agreement(mrs).status_code == 302
    agreement = _agreement(app, "MRS-LA-TH-TRIAL")
    mrs.submit(f"/mrs/{agreement.id}/mappings", {"origin": standard_id(app, "LA-CON-PLS-L1"),
                                                 "destination": standard_id(app, "TH-CON-PLS-L1")},
               form_url=f"/mrs/{agreement.id}")
    mapping_id = _agreement(app, "MRS-LA-TH-TRIAL").mappings[0].id
    page = mrs.get(f"/mrs/mappings/{mapping_id}").get_data(as_text=True)
    token = re.search(r'name="[^"]*csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)
    p = "new-LA-CON-PLS-01"
    data = {"entry_id_field": "", "origin_field": "LA-CON-PLS-01", f"{p}-csrf_token": token,
            f"{p}-relation": "partial", f"{p}-origin_units": ["LA-CON-PLS-01"],
            f"{p}-destination_units": ["TH-CON-PLS-01"], f"{p}-compared": "LA-CON-PLS-01/1",
            f"{p}-compared_by": "Test officer"}
    for lang, text in {"lo": LAO, "th": THAI, "en": "Same outcome"}.items():
        data[f"{p}-justification-{lang}"] = data[f"{p}-gap-{lang}"] = text
    response = mrs.post(f"/mrs/mappings/{mapping_id}/units", data={**data, f"{p}-{field}": EVIL})
    assert response.status_code == 400 and _message(app) in response.get_data(as_text=True)
    assert _count(app, UnitMapping, UnitMapping.mapping_id == mapping_id) == 0
    assert mrs.post(f"/mrs/mappings/{mapping_id}/units", data=data).status_code == 302
    assert _count(app, UnitMapping, UnitMapping.mapping_id == mapping_id) == 1


def test_agreement_file(app, tmp_path):
    from skills_cert.recognition.data_files import read_data_files
    from skills_cert.standards.files import dump_yaml, load_yaml

    (tmp_path / "la").mkdir()
    for folder in ("la", "th"):
        for path in (SHIPPED / folder).glob("*.yaml"):
            (tmp_path / folder).mkdir(exist_ok=True)
            (tmp_path / folder / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    document, _problems = load_yaml(SHIPPED / "mrs" / "MRS-LA-TH-CON-v1.yaml", "agreement")
    document["title"]["en"] = EVIL
    (tmp_path / "MRS-LA-TH-CON-v1.yaml").write_text(dump_yaml(document), encoding="utf-8")
    with app.test_request_context(headers=EN):
        problems = read_data_files(tmp_path).problems
    assert [(p.path, p.message) for p in problems] == [("title.en", _message(app))]


# --- competency standards ------------------------------------------------------------------------


def test_standard_file(app, tmp_path):
    from skills_cert.standards.versions import read_standard_files

    document = load(LAO_BRICKLAYING)
    document["title"]["en"] = EVIL
    document["units"][0]["elements"][0]["criteria"][0]["text"]["lo"] = f"ກ{RLO}ຂ"
    document["units"][1]["title"]["th"] = THAI
    write(tmp_path, document)
    with app.test_request_context(headers=EN):
        _standards, problems = read_standard_files(tmp_path)
    assert [(p.path, p.message) for p in problems] == [
        ("title.en", _message(app)), ("units[0].elements[0].criteria[0].text.lo", _message(app))]


def _form_data(client, url) -> dict:
    """An edit form as the browser would send it back unchanged."""
    html = client.get(url).get_data(as_text=True)
    data = {}
    for name, value in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>\s*(.*?)</textarea>', html, re.S):
        data[name] = value.replace("&#34;", '"').replace("&#39;", "'").replace("&amp;", "&")
    for name, value in re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', html):
        data.setdefault(name, value)
    for name in re.findall(r'<input[^>]*checked[^>]*name="([^"]+)"', html):
        data[name] = "y"
    for name, option in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>.*?<option[^>]*value="([^"]*)"[^>]*selected',
                                   html, re.S):
        data[name] = option
    return data


@pytest.mark.parametrize("form, field", [("edit", "title-en"), ("edit", "note-th"),
                                         ("units/LA-CON-BRL-01/edit", "title-th"),
                                         ("units/LA-CON-BRL-01/edit", "elements-0-criteria-0-text-lo")])
def test_standard_draft_texts(app, mrs, form, field):
    from skills_cert.extensions import db
    from skills_cert.standards.models import Standard
    from skills_cert.standards.document import document_of

    sid = standard_id(app, "LA-CON-BRL-L1")
    assert mrs.submit(f"/standards/{sid}/versions", {}, form_url=f"/standards/{sid}").status_code == 302
    draft = standard_id(app, "LA-CON-BRL-L1", 2)
    url = f"/standards/{draft}/{form}"
    data = _form_data(mrs, url)
    if "units/" in form:
        data["type"] = "core"

    def document():
        with app.app_context():
            return document_of(db.session.get(Standard, draft))

    before = document()
    response = mrs.post(url, data={**data, field: EVIL})
    assert response.status_code == 200 and _message(app) in response.get_data(as_text=True)
    assert document() == before
    response = mrs.post(url, data={**data, field: THAI})
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    assert THAI in json.dumps(document(), ensure_ascii=False)


# --- skills testing: candidates, results, approval, certificates --------------------------------


@pytest.fixture()
def setup(app):
    return build(app)


def test_rpl_work_history_and_portfolio(app, setup):
    from skills_cert.assessment.models import Candidate

    assessor = _client(app, setup.assessor)
    data = {"name_lao": "ວຽງຄຳ ໄຊຍະວົງ", "name_latin": "Viengkham Xayavong", "sex": "female",
            "date_of_birth": "1992-11-05", "nationality": "LA", "id_type": "passport", "id_number": "P7654321",
            "phone": "", "pathway": "rpl", "rpl_work_history": f"Bricklayer\n{LAO}", "rpl_portfolio": THAI}
    before = _count(app, Candidate)
    for field in ("rpl_work_history", "rpl_portfolio"):
        response = assessor.submit("/candidates/new", {**data, field: EVIL})
        assert response.status_code == 200 and _message(app) in response.get_data(as_text=True)
        assert _count(app, Candidate) == before
    response = assessor.submit("/candidates/new", data)
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    assert _count(app, Candidate, Candidate.rpl_work_history == f"Bricklayer {LAO}") == 1  # lines joined


def _version(client, url) -> str:
    return re.search(r'name="version"[^>]*value="(\d+)"', client.get(url).get_data(as_text=True)).group(1)


def _record(app, setup, client, note: str, action: str = "save"):
    url = f"/assessments/{setup.assessment_ids[0]}/record"
    items = list(all_satisfactory(app, setup.standard_id))
    data = {"knowledge": "80", "action": action, "version": _version(client, url)}
    for code in items:
        data[f"item-{code}"], data[f"note-{code}"] = "s", ""
    data[f"note-{items[0]}"] = note
    return client.submit(url, data)


def test_assessment_item_note(app, setup):
    from skills_cert.assessment.models import ItemResult

    assessor = _client(app, setup.assessor)
    response = _record(app, setup, assessor, EVIL)
    assert response.status_code == 422 and _message(app) in response.get_data(as_text=True)
    assert _count(app, ItemResult) == 0
    assert _record(app, setup, assessor, THAI).status_code == 302
    assert _count(app, ItemResult, ItemResult.note == THAI) == 1


def test_return_reason(app, setup):
    from skills_cert.assessment.models import Assessment, AssessmentStatus

    assert _record(app, setup, _client(app, setup.assessor), "", action="submit").status_code == 302
    officer = _client(app, setup.officer)
    view = f"/assessments/{setup.assessment_ids[0]}"
    response = officer.submit(f"{view}/return", {"version": _version(officer, view), "reason": EVIL}, form_url=view)
    assert response.status_code == 400 and _message(app) in response.get_data(as_text=True)
    assert _count(app, Assessment, Assessment.status == AssessmentStatus.SUBMITTED) == 1
    response = officer.submit(f"{view}/return", {"version": _version(officer, view), "reason": f"{LAO}\r\n{THAI}"},
                              form_url=view)
    assert response.status_code == 302
    assert _count(app, Assessment, Assessment.status == AssessmentStatus.RETURNED) == 1


def test_revocation_note(app):
    from certificate_fixtures import issued

    from skills_cert.certification.models import Certificate, CertificateStatus
    from skills_cert.extensions import db

    setup, certificate_id, _statement = issued(app)
    with app.app_context():
        certificate = db.session.get(Certificate, certificate_id)
        number, version = certificate.number, certificate.version
    office = _client(app, setup.officer)
    url = f"/certificates/{certificate_id}"
    data = {"version": version, "reason": "issued_in_error", "note": EVIL, "confirm": number}
    response = office.submit(f"{url}/revoke", data, form_url=url)
    assert response.status_code == 422 and _message(app) in response.get_data(as_text=True)
    assert _count(app, Certificate, Certificate.status == CertificateStatus.REVOKED) == 0
    assert office.submit(f"{url}/revoke", {**data, "note": THAI}, form_url=url).status_code == 302
    assert _count(app, Certificate, Certificate.status == CertificateStatus.REVOKED) == 1
