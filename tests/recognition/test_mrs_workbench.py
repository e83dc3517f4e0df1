"""The mapping workbench: agreements through the web, unit mappings with validation, the life cycle
as audited actions, suggestions, coverage figures and the benchmarking report."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pypdfium2
import pytest
import sqlalchemy as sa
from helpers import translated
from standards_fixtures import import_shipped

from skills_cert.audit.models import AuditEntry
from skills_cert.recognition.models import Agreement, AgreementStatus, Relation, StandardMapping
from skills_cert.roles import Role

EN = {"Accept-Language": "en"}
TEXT = {"lo": "ທົດລອງ", "th": "ทดลอง", "en": "Trial"}


@pytest.fixture()
def shipped(app):
    import_shipped(app)
    return app


@pytest.fixture()
def officer(client, users):
    client.login(users[Role.STANDARDS_OFFICER].username)
    client.get("/lang/en")
    return client


def _ids(app, code: str, version: int = 1):
    from skills_cert.extensions import db

    with app.app_context():
        agreement = db.session.scalar(sa.select(Agreement).where(Agreement.code == code, Agreement.version == version))
        return agreement.id, [m.id for m in agreement.mappings]


def _token(page: str) -> str:
    """The session's CSRF token, from any form on the page (the token is per session, not per form)."""
    return re.search(r'name="[^"]*csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)


def _create_draft(officer, code="MRS-LA-TH-TRIAL", origin="LA", destination="TH", **extra):
    data = {"code": code, "origin_country": origin, "destination_country": destination, "sector": "construction",
            "title-lo": TEXT["lo"], "title-th": TEXT["th"], "title-en": TEXT["en"], "reference": "TRIAL/1",
            "effective_from": "2031-01-01", **extra}
    return officer.submit("/mrs/new", data, form_url="/mrs/")


def _standard_id(app, code):
    from standards_fixtures import standard_id

    return standard_id(app, code)


def _draft_with_mapping(app, officer, origin="LA-CON-PLS-L1", destination="TH-CON-PLS-L1"):
    assert _create_draft(officer).status_code == 302
    agreement_id, _ = _ids(app, "MRS-LA-TH-TRIAL")
    response = officer.submit(f"/mrs/{agreement_id}/mappings", {
        "origin": _standard_id(app, origin), "destination": _standard_id(app, destination)},
        form_url=f"/mrs/{agreement_id}")
    assert response.status_code == 302, response.get_data(as_text=True)
    return agreement_id, _ids(app, "MRS-LA-TH-TRIAL")[1][0]


def _save_unit(officer, mapping_id, origin, destination, relation, gap=None, entry_id=""):
    page = officer.get(f"/mrs/mappings/{mapping_id}").get_data(as_text=True)
    prefix = f"e{entry_id}" if entry_id else f"new-{origin[0]}"
    data = {"entry_id_field": entry_id, "origin_field": "" if entry_id else origin[0],
            f"{prefix}-csrf_token": _token(page), f"{prefix}-relation": relation,
            f"{prefix}-origin_units": origin, f"{prefix}-destination_units": destination,
            f"{prefix}-compared": f"{origin[0]}/1", f"{prefix}-compared_by": "Test officer"}
    for lang, value in TEXT.items():
        data[f"{prefix}-justification-{lang}"] = value
        if gap:
            data[f"{prefix}-gap-{lang}"] = gap[lang]
    return officer.post(f"/mrs/mappings/{mapping_id}/units", data=data)


def test_suggestions_pick_the_corresponding_units_of_the_shipped_standards(shipped):
    from skills_cert.extensions import db
    from skills_cert.recognition import similarity
    from skills_cert.standards.versions import find_standard

    with shipped.app_context():
        lao, thai = find_standard(db.session, "LA-CON-BRL-L1", 1), find_standard(db.session, "TH-CON-BRL-L1", 1)
        found = similarity.suggest(lao.units, thai.units)
        picked = {code: (s.destination, s.relation) for code, s in found.items()}
    assert picked == {
        "LA-CON-BRL-01": ("TH-CON-BRL-01", Relation.EQUIVALENT),
        "LA-CON-BRL-02": ("TH-CON-BRL-02", Relation.EQUIVALENT),
        "LA-CON-BRL-03": ("TH-CON-BRL-03", Relation.EQUIVALENT),
        "LA-CON-BRL-04": ("TH-CON-BRL-05", Relation.EQUIVALENT),
        "LA-CON-BRL-05": (None, Relation.NONE),  # basic plaster: nothing in the Thai bricklayer standard
    }


def test_the_workbench_shows_both_standards_suggestions_and_coverage(shipped, officer):
    _agreement_id, mapping_ids = _ids(shipped, "MRS-LA-TH-CON")
    page = officer.get(f"/mrs/mappings/{mapping_ids[1]}", headers=EN).get_data(as_text=True)
    assert "Apply plaster and float finish to walls" in page and "Plaster corners, edges and openings" in page
    assert "Suggestion" in page and "Reads most like TH-CON-PLS-04" in page
    assert 'data-testid="coverage-percent">80%' in page and "Not covered: 1" in page
    # In force: the mappings are frozen, so there is nothing to edit.
    assert "Map this unit" not in page and "cannot change" in page


def test_an_agreement_is_created_mapped_and_put_in_force(shipped, officer, users):
    from skills_cert.extensions import db

    agreement_id, mapping_id = _draft_with_mapping(shipped, officer)
    page = officer.get(f"/mrs/mappings/{mapping_id}").get_data(as_text=True)
    assert 'data-testid="coverage-percent">0%' in page and "Map this unit" in page
    # Putting an incomplete mapping in force is refused, naming what is missing.
    response = officer.submit(f"/mrs/{agreement_id}/status", {"status": "in_force", "effective_on": "2031-01-01"},
                              form_url=f"/mrs/{agreement_id}")
    assert response.status_code == 400
    assert "origin unit LA-CON-PLS-01 is not mapped" in response.get_data(as_text=True)
    for n in range(1, 5):
        code = f"LA-CON-PLS-0{n}"
        assert _save_unit(officer, mapping_id, [code], [f"TH-CON-PLS-0{n}"], "equivalent").status_code == 302
    page = officer.get(f"/mrs/mappings/{mapping_id}").get_data(as_text=True)
    assert 'data-testid="coverage-percent">80%' in page
    # It would overlap the shipped agreement if it started while that one is in force.
    response = officer.submit(f"/mrs/{agreement_id}/status", {"status": "in_force", "effective_on": "2030-06-01"},
                              form_url=f"/mrs/{agreement_id}")
    assert response.status_code == 302
    with shipped.app_context():
        agreement = db.session.get(Agreement, agreement_id)
        assert agreement.status is AgreementStatus.IN_FORCE
        entries = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.object_type == "mrs_agreement",
                                                                 AuditEntry.object_id == str(agreement_id))
                                     .order_by(AuditEntry.id)).all()
        assert [e.action for e in entries] == ["mrs_agreement.create", "mrs_agreement.in_force"]
        assert entries[-1].actor_id == users[Role.STANDARDS_OFFICER].id
    # Frozen now: a unit mapping can no longer change.
    response = _save_unit(officer, mapping_id, ["LA-CON-PLS-01"], ["TH-CON-PLS-05"], "partial", gap=TEXT)
    assert response.status_code == 400
    assert "mappings are frozen" in response.get_data(as_text=True)


def test_an_overlapping_agreement_cannot_be_put_in_force(shipped, officer):
    agreement_id, mapping_id = _draft_with_mapping(shipped, officer, "LA-CON-BRL-L1", "TH-CON-BRL-L1")
    from skills_cert.extensions import db
    from skills_cert.recognition import agreements
    from skills_cert.recognition.agreement_files import document_of

    with shipped.app_context():
        source = db.session.scalar(sa.select(Agreement).where(Agreement.code == "MRS-LA-TH-CON"))
        draft = db.session.get(Agreement, agreement_id)
        # Copy the shipped bricklaying mapping into the draft, then move its start into the shipped period.
        doc = document_of(source)
        doc.update(code=draft.code, version=1, status="draft", effective_from="2027-01-01",
                   mappings=[doc["mappings"][0]])
        doc.pop("status_since")
        agreements.apply_document(db.session, draft, doc)
        db.session.commit()
    response = officer.submit(f"/mrs/{agreement_id}/status", {"status": "in_force", "effective_on": "2027-01-01"},
                              form_url=f"/mrs/{agreement_id}")
    assert response.status_code == 400
    assert "would both be in force between 2027-01-01 and 2030-12-31" in response.get_data(as_text=True)


@pytest.mark.parametrize("origin, destination, relation, gap, message", [
    (["LA-CON-PLS-01"], ["TH-CON-PLS-01"], "partial", None, "Describe the gap in Lao, Thai and English."),
    (["LA-CON-PLS-01"], [], "equivalent", None, "Choose the destination unit(s) it corresponds to."),
    (["LA-CON-PLS-01"], ["TH-CON-PLS-01"], "none", None, "A unit with no equivalent lists no destination units."),
    (["LA-CON-PLS-01"], ["TH-CON-BRL-01"], "equivalent", None, "is not a valid choice"),
])
def test_unit_mappings_are_validated(shipped, officer, origin, destination, relation, gap, message):
    _agreement_id, mapping_id = _draft_with_mapping(shipped, officer)
    response = _save_unit(officer, mapping_id, origin, destination, relation, gap)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_a_partial_mapping_keeps_its_gap_and_is_in_the_report(shipped, officer):
    _agreement_id, mapping_id = _draft_with_mapping(shipped, officer)
    gap = {"lo": "ຂາດ", "th": "ขาดการฉาบมุม", "en": "No arris work"}
    assert _save_unit(officer, mapping_id, ["LA-CON-PLS-04"], ["TH-CON-PLS-04", "TH-CON-PLS-05"], "partial",
                      gap=gap).status_code == 302
    page = officer.get(f"/mrs/mappings/{mapping_id}", headers=EN).get_data(as_text=True)
    assert "Partly covered: 2" in page and "No arris work" in page
    def table(part):
        data = officer.get(f"/mrs/mappings/{mapping_id}/report-{part}.csv").data.decode("utf-8-sig")
        return list(csv.reader(io.StringIO(data)))

    entry = next(r for r in table("mappings") if r[0] == "LA-CON-PLS-04")
    assert entry[2] == "partial" and entry[3] == "TH-CON-PLS-04 TH-CON-PLS-05" and entry[6] == "No arris work"
    coverage = {r[0]: r[2] for r in table("coverage")[1:]}
    assert coverage == {"TH-CON-PLS-01": "missing", "TH-CON-PLS-02": "missing", "TH-CON-PLS-03": "missing",
                        "TH-CON-PLS-04": "partly", "TH-CON-PLS-05": "partly"}


def test_the_benchmarking_report_pdf_in_thai(shipped, officer):
    _agreement_id, mapping_ids = _ids(shipped, "MRS-LA-TH-CON")
    officer.get("/lang/th")
    response = officer.get(f"/mrs/mappings/{mapping_ids[1]}/report.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    pdf = pypdfium2.PdfDocument(response.data)
    text = "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    assert translated(shipped, "th", "Benchmarking report") in text
    assert "TH-CON-PLS-05" in text and "การฉาบมุมและขอบ" in text
    assert "80%" in text


def test_new_version_of_an_agreement_in_force_is_an_editable_copy(shipped, officer):
    from skills_cert.extensions import db

    agreement_id, _ = _ids(shipped, "MRS-LA-TH-CON")
    response = officer.submit(f"/mrs/{agreement_id}/versions", {}, form_url=f"/mrs/{agreement_id}")
    assert response.status_code == 302
    draft_id, mapping_ids = _ids(shipped, "MRS-LA-TH-CON", 2)
    with shipped.app_context():
        assert db.session.get(Agreement, draft_id).status is AgreementStatus.DRAFT
        assert db.session.scalar(sa.select(sa.func.count()).select_from(StandardMapping)
                                 .where(StandardMapping.agreement_id == draft_id)) == 2
    assert "Map this unit" in officer.get(f"/mrs/mappings/{mapping_ids[0]}").get_data(as_text=True)


def test_bad_agreement_input_gets_messages(shipped, officer):
    response = _create_draft(officer, code="mrs lower", destination="LA")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Use capital letters, digits and dashes" in page
    response = _create_draft(officer, destination="LA")
    assert "The destination country must differ from the origin country." in response.get_data(as_text=True)
    response = _create_draft(officer, effective_until="2030-01-01")
    assert "The agreement cannot end before it starts." in response.get_data(as_text=True)
    response = _create_draft(officer, code="MRS-LA-TH-CON")
    assert "exists; draft a new version" in response.get_data(as_text=True)


def test_only_standards_officers_change_agreements(shipped, client, users):
    agreement_id, _ = _ids(shipped, "MRS-LA-TH-CON")
    client.login(users[Role.ASSESSOR].username)
    assert client.get(f"/mrs/{agreement_id}").status_code == 200
    response = client.submit(f"/mrs/{agreement_id}/status", {"status": "suspended", "effective_on": "2027-01-01",
                                                             "reason": "x"}, form_url="/")
    assert response.status_code == 403


def test_suspension_through_the_web_needs_a_reason_and_a_date_not_before_the_last(shipped, officer):
    agreement_id, _ = _ids(shipped, "MRS-LA-TH-CON")
    response = officer.submit(f"/mrs/{agreement_id}/status", {"status": "suspended", "effective_on": "2027-01-01"},
                              form_url=f"/mrs/{agreement_id}")
    assert response.status_code == 400 and "Give the reason for this change." in response.get_data(as_text=True)
    response = officer.submit(f"/mrs/{agreement_id}/status", {"status": "suspended", "effective_on": "2025-01-01",
                                                              "reason": "x"}, form_url=f"/mrs/{agreement_id}")
    assert "a new one cannot take effect earlier" in response.get_data(as_text=True)
    response = officer.submit(f"/mrs/{agreement_id}/status", {"status": "suspended",
                                                              "effective_on": dt.date.today().isoformat(),
                                                              "reason": "Review"}, form_url=f"/mrs/{agreement_id}")
    assert response.status_code == 302
