"""`flask backup create|restore`: a whole-database round trip on SQLite and PostgreSQL, after which
every certificate still verifies."""

import datetime as dt
import json

import sqlalchemy as sa
from certificate_fixtures import issued

from skills_cert.audit.models import AuditEntry
from skills_cert.certification.models import Certificate, VerificationEvent
from skills_cert.extensions import db


def _tokens(app):
    from skills_cert.certification.issuing import token_of

    with app.app_context():
        return {c.number: token_of(c) for c in db.session.scalars(sa.select(Certificate))}


def test_round_trip_keeps_every_certificate_genuine(app, runner, tmp_path):
    from skills_cert.certification.verification import verify_token

    issued(app)
    tokens = _tokens(app)
    assert len(tokens) == 2
    target = tmp_path / "backups" / "whole.bin"
    result = runner.invoke(args=["backup", "create", str(target)])
    assert result.exit_code == 0, result.output
    assert "backup written" in result.output and "SIGNING_KEY_DIR" in result.output
    assert oct(target.stat().st_mode & 0o777) == "0o600"
    manifest = json.loads(target.with_name(target.name + ".json").read_text())
    assert manifest["counts"]["certificates"] == 2 and manifest["revision"]

    with app.app_context():  # lose data after the backup
        db.session.execute(sa.delete(VerificationEvent))
        db.session.execute(sa.update(Certificate).values(superseded_by_id=None, reissue_of_id=None))
        db.session.execute(sa.delete(Certificate))
        db.session.commit()
    result = runner.invoke(args=["backup", "restore", str(target), "--yes"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Certificate)) == 2
        for number, token in tokens.items():
            verdict = verify_token(db.session, token, today=dt.date.today())
            assert verdict.outcome == "genuine", number
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0


def test_a_changed_backup_is_refused_before_anything_is_touched(app, runner, tmp_path):
    issued(app)
    target = tmp_path / "b.bin"
    assert runner.invoke(args=["backup", "create", str(target)]).exit_code == 0
    with target.open("ab") as handle:
        handle.write(b"tampered")
    result = runner.invoke(args=["backup", "restore", str(target), "--yes"])
    assert result.exit_code == 1 and "does not match its manifest" in result.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) > 0


def test_restore_needs_the_manifest_and_an_existing_file(app, runner, tmp_path):
    result = runner.invoke(args=["backup", "restore", str(tmp_path / "none.bin"), "--yes"])
    assert result.exit_code == 1 and "does not exist" in result.output
    stray = tmp_path / "stray.bin"
    stray.write_bytes(b"x")
    result = runner.invoke(args=["backup", "restore", str(stray), "--yes"])
    assert result.exit_code == 1 and "manifest" in result.output


def test_create_refuses_to_overwrite(app, runner, tmp_path):
    target = tmp_path / "exists.bin"
    target.write_bytes(b"keep me")
    result = runner.invoke(args=["backup", "create", str(target)])
    assert result.exit_code == 1 and "exists already" in result.output
    assert target.read_bytes() == b"keep me"


def test_evidence_files_are_in_the_backup_and_come_back_checked(app, runner, tmp_path):
    """RPL evidence files live outside the database: the backup archives them beside it, lists
    each with its SHA-256, and the restore refuses a changed archive before touching anything."""
    from pathlib import Path

    from assessment_fixtures import build
    from rpl_fixtures import add_accepted_reference

    from skills_cert.assessment.rpl_models import EvidenceFile

    setup = build(app)
    add_accepted_reference(app, setup.assessment_ids[0], setup.assessor.id)
    folder = Path(app.config["EVIDENCE_DIR"])
    with app.app_context():
        stored = {row.stored_name: row.sha256 for row in db.session.scalars(sa.select(EvidenceFile))}
    target = tmp_path / "with-files.bin"
    result = runner.invoke(args=["backup", "create", str(target)])
    assert result.exit_code == 0, result.output
    assert "evidence files:" in result.output
    archive = target.with_name(target.name + ".files.tar")
    manifest = json.loads(target.with_name(target.name + ".json").read_text())
    assert set(stored.items()) <= set(manifest["files"]["entries"].items())
    assert oct(archive.stat().st_mode & 0o777) == "0o600"

    name = next(iter(stored))
    (folder / name).unlink()  # lose the file, and its row, after the backup
    with app.app_context():
        db.session.execute(sa.delete(EvidenceFile))
        db.session.commit()
    result = runner.invoke(args=["backup", "restore", str(target), "--yes"])
    assert result.exit_code == 0, result.output
    import hashlib

    with app.app_context():
        rows = db.session.scalars(sa.select(EvidenceFile)).all()
        assert {r.stored_name: r.sha256 for r in rows} == stored
        for row in rows:
            assert hashlib.sha256((folder / row.stored_name).read_bytes()).hexdigest() == row.sha256
    assert oct((folder / name).stat().st_mode & 0o777) == "0o600"

    with archive.open("ab") as handle:  # a changed archive is refused before anything is touched
        handle.write(b"tampered")
    (folder / name).unlink()
    result = runner.invoke(args=["backup", "restore", str(target), "--yes"])
    assert result.exit_code == 1 and "files.tar does not match its manifest" in result.output
    assert not (folder / name).exists()
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) > 0
