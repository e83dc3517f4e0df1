"""The office's certificate search results and a session's results as CSV and Excel files (issue
23): the same rows and figures as the page, headers in the reader's language in the workbook,
stable English keys in the CSV file, and nothing personal beyond the names the page shows."""

from __future__ import annotations

import csv
import datetime as dt
import io

from assessment_fixtures import CANDIDATES, TODAY
from certificate_fixtures import issued
from helpers import translated
from openpyxl import load_workbook

PERSONAL = ("P1234567", "0123456789", "1990-03-14", "1995-07-02", "5551")


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200 and response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"), newline="")))
    assert all(len(row) == len(rows[0]) for row in rows)
    return rows


def _sheet(response) -> list[list]:
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    book = load_workbook(io.BytesIO(response.data))
    assert book.properties.language == "lo-LA" and len(book.worksheets) == 1
    sheet = book.worksheets[0]
    assert sheet.freeze_panes == "A4"
    return [[c.value for c in row] for row in sheet.iter_rows(min_row=3)]


def test_certificate_search_and_session_results(app, client):
    setup, _certificate_id, _attainment_id = issued(app)
    client.login(setup.officer.username)
    client.get("/lang/lo")
    _certificate_search(app, client)
    _session_results(app, client, setup)


def _certificate_search(app, client):
    page = client.get("/certificates/").get_data(as_text=True)
    assert translated(app, "lo", "Download these results (Excel)") in page
    rows = _csv(client.get("/certificates/search.csv"))
    assert rows[0] == ["number", "kind", "name_lao", "name_thai", "name_latin", "standard", "standard_version",
                       "standard_title", "issued_on", "expires_on", "status"]
    assert [r[1] for r in rows[1:]] == ["attainment", "certificate"]  # newest first, as on the page
    assert [r[0] for r in rows[1:]] == [n for n in (r[0] for r in rows[1:]) if n in page]
    assert {r[10] for r in rows[1:]} == {"valid"} and rows[1][8] == TODAY.isoformat()
    values = _sheet(client.get("/certificates/search.xlsx"))
    heads, body = values[0], values[1:3]
    assert heads[0] == translated(app, "lo", "Number") and heads[9] == translated(app, "lo", "Valid until")
    assert [r[0] for r in body] == [r[0] for r in rows[1:]]
    assert body[0][8] == dt.datetime.combine(TODAY, dt.time()) and body[0][6] == 1
    assert body[0][10] == translated(app, "lo", "Valid")
    text = repr(rows) + repr(values)
    assert not [p for p in PERSONAL if p in text]
    found = _csv(client.get("/certificates/search.csv", query_string={"q": "Somphone"}))
    assert [r[4] for r in found[1:]] == [CANDIDATES[0]["name_latin"]]
    assert _sheet(client.get("/certificates/search.xlsx", query_string={"q": "Somphone"}))[1][4] == "Somphone Keomany"


def _session_results(app, client, setup):
    page = client.get(f"/sessions/{setup.session_id}").get_data(as_text=True)
    assert translated(app, "lo", "Download the results (Excel)") in page
    rows = _csv(client.get(f"/sessions/{setup.session_id}/results.csv"))
    assert rows[0] == ["name_lao", "name_latin", "pathway", "status", "result", "knowledge_percent",
                       "units_achieved", "units_credited_rpl", "submitted_at", "decided_at"]
    assert [(r[1], r[3], r[4], r[5]) for r in rows[1:]] == [
        ("Somphone Keomany", "approved", "competent", "80"),
        ("Bounmy Phommachanh", "approved", "not_yet_competent", "80")]
    values = _sheet(client.get(f"/sessions/{setup.session_id}/results.xlsx"))
    heads, body = values[0], values[1:3]
    assert heads[4] == translated(app, "lo", "Result")
    assert [r[0] for r in body] == [CANDIDATES[0]["name_lao"], CANDIDATES[1]["name_lao"]]
    assert [r[4] for r in body] == [translated(app, "lo", "Competent"), translated(app, "lo", "Not yet competent")]
    assert all(r[4] in page for r in body)  # the result badges of the page
    assert body[0][5] == 80 and isinstance(body[0][8], dt.datetime)
    assert body[0][6].split() == rows[1][6].split() and len(rows[1][6].split()) > 1
    assert not [p for p in PERSONAL if p in repr(rows) + repr(values)]
    client.logout()
    client.login(setup.other_assessor.username)  # not an assessor of this session
    assert client.get(f"/sessions/{setup.session_id}/results.csv").status_code == 403
    assert client.get(f"/sessions/{setup.session_id}/results.xlsx").status_code == 403
