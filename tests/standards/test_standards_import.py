"""`flask standards validate|import|export`: idempotent, one transaction, versions kept frozen."""

import sqlalchemy as sa
from standards_fixtures import LAO_BRICKLAYING, SHIPPED, load, write

from skills_cert.standards.models import Standard, StandardStatus, Unit


def _count(app, model):
    from skills_cert.extensions import db

    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_validate_reports_problems_and_exits_non_zero(runner, tmp_path):
    document = load()
    del document["title"]["lo"]
    write(tmp_path, document, "broken.yaml")
    result = runner.invoke(args=["standards", "validate", str(tmp_path)])
    assert result.exit_code == 1
    assert "error: broken.yaml: title: missing translation: Lao (lo)" in result.output


def test_validate_shipped_standards(runner):
    result = runner.invoke(args=["standards", "validate", str(SHIPPED)])
    assert result.exit_code == 0, result.output
    assert "are valid" in result.output


def test_import_is_idempotent(app, runner):
    first = runner.invoke(args=["standards", "import", str(SHIPPED)])
    assert first.exit_code == 0, first.output
    assert "created: LA-CON-BRL-L1 v1" in first.output
    standards, units = _count(app, Standard), _count(app, Unit)
    second = runner.invoke(args=["standards", "import", str(SHIPPED)])
    assert second.exit_code == 0
    assert "nothing changed" in second.output and "created" not in second.output
    assert (_count(app, Standard), _count(app, Unit)) == (standards, units)


def test_a_file_with_an_error_imports_nothing(app, runner, tmp_path):
    write(tmp_path, load())
    broken = load(SHIPPED / "la" / "LA-CON-PLS-L1-v1.yaml")
    broken["guideline"]["practical_tasks"][0]["items"][0]["criteria"] = ["NOPE/1.1"]
    write(tmp_path, broken)
    result = runner.invoke(args=["standards", "import", str(tmp_path)])
    assert result.exit_code == 1
    assert "nothing was changed" in result.output
    assert _count(app, Standard) == 0


def test_a_database_refusal_rolls_back_every_file(app, runner, tmp_path):
    """Two valid files, the second refused at import (frozen version changed): none lands."""
    runner.invoke(args=["standards", "import", str(LAO_BRICKLAYING)])
    changed = load()
    changed["units"][0]["title"]["en"] = "Work safely (changed)"
    write(tmp_path, changed)
    write(tmp_path, load(SHIPPED / "la" / "LA-CON-PLS-L1-v1.yaml"))
    result = runner.invoke(args=["standards", "import", str(tmp_path)])
    assert result.exit_code == 1
    assert "frozen" in result.output and "Add version 2" in result.output
    assert _count(app, Standard) == 1  # the plastering standard was not imported either


def test_import_export_reimport_changes_nothing(app, runner, tmp_path):
    assert runner.invoke(args=["standards", "import", str(SHIPPED)]).exit_code == 0
    out = tmp_path / "export"
    result = runner.invoke(args=["standards", "export", "-o", str(out)])
    assert result.exit_code == 0, result.output
    from skills_cert.standards.document import canonical
    from skills_cert.standards.versions import read_standard_files

    exported, problems = read_standard_files(out)
    assert problems == []
    originals = {(d["code"], d["version"]): d for _, d in read_standard_files(SHIPPED)[0]}
    for _, document in exported:
        assert canonical(document) == canonical(originals[(document["code"], document["version"])])
    again = runner.invoke(args=["standards", "import", str(out)])
    assert again.exit_code == 0 and "nothing changed" in again.output


def test_new_version_is_added_and_the_old_one_superseded(app, runner, tmp_path):
    runner.invoke(args=["standards", "import", str(LAO_BRICKLAYING)])
    v2 = load()
    v2["version"] = 2
    v2["guideline"]["version"] = 2
    v2["units"][0]["title"]["en"] = "Apply workplace safety and health (revised)"
    write(tmp_path, v2)
    result = runner.invoke(args=["standards", "import", str(tmp_path)])
    assert result.exit_code == 0, result.output
    from skills_cert.extensions import db
    from skills_cert.standards.versions import find_standard

    with app.app_context():
        v1 = find_standard(db.session, "LA-CON-BRL-L1", 1)
        assert v1.status is StandardStatus.SUPERSEDED
        assert v1.units[0].title["en"] == "Apply workplace safety and health"  # untouched
        assert find_standard(db.session, "LA-CON-BRL-L1", 2).status is StandardStatus.ENDORSED
    # Re-importing the original v1 file (still saying "endorsed") changes nothing.
    again = runner.invoke(args=["standards", "import", str(LAO_BRICKLAYING)])
    assert again.exit_code == 0 and "kept superseded" in again.output


def test_endorsed_version_cannot_go_back_to_draft(runner, tmp_path):
    runner.invoke(args=["standards", "import", str(LAO_BRICKLAYING)])
    document = load()
    document["status"] = "draft"
    write(tmp_path, document)
    result = runner.invoke(args=["standards", "import", str(tmp_path)])
    assert result.exit_code == 1 and "cannot go back to draft" in result.output


def test_a_draft_file_can_be_reimported_with_changes(app, runner, tmp_path):
    document = load()
    document["status"] = "draft"
    write(tmp_path, document)
    assert runner.invoke(args=["standards", "import", str(tmp_path)]).exit_code == 0
    document["units"][0]["title"]["en"] = "Work safely on site"
    write(tmp_path, document)
    result = runner.invoke(args=["standards", "import", str(tmp_path)])
    assert result.exit_code == 0 and "updated draft: LA-CON-BRL-L1 v1" in result.output
    from skills_cert.extensions import db
    from skills_cert.standards.versions import find_standard

    with app.app_context():
        assert find_standard(db.session, "LA-CON-BRL-L1", 1).units[0].title["en"] == "Work safely on site"


def test_a_version_endorsed_before_appeals_and_rpl_gains_them_once(app, runner, tmp_path):
    """A database that imported the bricklaying standard before the guideline had an appeal period
    and RPL rules takes them from the file once; then they are frozen like the rest, and a
    changed unit beside them is still refused."""
    from skills_cert.extensions import db

    older = load()
    rpl, appeal_days = older["guideline"].pop("rpl"), older["guideline"].pop("appeal_days")
    (tmp_path / "old").mkdir()
    write(tmp_path / "old", older)
    assert runner.invoke(args=["standards", "import", str(tmp_path / "old")]).exit_code == 0

    result = runner.invoke(args=["standards", "import", str(LAO_BRICKLAYING)])
    assert result.exit_code == 0, result.output
    assert "LA-CON-BRL-L1 v1 (guideline: appeal_days, rpl added)" in result.output
    with app.app_context():
        guideline = db.session.scalar(sa.select(Standard)).guideline
        assert (guideline.appeal_days, guideline.rpl) == (appeal_days, rpl)
    assert "nothing changed" in runner.invoke(args=["standards", "import", str(LAO_BRICKLAYING)]).output

    changed_rules = load()
    changed_rules["guideline"]["rpl"]["credit"][0]["min_evidence"] += 1
    (tmp_path / "rules").mkdir()
    write(tmp_path / "rules", changed_rules)
    result = runner.invoke(args=["standards", "import", str(tmp_path / "rules")])
    assert result.exit_code == 1 and "frozen" in result.output


def test_added_guideline_parts_do_not_carry_other_changes_in(app, runner, tmp_path):
    older = load()
    del older["guideline"]["rpl"], older["guideline"]["appeal_days"]
    (tmp_path / "old").mkdir()
    write(tmp_path / "old", older)
    assert runner.invoke(args=["standards", "import", str(tmp_path / "old")]).exit_code == 0
    changed = load()
    changed["units"][0]["title"]["en"] = "Work safely (changed)"
    (tmp_path / "new").mkdir()
    write(tmp_path / "new", changed)
    result = runner.invoke(args=["standards", "import", str(tmp_path / "new")])
    assert result.exit_code == 1 and "frozen" in result.output
