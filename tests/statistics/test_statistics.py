"""The statistics dashboard: figures on a small dataset computed by hand, small-cell suppression,
the analyst role, and the CSV and PDF exports.

The dataset (Lao bricklaying, LA-CON-BRL-L1), built through the real services:
- session 1, Vientiane Capital (LA-VT), today: 5 women competent (RPL), 5 women not yet competent
  (a critical item failed: statement of attainment), 6 men competent;
- session 2, Savannakhet (LA-SV), 35 days ago (always an earlier month): 2 men competent, 1 man not
  yet competent (knowledge 40%: no unit, no certificate);
- one man's certificate from session 1 is revoked;
- verifications: 6 certificates checked once by QR code, one certificate twice through the API.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass
from pathlib import Path

import pypdfium2
import pytest
from assessment_fixtures import all_satisfactory, critical_item
from helpers import make_user, translated
from standards_fixtures import import_shipped, standard_id
from werkzeug.routing import IntegerConverter

from skills_cert.roles import Role
from skills_cert.statistics.suppression import Cell, Rate, Row, Table, protect

TODAY = dt.date.today()
EARLIER = TODAY - dt.timedelta(days=35)
PERIOD = {"date_from": (TODAY - dt.timedelta(days=300)).isoformat(), "date_to": TODAY.isoformat()}
EN = {"Accept-Language": "en"}
LAO_NAMES = ["ສົມພອນ", "ບຸນມີ", "ຄຳໃສ", "ວັນນາ", "ແສງດາວ", "ພອນສະຫວັນ", "ນ້ອຍ", "ຈັນທະລາ"]


@dataclass
class Dataset:
    certificate_ids: list
    revoked_id: int
    unit: str  # the unit failed by the five women not yet competent


def _person(n: int, sex: str, pathway: str):
    from skills_cert.assessment.candidates import CandidateData

    extra = {"rpl_work_history": "Bricklayer in Bangkok, 2018-2024.",
             "rpl_portfolio": "Photos of walls."} if pathway == "rpl" else {}
    return CandidateData(name_lao=f"{LAO_NAMES[n % 8]} {LAO_NAMES[(n // 8) % 8]}",
                         name_latin=f"Person {chr(65 + n)}", sex=sex,
                         date_of_birth=dt.date(1985, 1, 1) + dt.timedelta(days=97 * n),
                         nationality="LA", id_type="passport", id_number=f"P{7000000 + n}",
                         pathway=pathway, **extra)


def build_dataset(app) -> Dataset:
    from skills_cert.accounts.models import User
    from skills_cert.assessment import candidates, centres, sessions
    from skills_cert.assessment import recording as assessments
    from skills_cert.assessment.models import Assessment
    from skills_cert.certification import issuing as certificates
    from skills_cert.certification import verification
    from skills_cert.certification.models import Certificate
    from skills_cert.extensions import db
    from skills_cert.standards.models import Standard

    import_shipped(app)
    admin, assessor = make_user(app, Role.ADMINISTRATOR), make_user(app, Role.ASSESSOR)
    officer = make_user(app, Role.CERTIFYING_OFFICER)
    sid = standard_id(app, "LA-CON-BRL-L1")
    fail, unit = critical_item(app, sid)
    good = all_satisfactory(app, sid)
    key_dir = Path(app.config["SIGNING_KEY_DIR"])
    plan = [("VTE", TODAY, "female", "rpl", "ok")] * 5 + [("VTE", TODAY, "female", "regular", "critical")] * 5 \
        + [("VTE", TODAY, "male", "regular", "ok")] * 6 + [("SVK", EARLIER, "male", "regular", "ok")] * 2 \
        + [("SVK", EARLIER, "male", "regular", "knowledge")]
    with app.app_context():
        actor, recorder = db.session.get(User, admin.id), db.session.get(User, assessor.id)
        approver = db.session.get(User, officer.id)
        standard = db.session.get(Standard, sid)
        sessions.accredit(db.session, recorder, "LA-CON-BRL-L1", TODAY + dt.timedelta(days=365),
                          actor=actor, today=TODAY)
        test_sessions = {}
        for code, province, day in (("VTE", "LA-VT", TODAY), ("SVK", "LA-SV", EARLIER)):
            centre = centres.create_centre(db.session, code=code, province=province, actor=actor,
                                           name={"lo": f"ສູນ {code}", "th": f"ศูนย์ {code}", "en": f"Centre {code}"})
            test_sessions[code] = sessions.create_session(db.session, centre=centre, standard=standard,
                                                          test_date=day, assessors=[recorder], actor=actor,
                                                          today=TODAY)
        certificate_ids = []
        for n, (code, day, sex, pathway, result) in enumerate(plan):
            person = candidates.register(db.session, _person(n, sex, pathway), actor=actor, today=TODAY)
            assessment = sessions.enrol(db.session, test_sessions[code], person, actor=actor)
            items = {**good, fail: (False, None)} if result == "critical" else good
            assessments.save(db.session, assessment, assessments.Recording(
                items=items, knowledge_percent=40.0 if result == "knowledge" else 85.0, practical_points={},
                expected_version=assessment.version), actor=recorder, today=TODAY)
            assessments.submit(db.session, assessment, actor=recorder, today=TODAY,
                               expected_version=assessment.version)
            issued = certificates.approve_and_issue(db.session, db.session.get(Assessment, assessment.id),
                                                    actor=approver, expected_version=assessment.version,
                                                    today=day, key_dir=key_dir, allow_key_generation=True)
            if issued:
                certificate_ids.append(issued.id)
        revoked = db.session.get(Certificate, certificate_ids[10])  # the first man's
        certificates.revoke(db.session, revoked, actor=actor, reason="issued_in_error", note="",
                            today=TODAY, expected_version=revoked.version)
        db.session.commit()  # verification events go in a transaction of their own
        checks = [(i, "qr") for i in range(6)] + [(0, "api"), (0, "api")]
        for client, (number, channel) in enumerate(checks):  # each by its own client: no repeat to merge
            verdict = verification.verify_token(
                db.session, certificates.token_of(db.session.get(Certificate, certificate_ids[number])),
                today=TODAY)
            verification.log_verification(db.session, verdict, channel=channel, client=f"client-{client}")
        db.session.commit()
        return Dataset(certificate_ids, revoked.id, unit)


@pytest.fixture()
def dataset(app):
    return build_dataset(app)


@pytest.fixture()
def analyst(app, client):
    user = make_user(app, Role.ANALYST)
    client.login(user.username)
    return client


def _report(app, **filters):
    from skills_cert.extensions import db
    from skills_cert.statistics import report as statistics_report
    from skills_cert.statistics.figures import Filters

    dates = {"date_from": TODAY - dt.timedelta(days=300), "date_to": TODAY}
    with app.test_request_context(headers=EN):
        return statistics_report.build(db.session, Filters(**{**dates, **filters}), today=TODAY, locale="en")


def _values(row: Row) -> list:
    return [None if c.suppressed else c.value for c in row.cells]


S = None  # a suppressed cell


def test_testing_figures_by_sex_and_pathway(app, dataset):
    report = _report(app)
    by_sex = report.table("testing_by_sex")
    # 19 tested, 13 competent, 6 not yet competent: 68.4%.
    assert _values(by_sex.total) == [19, 19, 13, 6, 68.4]
    # Men: 8 competent, 1 not: the 1 is suppressed, and 8 with it (it is 9 - 1), and then the women's
    # split too, or the total would give the men's back.
    rows = {r.key: _values(r) for r in by_sex.rows}
    assert rows == {"female": [10, 10, S, S, S], "male": [9, 9, S, S, S]}
    rpl = _report(app, pathway="rpl").table("testing_by_sex")
    assert _values(rpl.total) == [5, 5, 5, 0, 100.0]
    women = _report(app, sex="female").table("testing_by_sex").total
    assert _values(women) == [10, 10, 5, 5, 50.0]


def test_a_small_province_hides_its_complement(app, dataset):
    by_province = _report(app).table("testing_by_province")
    rows = {r.key: _values(r) for r in by_province.rows}
    # Savannakhet has 3 people: suppressed; Vientiane (16) would be the total minus Savannakhet.
    assert rows == {"LA-SV": [S, S, S, S, S], "LA-VT": [S, S, S, S, S]}
    assert _values(by_province.total) == [19, 19, 13, 6, 68.4]
    vientiane = _report(app, province="LA-VT").table("testing_by_province")
    assert _values(vientiane.total) == [16, 16, 11, 5, 68.8]
    months = {r.key: _values(r) for r in _report(app).table("testing_by_month").rows}
    assert months == {EARLIER.strftime("%Y-%m"): [S] * 5, TODAY.strftime("%Y-%m"): [S] * 5}


def test_reasons_certificates_recognition_and_verifications(app, dataset):
    report = _report(app)
    reasons = {r.key: _values(r) for r in report.table("reasons").rows}
    assert reasons[f"core_unit_not_competent:{dataset.unit}"] == [5, 5]
    assert reasons["knowledge_below_pass_mark:"] == [S, S]  # one man
    certificates = report.table("certificates")
    # Issued: 10 women (5 certificates, 5 statements), 8 men; one man's revoked: suppressed, and
    # the women's 0 with it.
    assert _values(certificates.total) == [18, S, 0]
    assert {r.key: _values(r) for r in certificates.rows} == {"female": [10, S, 0], "male": [8, S, 0]}
    recognition = report.table("recognition")
    [thailand] = recognition.rows
    assert thailand.key == "TH|MRS-LA-TH-CON|TH-CON-BRL-L1"
    # 17 valid: 12 full certificates, 5 statements partly recognised.
    assert _values(thailand) == [17, 12, 5, 0, 70.6, 100.0]
    verifications = report.table("verifications")
    [month] = verifications.rows
    # 6 QR checks of 6 holders; 2 API checks of 1 holder: suppressed, and "by number" (0) with it.
    assert _values(month) == [6, S, S, 8]
    assert _values(verifications.total) == [6, S, S, 8]


def test_protect_suppresses_small_cells_and_their_complements():
    def table(rows, total=None):
        return Table("t", "t", ["k", "a", "b", "c"], [Row(str(i), str(i), [Cell(v, v) for v in r])
                                                       for i, r in enumerate(rows)],
                     total=Row("total", "total", [Cell(v, v) for v in total]) if total else None,
                     additive=((0, (1, 2)),))
    # 3 is small; its row partner (7) and its column partner (the smallest other row) go with it.
    t = protect(table([[10, 7, 3], [20, 10, 10], [30, 15, 15]], total=[60, 32, 28]))
    assert [_values(r) for r in t.rows] == [[10, S, S], [20, S, S], [30, 15, 15]]
    assert _values(t.total) == [60, 32, 28]
    # Zero is shown; a rate follows its numerator and denominator.
    t = Table("r", "r", ["k", "n", "d", "%"], [Row("a", "a", [Cell(0, 0), Cell(9, 9), Cell(0.0)]),
                                             Row("b", "b", [Cell(2, 2), Cell(9, 9), Cell(22.2)])],
              rates=(Rate(2, 0, 1),), partition=False)
    assert [_values(r) for r in protect(t).rows] == [[0, 9, 0.0], [S, 9, S]]


def test_no_page_shows_a_suppressed_number(app, dataset, analyst):
    page = analyst.get("/stats/", query_string=PERIOD, headers=EN).get_data(as_text=True)
    assert "Vientiane Capital" in page and "Savannakhet" in page
    assert "<svg" in page and "style=" not in page.split("<main", 1)[1]
    assert page.count('class="suppressed"') >= 20
    for name in ("Person", "ສົມພອນ", "P7000", "LA-2026"):  # no name, document or certificate number
        assert name not in page


def test_table_csv_export(app, dataset, analyst):
    response = analyst.get("/stats/testing_by_sex.csv", query_string=PERIOD, headers=EN)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.data.startswith(b"\xef\xbb\xbf")  # the byte-order mark: Excel reads UTF-8
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0] == ["key", "label", "candidates_tested", "assessed", "competent", "not_yet_competent",
                       "pass_rate_percent"]
    assert rows[1:] == [["female", "Female", "10", "10", "suppressed", "suppressed", "suppressed"],
                        ["male", "Male", "9", "9", "suppressed", "suppressed", "suppressed"],
                        ["total", "Total", "19", "19", "13", "6", "68.4"]]
    assert analyst.get("/stats/nothing.csv").status_code == 404
    assert analyst.get("/stats/nothing.xlsx").status_code == 404
    recognition = analyst.get("/stats/recognition.csv", query_string=PERIOD, headers=EN).get_data(as_text=True)
    assert "TH|MRS-LA-TH-CON|TH-CON-BRL-L1" in recognition and ",17,12,5,0,70.6,100" in recognition
    lao = analyst.get("/stats/testing_by_sex.csv", query_string=PERIOD, headers={"Accept-Language": "lo"})
    assert lao.data.decode("utf-8-sig").splitlines()[0] == ",".join(rows[0])  # the keys do not change


def _page_figures(page: str, key: str) -> list[list[str]]:
    """The figures of one table of the dashboard, as shown: a number, "×" or "—"."""
    table = re.search(rf'<table class="stats-table" id="table-{key}">(.*?)</table>', page, re.DOTALL).group(1)
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", table, re.DOTALL):
        cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r'<td class="num">(.*?)</td>', row, re.DOTALL)]
        if cells:
            rows.append([c[0] if c.startswith("×") else c for c in cells])
    return rows


def test_the_dashboard_as_a_workbook_in_lao(app, dataset, analyst, artifacts):
    """Every table on its own sheet, headers in Lao, the same figures as the CSV file and the page,
    suppressed cells marked × with the rule under the table."""
    from openpyxl import load_workbook

    from skills_cert.statistics.report import TABLE_KEYS

    analyst.get("/lang/lo")
    response = analyst.get("/stats/report.xlsx", query_string=PERIOD)
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    (artifacts / "statistics-lo.xlsx").write_bytes(response.data)
    book = load_workbook(io.BytesIO(response.data))
    assert book.properties.language == "lo-LA" and len(book.sheetnames) == len(TABLE_KEYS)
    page = analyst.get("/stats/", query_string=PERIOD).get_data(as_text=True)
    assert translated(app, "lo", "Download every table (Excel)") in page
    rule = translated(app, "lo", "Cells computed from 1 to 4 people are suppressed, and so are other cells "
                                 "that would let them be worked out from the totals.")
    suppressed = 0
    for key, sheet in zip(TABLE_KEYS, book.worksheets, strict=True):
        rows = list(csv.reader(io.StringIO(analyst.get(f"/stats/{key}.csv", query_string=PERIOD).data.decode("utf-8-sig"))))
        values = [[c.value for c in r] for r in sheet.iter_rows(min_row=3)]
        heads, body = values[0], values[1:1 + len(rows) - 1]
        assert sheet.freeze_panes == "A4" and sheet.cell(1, 1).value
        for csv_row, xlsx_row in zip(rows[1:], body, strict=True):
            label = xlsx_row[0]
            assert (label.strftime("%Y-%m") if isinstance(label, dt.datetime) else label) == csv_row[1]
            for figure, cell in zip(csv_row[2:], xlsx_row[1:], strict=True):
                if figure == "suppressed":
                    assert cell == "×"
                    suppressed += 1
                elif figure == "":
                    assert cell == "—"
                else:
                    assert isinstance(cell, int | float) and cell == float(figure), (key, figure, cell)
        shown = [[("×" if c == "×" else "—" if c == "—" else f"{c:g}") for c in r[1:]] for r in body]
        assert shown == _page_figures(page, key), key
        assert f"× {rule}" in [r[0] for r in values]
        if key == "testing_by_sex":
            assert heads[1] == translated(app, "lo", "Candidates tested")
            alone = load_workbook(io.BytesIO(analyst.get(f"/stats/{key}.xlsx", query_string=PERIOD).data))
            assert [[c.value for c in r] for r in alone.worksheets[0].iter_rows()] == \
                [[c.value for c in r] for r in sheet.iter_rows()]  # the table alone, the same sheet
            assert sheet.cell(4, 1).font.name == "Phetsarath OT" and sheet.cell(3, 2).font.bold
        if key == "testing_by_month":
            assert isinstance(body[0][0], dt.datetime) and sheet.cell(4, 1).number_format == "yyyy-mm"
    assert suppressed >= 20


@pytest.mark.parametrize("locale, word", [("lo", "ວຽງຈັນ"), ("th", "เวียงจันทน์"), ("en", "Vientiane Capital")])
def test_pdf_report_in_each_language(app, dataset, analyst, artifacts, locale, word):
    analyst.get(f"/lang/{locale}")
    response = analyst.get("/stats/report.pdf", query_string=PERIOD)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    (artifacts / f"statistics-{locale}.pdf").write_bytes(response.data)
    pdf = pypdfium2.PdfDocument(response.data)
    assert len(pdf) >= 2
    text = "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    text = "".join(text.split())  # extraction puts spaces after Lao and Thai marks
    assert word.replace(" ", "") in text and "TH-CON-BRL-L1" in text and "68.4" in text
    assert "Person" not in text
    image = pdf[0].render(scale=1.5).to_pil()
    image.save(artifacts / f"statistics-{locale}-page1.png")
    inked = sum(image.convert("L").histogram()[:128])
    assert inked > 5000  # the page is drawn, not blank
    # The dashboard's charts are drawn too: the pass-rate bar of the one standard (68.4 % of 100,
    # in the first series' blue) is about 0.684 of the bar chart's plot area wide.
    # Drawn at 2 px a point, that bar is about 0.684 × 340 units × 0.74 pt × 2 wide and 15 pt × 2 high.
    assert max(_blue_pixels(pdf[i].render(scale=2).to_pil()) for i in range(len(pdf))) > 6000


def _blue_pixels(image) -> int:
    """Pixels in the charts' first series colour, #0b4f8a."""
    pixels = image.convert("RGB").tobytes()
    return sum(1 for i in range(0, len(pixels), 3)
               if abs(pixels[i] - 0x0B) < 12 and abs(pixels[i + 1] - 0x4F) < 12 and abs(pixels[i + 2] - 0x8A) < 12)


def test_analyst_sees_the_dashboard_and_nothing_personal(app, dataset, analyst):
    from helpers import csrf_token

    assert analyst.get("/stats/").status_code == 200
    home = analyst.get("/", headers=EN).get_data(as_text=True)
    assert 'data-nav="stats.dashboard"' in home and 'data-nav="standards.index"' not in home
    token = csrf_token(home)
    allowed = {"main", "auth", "stats"}
    checked = 0
    for rule in app.url_map.iter_rules():
        blueprint = rule.endpoint.split(".")[0]
        if (blueprint in allowed or rule.endpoint in ("static", "assessments.service_worker")  # public files
                or blueprint in ("verify", "api")):
            continue
        if rule.endpoint.startswith("certificates.") and rule.endpoint in (
                "certificates.lookup", "certificates.download_page", "certificates.download_pdf",
                "certificates.holder_credential"):
            continue  # public, and need the holder's own secret
        values = {name: 1 if isinstance(rule._converters[name], IntegerConverter) else "x"
                  for name in rule.arguments}
        url = app.url_map.bind("localhost").build(rule.endpoint, values)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            data = {"csrf_token": token} if method != "GET" else None
            response = analyst.open(url, method=method, data=data)
            assert response.status_code == 403, (rule.endpoint, method, response.status_code)
            checked += 1
    assert checked > 30


def test_other_staff_cannot_see_statistics(app, client, users):
    for role in (Role.ASSESSOR, Role.CERTIFYING_OFFICER, Role.STANDARDS_OFFICER):
        client.login(users[role].username)
        assert client.get("/stats/").status_code == 403
        assert client.get("/stats/report.pdf").status_code == 403
        client.logout()
    client.login(users[Role.ADMINISTRATOR].username)
    assert client.get("/stats/").status_code == 200


def test_one_table_as_csv_runs_only_that_tables_queries(app, dataset, analyst):
    """Each CSV is the same table as in the whole report, computed alone: fewer statements than
    the dashboard, and the same bytes as the table taken from the whole report."""
    import sqlalchemy as sa

    from skills_cert.extensions import db
    from skills_cert.statistics import downloads
    from skills_cert.statistics import report as statistics_report

    statements = []
    with app.app_context():
        sa.event.listen(db.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    whole = _report(app)
    assert [t.key for t in whole.tables] == list(statistics_report.TABLE_KEYS)
    statements.clear()
    assert analyst.get("/stats/", query_string=PERIOD, headers=EN).status_code == 200
    dashboard = len(statements)
    alone = {}
    for key in statistics_report.TABLE_KEYS:
        statements.clear()
        response = analyst.get(f"/stats/{key}.csv", query_string=PERIOD, headers=EN)
        assert response.status_code == 200
        assert response.get_data(as_text=True) == downloads.table_csv(whole.table(key))
        alone[key] = len(statements)
    # Each request also loads the user and the filter choices; beyond that, the tables add up.
    overhead = min(alone.values()) - 1
    assert sum(n - overhead for n in alone.values()) <= dashboard - overhead + len(alone), (alone, dashboard)
    assert max(alone.values()) < dashboard
