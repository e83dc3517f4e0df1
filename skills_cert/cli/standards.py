from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from skills_cert.extensions import db
from skills_cert.services import standards as service
from skills_cert.standards_data.document import document_of
from skills_cert.standards_data.files import dump_yaml

standards_cli = AppGroup("standards", help="Validate, import and export competency standards.")


def _path(path: str | None) -> Path:
    return Path(path) if path else Path(current_app.config["STANDARDS_DIR"])


def _read(path: Path):
    documents, problems = service.read_standard_files(path, base=path if path.is_dir() else None)
    if not documents and not problems:
        click.echo(f"error: no standard files (*.yaml) at {path}", err=True)
        raise SystemExit(1)
    for problem in problems:
        click.echo(f"error: {problem}", err=True)
    if problems:
        click.echo(f"{len(problems)} problem(s); nothing was changed.", err=True)
        raise SystemExit(1)
    return documents


@standards_cli.command("validate")
@click.argument("path", required=False)
def validate(path):
    """Check standard files (default: STANDARDS_DIR) against the schema and each other."""
    documents = _read(_path(path))
    click.echo(f"{len(documents)} standard file(s) are valid.")


@standards_cli.command("import")
@click.argument("path", required=False)
def import_(path):
    """Import standard files in one transaction; a file with an error imports nothing."""
    documents = _read(_path(path))
    try:
        report = service.import_documents(db.session, documents)
    except service.ImportRefused as exc:
        db.session.rollback()
        for problem in exc.problems:
            click.echo(f"error: {problem}", err=True)
        click.echo(f"{len(exc.problems)} problem(s); nothing was imported.", err=True)
        raise SystemExit(1)
    db.session.commit()
    for label, names in (("created", report.created), ("updated draft", report.updated),
                         ("status changed", report.status_changed), ("unchanged", report.unchanged)):
        for name in names:
            click.echo(f"{label}: {name}")
    click.echo("standards imported" if report.changed else "standards up to date; nothing changed")


@standards_cli.command("export")
@click.option("--code", help="Only this standard code.")
@click.option("--version", "version", type=int, help="Only this version (with --code).")
@click.option("-o", "--output", "output", type=click.Path(file_okay=False), required=True,
              help="Folder to write <country>/<code>-v<version>.yaml files into.")
def export(code, version, output):
    """Write standards from the database back to files in the import format."""
    import sqlalchemy as sa

    from skills_cert.models import Standard

    stmt = sa.select(Standard).order_by(Standard.code, Standard.version)
    if code:
        stmt = stmt.where(Standard.code == code)
    if version:
        stmt = stmt.where(Standard.version == version)
    count = 0
    for standard in db.session.scalars(stmt):
        target = Path(output) / standard.country.lower() / export_filename(standard)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(dump_yaml(document_of(standard)), encoding="utf-8")
        click.echo(f"wrote {target}")
        count += 1
    if not count:
        click.echo("error: no standard matches", err=True)
        raise SystemExit(1)


def export_filename(standard) -> str:
    return f"{standard.code}-v{standard.version}.yaml"
