"""`flask assessments import` and the upload page: validate first, all or nothing, 10,000 rows."""

import csv
import io

import pytest
import sqlalchemy as sa
from assessment_fixtures import build

from skills_cert.assessment.models import Assessment, AssessmentStatus, ItemResult, Outcome


@pytest.fixture()
def setup(app):
    return build(app)


def _template(runner_app, setup) -> list[list[str]]:
    from skills_cert.assessment.bulk_import import write_template
    from skills_cert.assessment.models import TestSession
    from skills_cert.extensions import db

    with runner_app.app_context():
        text = write_template(db.session, db.session.get(TestSession, setup.session_id))
    return list(csv.reader(io.StringIO(text)))


def _fill(rows, *, knowledge="75", value="S", overrides=None):
    header = rows[0]
    filled = [header]
    for row in rows[1:]:
        row = list(row)
        for i, column in enumerate(header):
            if column == "knowledge":
                row[i] = knowledge
            elif i >= 5:
                row[i] = value
        filled.append(row)
    for (line, column), new in (overrides or {}).items():
        filled[line - 1][header.index(column)] = new
    return filled


def _write(tmp_path, rows, name="results.csv", encoding="utf-8"):
    path = tmp_path / name
    with open(path, "w", encoding=encoding, newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def _statuses(app):
    from skills_cert.extensions import db

    with app.app_context():
        return [(a.status, a.outcome) for a in db.session.scalars(sa.select(Assessment).order_by(Assessment.id))]


def test_template_has_a_column_per_checklist_item(app, setup):
    rows = _template(app, setup)
    assert rows[0][:5] == ["session", "standard", "id_type", "id_number", "knowledge"]
    assert len(rows[0]) == 5 + 30
    assert [r[3] for r in rows[1:]] == ["P1234567", "0123456789"]


def test_a_good_file_imports_and_submits(app, runner, setup, tmp_path):
    rows = _fill(_template(app, setup), overrides={(3, rows_item(app, setup)): "N"})
    result = runner.invoke(args=["assessments", "import", str(_write(tmp_path, rows)),
                                 "--assessor", setup.assessor.username])
    assert result.exit_code == 0, result.output
    assert "imported 2 of 2" in result.output
    assert _statuses(app) == [(AssessmentStatus.SUBMITTED, Outcome.COMPETENT),
                              (AssessmentStatus.SUBMITTED, Outcome.NOT_YET_COMPETENT)]
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0


def rows_item(app, setup):
    from assessment_fixtures import critical_item

    return critical_item(app, setup.standard_id)[0]


def test_bad_rows_are_reported_by_line_and_nothing_is_imported(app, runner, setup, tmp_path):
    rows = _fill(_template(app, setup), overrides={(2, "knowledge"): "abc", (3, "T1.2"): "maybe"})
    result = runner.invoke(args=["assessments", "import", str(_write(tmp_path, rows)),
                                 "--assessor", setup.assessor.username])
    assert result.exit_code == 1
    assert "line 2: The knowledge score must be a number from 0 to 100, not 'abc'." in result.output
    assert "line 3: Item T1.2 must be S (satisfactory) or N (not yet), not 'maybe'." in result.output
    assert "nothing was imported" in result.output
    assert _statuses(app) == [(AssessmentStatus.DRAFT, None)] * 2


def test_good_rows_only_imports_the_good_ones(app, runner, setup, tmp_path):
    rows = _fill(_template(app, setup), overrides={(3, "knowledge"): "150"})
    result = runner.invoke(args=["assessments", "import", str(_write(tmp_path, rows)),
                                 "--assessor", setup.assessor.username, "--good-only"])
    assert "imported 1 of 2" in result.output
    assert _statuses(app)[0][0] is AssessmentStatus.SUBMITTED
    assert _statuses(app)[1][0] is AssessmentStatus.DRAFT


def test_duplicate_rows_are_refused(app, runner, setup, tmp_path):
    rows = _fill(_template(app, setup))
    rows.append(rows[1])
    result = runner.invoke(args=["assessments", "import", str(_write(tmp_path, rows)),
                                 "--assessor", setup.assessor.username])
    assert result.exit_code == 1 and "line 4: The same candidate is already on line 2." in result.output


def test_a_file_for_another_guideline_is_refused(app, runner, setup, tmp_path):
    rows = _fill(_template(app, setup))
    for row in rows:
        del row[-1]
    result = runner.invoke(args=["assessments", "import", str(_write(tmp_path, rows)),
                                 "--assessor", setup.assessor.username])
    assert result.exit_code == 1
    assert "do not match the guideline of LA-CON-BRL-L1 v1" in result.output and "Missing: T2.10" in result.output


def test_a_file_not_in_utf8_is_refused(app, runner, setup, tmp_path):
    rows = _fill(_template(app, setup))
    rows[1][3] = "ສົມພອນ"  # something that cannot be written in Latin-1 ...
    path = tmp_path / "latin.csv"
    path.write_bytes(_write(tmp_path, rows).read_text(encoding="utf-8").encode("utf-16"))
    result = runner.invoke(args=["assessments", "import", str(path), "--assessor", setup.assessor.username])
    assert result.exit_code == 1 and "not UTF-8" in result.output


def test_an_unassigned_assessor_cannot_import(app, runner, setup, tmp_path):
    rows = _fill(_template(app, setup))
    result = runner.invoke(args=["assessments", "import", str(_write(tmp_path, rows)),
                                 "--assessor", setup.other_assessor.username])
    assert result.exit_code == 1 and "is not an assessor of test session" in result.output


def test_ten_thousand_rows(app, runner, setup, tmp_path):
    """A whole offline centre's year: 10,000 candidates, enrolled by the import itself."""
    import datetime as dt

    from skills_cert.assessment.models import Candidate, Pathway, Sex
    from skills_cert.extensions import db

    header = _template(app, setup)[0]
    with app.app_context():
        db.session.execute(sa.insert(Candidate), [{
            "name_lao": "ສົມສັກ", "name_latin": f"Somsak {i}", "sex": Sex.MALE,
            "date_of_birth": dt.date(1990, 1, 1), "nationality": "LA", "id_type": "national_id",
            "id_number": f"{900000000 + i}", "pathway": Pathway.REGULAR, "search_name": f"somsak {i}",
            "created_by_id": setup.admin.id, "has_photo": False} for i in range(10_000)])
        db.session.commit()
    rows = [header] + [[str(setup.session_id), "LA-CON-BRL-L1 v1", "national_id", f"{900000000 + i}", "70"]
                       + ["S" if (i + j) % 97 else "N" for j in range(len(header) - 5)] for i in range(10_000)]
    result = runner.invoke(args=["assessments", "import", str(_write(tmp_path, rows)),
                                 "--assessor", setup.assessor.username])
    assert result.exit_code == 0, result.output[-2000:]
    assert "imported 10000 of 10000" in result.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ItemResult)) == 10_000 * 30
        submitted = db.session.scalar(sa.select(sa.func.count()).select_from(Assessment).where(
            Assessment.status == AssessmentStatus.SUBMITTED))
        assert submitted == 10_000
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0


def test_upload_page_shows_errors_in_the_users_language(app, client, setup, tmp_path):
    from helpers import translated

    client.login(setup.assessor.username)
    rows = _fill(_template(app, setup), overrides={(2, "knowledge"): "abc"})
    data = io.BytesIO(_write(tmp_path, rows).read_bytes())
    client.get("/lang/th")
    response = client.submit(f"/sessions/{setup.session_id}/import",
                             {"file": (data, "results.csv")}, content_type="multipart/form-data")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert translated(app, "th", "Nothing was imported.") in page


def test_upload_page_imports_a_good_file(app, client, setup, tmp_path):
    client.login(setup.assessor.username)
    data = io.BytesIO(_write(tmp_path, _fill(_template(app, setup))).read_bytes())
    response = client.submit(f"/sessions/{setup.session_id}/import",
                             {"file": (data, "results.csv")}, content_type="multipart/form-data")
    assert response.status_code == 302
    assert _statuses(app) == [(AssessmentStatus.SUBMITTED, Outcome.COMPETENT)] * 2


