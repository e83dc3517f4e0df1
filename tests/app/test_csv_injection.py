"""Spreadsheet formula injection: no CSV the app writes has a cell a spreadsheet would run.

Hostile labels (OWASP's examples: = + - @, tab, carriage return) are put where people can put
them: a testing centre's name and the agreement's title, reference, justification, gap and
"compared by" through the forms, user full names through the account service, and standard and
unit titles straight into the database (they come from standard files, which allow any visible
text). Then every CSV route is downloaded as a role that may, parsed with the csv module, and no
cell may begin with a dangerous character.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa
from assessment_fixtures import CANDIDATES, all_satisfactory, build
from helpers import WebClient, make_user
from standards_fixtures import import_shipped, standard_id

from skills_cert import csv_cells
from skills_cert.roles import Role

HOSTILE = ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]
DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
TODAY = dt.date.today()
EN = {"Accept-Language": "en"}
PERIOD = {"date_from": (TODAY - dt.timedelta(days=300)).isoformat(), "date_to": TODAY.isoformat()}
ROOT = Path(__file__).resolve().parents[2] / "skills_cert"


# --- the neutraliser ---------------------------------------------------------------------------


@pytest.mark.parametrize("value", HOSTILE + ["=1", "-", "@", "+"])
def test_dangerous_text_is_quoted_and_reads_back_as_it_was(value):
    out = io.StringIO()
    csv_cells.writer(out).writerow(["key", value])
    [row] = list(csv.reader(io.StringIO(out.getvalue(), newline="")))
    assert row == ["key", "'" + value]
    assert csv_cells.restore(row[1]) == value


def test_numbers_and_harmless_text_are_left_alone():
    out = io.StringIO()
    csv_cells.writer(out).writerows([[-5, -2.5, 0, 12.0, "ok", "", "'quoted", "a=b", " =1"]])
    assert out.getvalue() == "-5,-2.5,0,12.0,ok,,'quoted,a=b, =1\r\n"
    for text in ("'quoted", "''=1", "ok", "", "'"):
        assert csv_cells.restore(text) == text  # only one quote, and only before a dangerous character
    assert csv_cells.restore("'=1") == "=1"


def test_no_module_writes_csv_without_the_neutraliser():
    """devtools/ is left out: `make bench` writes its own results files for the importer, and the
    running app never serves them."""
    writers = re.compile(r"\bcsv\.(writer|DictWriter)\b|from csv import .*\b(writer|DictWriter)\b")
    offenders = [str(path.relative_to(ROOT)) for path in ROOT.rglob("*.py")
                 if path.name != "csv_cells.py" and "devtools" not in path.parts
                 and writers.search(path.read_text(encoding="utf-8"))]
    assert offenders == []


# --- every CSV route, with hostile labels ----------------------------------------------------


@dataclass
class Hostile:
    session_id: int
    mapping_ids: list
    admin: WebClient
    officer: WebClient
    assessor: WebClient
    analyst: WebClient


def _client(app, user) -> WebClient:
    client = WebClient(app.test_client())
    assert client.login(user.username).status_code == 302
    return client


def _hostile_standard_titles(app) -> None:
    """Standard and unit titles as a standard file may give them (any visible text)."""
    from skills_cert.extensions import db
    from skills_cert.standards.models import Standard

    with app.app_context():
        for code, title in (("LA-CON-BRL-L1", HOSTILE[0]), ("TH-CON-BRL-L1", HOSTILE[1])):
            standard = db.session.get(Standard, standard_id(app, code))
            standard.title = {"lo": title, "th": HOSTILE[4], "en": title}
            for unit, unit_title in zip(standard.units, HOSTILE[2:] * 3):
                unit.title = {"lo": unit_title, "th": unit_title, "en": unit_title}
        db.session.commit()


def _tested_assessment(app, centre_code: str, assessor, officer, admin) -> int:
    """A session at the hostile centre, by the hostile assessor, with one approved assessment."""
    from skills_cert.accounts.models import User
    from skills_cert.assessment import candidates, recording, sessions
    from skills_cert.assessment.models import TestingCentre
    from skills_cert.certification import issuing
    from skills_cert.extensions import db
    from skills_cert.standards.models import Standard

    sid = standard_id(app, "LA-CON-BRL-L1")
    items = all_satisfactory(app, sid)
    with app.app_context():
        actor, recorder = db.session.get(User, admin.id), db.session.get(User, assessor.id)
        centre = db.session.scalar(sa.select(TestingCentre).where(TestingCentre.code == centre_code))
        sessions.accredit(db.session, recorder, "LA-CON-BRL-L1", TODAY + dt.timedelta(days=365),
                          actor=actor, today=TODAY)
        test_session = sessions.create_session(db.session, centre=centre, standard=db.session.get(Standard, sid),
                                               test_date=TODAY, assessors=[recorder], actor=actor, today=TODAY)
        person = candidates.register(db.session, candidates.CandidateData(**CANDIDATES[0]), actor=actor,
                                     today=TODAY)
        assessment = sessions.enrol(db.session, test_session, person, actor=actor)
        recording.save(db.session, assessment, recording.Recording(
            items=items, knowledge_percent=90.0, practical_points={}, expected_version=assessment.version),
            actor=recorder, today=TODAY)
        recording.submit(db.session, assessment, actor=recorder, today=TODAY, expected_version=assessment.version)
        issuing.approve_and_issue(db.session, assessment, actor=db.session.get(User, officer.id),
                                  expected_version=assessment.version, today=TODAY,
                                  key_dir=Path(app.config["SIGNING_KEY_DIR"]), allow_key_generation=True)
        db.session.commit()
        return test_session.id


def _hostile_agreement(app, officer: WebClient) -> int:
    """A draft agreement whose title, reference, justification, gap and "compared by" are hostile,
    entered through the workbench forms; the id of its mapping."""
    from skills_cert.extensions import db
    from skills_cert.recognition.models import Agreement

    title = dict(zip(("lo", "th", "en"), HOSTILE))
    response = officer.submit("/mrs/new", {
        "code": "MRS-LA-TH-EVIL", "origin_country": "LA", "destination_country": "TH", "sector": "construction",
        **{f"title-{lang}": text for lang, text in title.items()}, "reference": HOSTILE[2],
        "effective_from": "2031-01-01"}, form_url="/mrs/")
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        agreement_id = db.session.scalar(sa.select(Agreement.id).where(Agreement.code == "MRS-LA-TH-EVIL"))
    response = officer.submit(f"/mrs/{agreement_id}/mappings", {
        "origin": standard_id(app, "LA-CON-BRL-L1"), "destination": standard_id(app, "TH-CON-BRL-L1")},
        form_url=f"/mrs/{agreement_id}")
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        mapping_id = db.session.get(Agreement, agreement_id).mappings[0].id
    page = officer.get(f"/mrs/mappings/{mapping_id}").get_data(as_text=True)
    token = re.search(r'name="[^"]*csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)
    prefix = "new-LA-CON-BRL-01"
    data = {"entry_id_field": "", "origin_field": "LA-CON-BRL-01", f"{prefix}-csrf_token": token,
            f"{prefix}-relation": "partial", f"{prefix}-origin_units": ["LA-CON-BRL-01"],
            f"{prefix}-destination_units": ["TH-CON-BRL-01"], f"{prefix}-compared": "LA-CON-BRL-01/1",
            f"{prefix}-compared_by": HOSTILE[3]}
    for lang, text in zip(("lo", "th", "en"), HOSTILE[3:]):
        data[f"{prefix}-justification-{lang}"] = text
        data[f"{prefix}-gap-{lang}"] = text
    response = officer.post(f"/mrs/mappings/{mapping_id}/units", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    return mapping_id


@pytest.fixture()
def hostile(app) -> Hostile:
    from skills_cert.extensions import db
    from skills_cert.recognition.models import StandardMapping

    import_shipped(app)
    _hostile_standard_titles(app)
    admin = make_user(app, Role.ADMINISTRATOR, full_name=HOSTILE[1])
    assessor = make_user(app, Role.ASSESSOR, full_name=HOSTILE[0])
    officer = make_user(app, Role.CERTIFYING_OFFICER, full_name=HOSTILE[3])
    standards_officer = make_user(app, Role.STANDARDS_OFFICER, full_name=HOSTILE[4])  # tab: collapsed
    analyst = make_user(app, Role.ANALYST, full_name=HOSTILE[5])
    clients = {name: _client(app, user) for name, user in (
        ("admin", admin), ("officer", standards_officer), ("assessor", assessor), ("analyst", analyst))}
    for client in clients.values():
        client.get("/lang/en")
    response = clients["admin"].submit("/admin/centres", {
        "code": "EVIL-01", "province": "LA-VT",
        **{f"name-{lang}": text for lang, text in zip(("lo", "th", "en"), HOSTILE[:3])}})
    assert response.status_code == 302, response.get_data(as_text=True)
    session_id = _tested_assessment(app, "EVIL-01", assessor, officer, admin)
    mapping_id = _hostile_agreement(app, clients["officer"])
    with app.app_context():
        shipped = db.session.scalars(sa.select(StandardMapping.id).where(StandardMapping.id != mapping_id)).all()
    return Hostile(session_id, [mapping_id, *shipped], **clients)


def _rows(response) -> list[list[str]]:
    assert response.status_code == 200 and response.mimetype == "text/csv", response.status
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"), newline="")))


def _dangerous_cells(rows) -> list[str]:
    return [cell for row in rows for cell in row if cell.startswith(DANGEROUS)]


def test_the_hostile_labels_were_stored_as_typed(app, hostile):
    """The forms keep such labels (they are visible text); a leading tab or return is stripped."""
    from skills_cert.accounts.models import User
    from skills_cert.assessment.models import TestingCentre
    from skills_cert.extensions import db
    from skills_cert.recognition.models import Agreement

    with app.app_context():
        centre = db.session.scalar(sa.select(TestingCentre).where(TestingCentre.code == "EVIL-01"))
        assert centre.name == dict(zip(("lo", "th", "en"), HOSTILE[:3]))
        agreement = db.session.scalar(sa.select(Agreement).where(Agreement.code == "MRS-LA-TH-EVIL"))
        assert agreement.title["en"] == HOSTILE[2] and agreement.reference == HOSTILE[2]
        names = set(db.session.scalars(sa.select(User.full_name)))
        assert {HOSTILE[0], HOSTILE[1], HOSTILE[3], "=1"} <= names


def test_statistics_csv_files(app, hostile):
    from skills_cert.statistics.report import TABLE_KEYS

    for key in TABLE_KEYS:
        rows = _rows(hostile.analyst.get(f"/stats/{key}.csv", query_string=PERIOD, headers=EN))
        assert _dangerous_cells(rows) == [], key
    rows = _rows(hostile.analyst.get("/stats/testing_by_standard.csv", query_string=PERIOD, headers=EN))
    assert [row[1] for row in rows[1:-1]] == [f"'{HOSTILE[0]} (LA-CON-BRL-L1)"]


def test_benchmarking_report_csv_files(app, hostile):
    for mapping_id in hostile.mapping_ids:
        for part in ("summary", "mappings", "coverage"):
            rows = _rows(hostile.officer.get(f"/mrs/mappings/{mapping_id}/report-{part}.csv", headers=EN))
            assert _dangerous_cells(rows) == [], (mapping_id, part)
    summary = _rows(hostile.officer.get(f"/mrs/mappings/{hostile.mapping_ids[0]}/report-summary.csv", headers=EN))
    summary = dict(zip(*summary, strict=True))
    assert summary["agreement_title"] == "'" + HOSTILE[2] and summary["agreement_reference"] == "'" + HOSTILE[2]
    assert summary["origin_title"] == "'" + HOSTILE[0]
    assert summary["destination_title"] == "'" + HOSTILE[1]
    rows = _rows(hostile.officer.get(f"/mrs/mappings/{hostile.mapping_ids[0]}/report-mappings.csv", headers=EN))
    by_key = {row[0]: row for row in rows}
    assert by_key["LA-CON-BRL-01"][5:7] == ["'" + HOSTILE[5].lstrip(), "'" + HOSTILE[5].lstrip()]
    assert by_key["LA-CON-BRL-01"][8] == "'" + HOSTILE[3]


def test_office_session_and_workbook_exports(app, hostile):
    """The certificate search results and a session's results as CSV (the standard's title is
    hostile); and in every workbook the hostile text is kept as typed, as text: no cell is a formula."""
    from openpyxl import load_workbook

    officer = _client(app, make_user(app, Role.CERTIFYING_OFFICER))
    rows = _rows(officer.get("/certificates/search.csv", headers=EN))
    assert _dangerous_cells(rows) == [] and rows[1][rows[0].index("standard_title")] == "'" + HOSTILE[0]
    for client in (hostile.assessor, hostile.admin):
        rows = _rows(client.get(f"/sessions/{hostile.session_id}/results.csv", headers=EN))
        assert rows[0][:3] == ["name_lao", "name_latin", "pathway"] and _dangerous_cells(rows) == []
    downloads = [(hostile.analyst, "/stats/report.xlsx?" + "&".join(f"{k}={v}" for k, v in PERIOD.items())),
                 (officer, "/certificates/search.xlsx"), (hostile.admin, f"/sessions/{hostile.session_id}/results.xlsx"),
                 *((hostile.officer, f"/mrs/mappings/{m}/report.xlsx") for m in hostile.mapping_ids)]
    seen = set()
    for client, url in downloads:
        response = client.get(url, headers=EN)
        assert response.status_code == 200, url
        for sheet in load_workbook(io.BytesIO(response.data)).worksheets:
            for row in sheet.iter_rows():
                assert not [c.coordinate for c in row if c.data_type == "f"], (url, sheet.title)
                seen.update(c.value for c in row if isinstance(c.value, str) and c.value.startswith(DANGEROUS))
    assert {HOSTILE[0], HOSTILE[1], HOSTILE[2], HOSTILE[3]} <= seen


def test_results_template_csv(app, hostile):
    for client in (hostile.assessor, hostile.admin):
        rows = _rows(client.get(f"/sessions/{hostile.session_id}/template.csv"))
        assert rows[0][:5] == ["session", "standard", "id_type", "id_number", "knowledge"]
        assert _dangerous_cells(rows) == []


# --- the results file read back ----------------------------------------------------------------


def test_a_value_the_app_quoted_imports_as_it_was(app, client):
    """The template, filled in and saved by the app's own writer (knowledge "+85" becomes "'+85"),
    imports the value typed."""
    from skills_cert.assessment.models import Assessment, AssessmentStatus
    from skills_cert.extensions import db

    setup = build(app)
    client.login(setup.assessor.username)
    rows = _rows(client.get(f"/sessions/{setup.session_id}/template.csv"))
    header = rows[0]
    filled = [header] + [[*row[:4], "+85", *["S"] * (len(header) - 5)] for row in rows[1:]]
    out = io.StringIO()
    csv_cells.writer(out).writerows(filled)
    assert ",'+85," in out.getvalue()
    response = client.submit(f"/sessions/{setup.session_id}/import",
                             {"file": (io.BytesIO(out.getvalue().encode()), "results.csv")},
                             content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        assessments = db.session.scalars(sa.select(Assessment).order_by(Assessment.id)).all()
        assert [(a.status, a.knowledge_percent) for a in assessments] == [(AssessmentStatus.SUBMITTED, 85.0)] * 2
