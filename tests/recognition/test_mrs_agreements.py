"""MRS agreement files: the schema and the checks against standards, import guarantees, export."""

from __future__ import annotations

import copy
import datetime as dt
import shutil

import pytest
import sqlalchemy as sa
from standards_fixtures import SHIPPED, load, write

from skills_cert.recognition.agreement_files import canonical
from skills_cert.recognition.models import Agreement, AgreementStatus, UnitMapping
from skills_cert.standards.models import Standard

LA_TH = SHIPPED / "mrs" / "MRS-LA-TH-CON-v1.yaml"


def _standards(tmp_path):
    """A data folder with the shipped standards and no agreement files."""
    folder = tmp_path / "data"
    for country in ("la", "th", "kh"):
        if (SHIPPED / country).exists():
            shutil.copytree(SHIPPED / country, folder / country)
    (folder / "mrs").mkdir()
    return folder


def _count(app, model):
    from skills_cert.extensions import db

    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _validate(runner, folder):
    return runner.invoke(args=["standards", "validate", str(folder)])


def test_shipped_agreements_validate_and_import_idempotently(app, runner):
    result = _validate(runner, SHIPPED)
    assert result.exit_code == 0, result.output
    assert "agreement file(s) are valid" in result.output
    first = runner.invoke(args=["standards", "import", str(SHIPPED)])
    assert first.exit_code == 0, first.output
    assert "created: agreement MRS-LA-TH-CON v1" in first.output
    counts = _count(app, Agreement), _count(app, UnitMapping)
    second = runner.invoke(args=["standards", "import", str(SHIPPED)])
    assert second.exit_code == 0 and "nothing changed" in second.output, second.output
    assert (_count(app, Agreement), _count(app, UnitMapping)) == counts


def test_shipped_agreements_cover_two_corridors():
    from skills_cert.recognition.data_files import read_data_files

    files = read_data_files(SHIPPED)
    assert files.problems == []
    corridors = {(doc["origin_country"], doc["destination_country"]) for _, doc in files.agreements}
    assert {("LA", "TH"), ("KH", "TH")} <= corridors


@pytest.mark.parametrize("change, where, message", [
    (lambda d: d["mappings"][0]["units"][0]["origin"].__setitem__(0, "LA-CON-BRL-99"),
     "mappings[0].units[0].origin[0]", "LA-CON-BRL-99 is not a unit of LA-CON-BRL-L1 v1"),
    (lambda d: d["mappings"][0]["units"][0]["destination"].__setitem__(0, "TH-CON-PLS-01"),
     "mappings[0].units[0].destination[0]", "TH-CON-PLS-01 is not a unit of TH-CON-BRL-L1 v1"),
    (lambda d: d["mappings"][0]["origin"].update(standard="LA-ELE-BEW-L1"),
     "mappings[0].origin", "a mapping cannot cross sectors"),
    (lambda d: d["mappings"][0]["origin"].update(standard="TH-CON-PLS-L1"),
     "mappings[0].origin", "is a standard of TH, but the agreement's origin country is LA"),
    (lambda d: d["mappings"][0]["origin"].update(version=7),
     "mappings[0].origin", "standard LA-CON-BRL-L1 version 7 does not exist"),
    (lambda d: d["mappings"][0]["units"][0].update(relation="partial"),
     "mappings[0].units[0].gap", "a partial mapping must describe the gap"),
    (lambda d: d["mappings"][0]["units"].pop(0),
     "mappings[0].units", "origin unit LA-CON-BRL-01 is not mapped"),
    (lambda d: d["mappings"][0]["units"][0]["compared"].append("LA-CON-BRL-01/9.9"),
     "mappings[0].units[0].compared[6]", "LA-CON-BRL-01/9.9 is not an element"),
    (lambda d: d.pop("status_since"), "status_since", "say from which day the status in_force applies"),
    (lambda d: d.update(effective_until="2025-01-01"), "effective_until", "ends before it starts"),
    (lambda d: d.update(destination_country="LA"), "destination_country", "must differ from the origin"),
    (lambda d: d["mappings"][1]["bridging"].update({"TH-CON-BRL-09": d["title"]}),
     "mappings[1].bridging.TH-CON-BRL-09", "is not a unit of TH-CON-PLS-L1 v1"),
    (lambda d: d.update(status="ratified"), "status", "must be one of draft, in_force, suspended, withdrawn"),
])
def test_validation_names_the_place_and_the_problem(runner, tmp_path, change, where, message):
    folder = _standards(tmp_path)
    document = load(LA_TH)
    change(document)
    write(folder / "mrs", document)
    result = _validate(runner, folder)
    assert result.exit_code == 1
    assert f"error: mrs/MRS-LA-TH-CON-v1.yaml: {where}: " in result.output, result.output
    assert message in result.output


def test_a_draft_may_be_incomplete_but_not_wrong(runner, tmp_path):
    folder = _standards(tmp_path)
    document = load(LA_TH)
    document["status"] = "draft"
    del document["status_since"]
    document["mappings"][0]["units"].pop(0)
    write(folder / "mrs", document)
    assert _validate(runner, folder).exit_code == 0


def _revision(document: dict, *, effective_from: str, version: int = 2) -> dict:
    revised = copy.deepcopy(document)
    revised.update(version=version, effective_from=effective_from, status_since=effective_from)
    revised.pop("effective_until", None)
    return revised


def test_overlapping_agreements_in_force_for_the_same_pair_are_refused(runner, tmp_path):
    folder = _standards(tmp_path)
    document = load(LA_TH)
    write(folder / "mrs", document)
    write(folder / "mrs", _revision(document, effective_from="2027-01-01"))
    result = _validate(runner, folder)
    assert result.exit_code == 1
    assert "MRS-LA-TH-CON v2 and MRS-LA-TH-CON v1" in result.output
    assert "would both be in force between 2027-01-01 and 2030-12-31" in result.output
    # Ending the first before the revision starts resolves it.
    document["effective_until"] = "2026-12-31"
    write(folder / "mrs", document)
    assert _validate(runner, folder).exit_code == 0, _validate(runner, folder).output


def test_an_overlap_with_an_agreement_in_the_database_is_refused(app, runner, tmp_path):
    assert runner.invoke(args=["standards", "import", str(SHIPPED)]).exit_code == 0
    folder = tmp_path / "more"
    folder.mkdir()
    write(folder, _revision(load(LA_TH), effective_from="2028-06-01"))
    result = runner.invoke(args=["standards", "import", str(folder)])
    assert result.exit_code == 1
    assert "MRS-LA-TH-CON v2 and MRS-LA-TH-CON v1 (database) would both be in force" in result.output
    assert _count(app, Agreement) == len(list((SHIPPED / "mrs").glob("*.yaml")))


def test_a_withdrawn_agreement_no_longer_overlaps(runner, tmp_path):
    folder = _standards(tmp_path)
    document = load(LA_TH)
    document.update(status="withdrawn", status_since="2027-01-01")
    write(folder / "mrs", document)
    write(folder / "mrs", _revision(document, effective_from="2027-01-01") | {"status": "in_force"})
    assert _validate(runner, folder).exit_code == 0


def test_an_error_in_an_agreement_imports_no_standard_either(app, runner, tmp_path):
    folder = _standards(tmp_path)
    document = load(LA_TH)
    document["mappings"][0]["units"][0]["origin"] = ["NOPE-01"]
    write(folder / "mrs", document)
    result = runner.invoke(args=["standards", "import", str(folder)])
    assert result.exit_code == 1 and "nothing was changed" in result.output
    assert _count(app, Standard) == 0 and _count(app, Agreement) == 0


def test_an_agreement_in_force_is_frozen_but_its_status_can_move_on(app, runner, tmp_path):
    from skills_cert.extensions import db

    assert runner.invoke(args=["standards", "import", str(SHIPPED)]).exit_code == 0
    folder = tmp_path / "changed"
    folder.mkdir()
    changed = load(LA_TH)
    changed["mappings"][1]["units"][3]["relation"] = "partial"
    changed["mappings"][1]["units"][3]["gap"] = changed["title"]
    write(folder, changed)
    result = runner.invoke(args=["standards", "import", str(folder)])
    assert result.exit_code == 1
    assert "MRS-LA-TH-CON v1 is In force and frozen" in result.output and "Add version 2" in result.output

    suspended = load(LA_TH) | {"status": "suspended", "status_since": "2027-03-01"}
    write(folder, suspended)
    result = runner.invoke(args=["standards", "import", str(folder)])
    assert result.exit_code == 0, result.output
    assert "status changed: agreement MRS-LA-TH-CON v1: suspended" in result.output
    with app.app_context():
        agreement = db.session.scalar(sa.select(Agreement).where(Agreement.code == "MRS-LA-TH-CON"))
        assert agreement.status is AgreementStatus.SUSPENDED
        assert agreement.in_force_on(dt.date(2027, 2, 28)) and not agreement.in_force_on(dt.date(2027, 3, 1))
    # The older file does not undo the newer status.
    result = runner.invoke(args=["standards", "import", str(LA_TH)])
    assert result.exit_code == 0 and "kept suspended since 2027-03-01" in result.output


def test_export_writes_agreements_that_import_back_unchanged(app, runner, tmp_path):
    assert runner.invoke(args=["standards", "import", str(SHIPPED)]).exit_code == 0
    out = tmp_path / "export"
    result = runner.invoke(args=["standards", "export", "-o", str(out)])
    assert result.exit_code == 0, result.output
    exported = load(out / "mrs" / "MRS-LA-TH-CON-v1.yaml")
    assert canonical(exported) == canonical(load(LA_TH))
    again = runner.invoke(args=["standards", "import", str(out)])
    assert again.exit_code == 0 and "nothing changed" in again.output, again.output
