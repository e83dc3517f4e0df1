from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from skills_cert.extensions import db
from skills_cert.recognition import data_files
from skills_cert.standards import versions as service
from skills_cert.standards.document import document_of
from skills_cert.standards.files import dump_yaml

standards_cli = AppGroup("standards", help="Validate, import and export competency standards.")


def _path(path: str | None) -> Path:
    return Path(path) if path else Path(current_app.config["STANDARDS_DIR"])


def _read(path: Path, session=None) -> data_files.DataFiles:
    files = data_files.read_data_files(path, base=path if path.is_dir() else None, session=session)
    if not files.standards and not files.agreements and not files.problems:
        click.echo(f"error: no standard or agreement files (*.yaml) at {path}", err=True)
        raise SystemExit(1)
    _refuse(files.problems, "nothing was changed")
    return files


def _refuse(problems, outcome: str) -> None:
    for problem in problems:
        click.echo(f"error: {problem}", err=True)
    if problems:
        click.echo(f"{len(problems)} problem(s); {outcome}.", err=True)
        raise SystemExit(1)


def _database_session():
    """The session, if the database has been migrated (validate also works without one)."""
    import sqlalchemy as sa

    return db.session if sa.inspect(db.engine).has_table("mrs_agreements") else None


@standards_cli.command("validate")
@click.argument("path", required=False)
def validate(path):
    """Check standard and MRS agreement files (default: STANDARDS_DIR) against their schemas,
    each other and the database."""
    files = _read(_path(path), _database_session())
    click.echo(f"{len(files.standards)} standard file(s) and {len(files.agreements)} agreement file(s) are valid.")


@standards_cli.command("import")
@click.argument("path", required=False)
def import_(path):
    """Import standard and agreement files in one transaction; a file with an error imports nothing."""
    from skills_cert.recognition import agreements

    files = _read(_path(path), db.session)
    try:
        report = service.import_documents(db.session, files.standards)
        mrs_report = agreements.import_agreements(db.session, files.agreements)
    except service.ImportRefused as exc:
        db.session.rollback()
        _refuse(exc.problems, "nothing was imported")
    db.session.commit()
    for kind, result in (("", report), ("agreement ", mrs_report)):
        for label, names in (("created", result.created), ("updated draft", result.updated),
                             ("status changed", result.status_changed), ("unchanged", result.unchanged)):
            for name in names:
                click.echo(f"{label}: {kind}{name}")
    changed = report.changed or mrs_report.changed
    click.echo("standards imported" if changed else "standards up to date; nothing changed")


@standards_cli.command("export")
@click.option("--code", help="Only this standard or agreement code.")
@click.option("--version", "version", type=int, help="Only this version (with --code).")
@click.option("-o", "--output", "output", type=click.Path(file_okay=False), required=True,
              help="Folder to write <country>/<code>-v<version>.yaml and mrs/<code>-v<version>.yaml into.")
def export(code, version, output):
    """Write standards and MRS agreements from the database back to files in the import format."""
    import sqlalchemy as sa

    from skills_cert.recognition.agreement_files import document_of as agreement_document
    from skills_cert.recognition.models import Agreement
    from skills_cert.standards.models import Standard

    count = 0
    for model, folder, to_document in ((Standard, lambda s: s.country.lower(), document_of),
                                       (Agreement, lambda a: "mrs", agreement_document)):
        stmt = sa.select(model).order_by(model.code, model.version)
        if code:
            stmt = stmt.where(model.code == code)
        if version:
            stmt = stmt.where(model.version == version)
        for row in db.session.scalars(stmt):
            target = Path(output) / folder(row) / export_filename(row)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(dump_yaml(to_document(row)), encoding="utf-8")
            click.echo(f"wrote {target}")
            count += 1
    if not count:
        click.echo("error: no standard or agreement matches", err=True)
        raise SystemExit(1)


def export_filename(row) -> str:
    return f"{row.code}-v{row.version}.yaml"
