from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from skills_cert import backup as service
from skills_cert.extensions import db


def _evidence_dir() -> Path:
    """The RPL evidence files, backed up and restored with the database."""
    return Path(current_app.config["EVIDENCE_DIR"])


backup_cli = AppGroup("backup", help="Back up the whole database, or restore a backup.")


@backup_cli.command("create")
@click.argument("path", required=False, type=click.Path(dir_okay=False, path_type=Path))
def create(path: Path | None):
    """Write a consistent backup (default: instance/backups/skills_cert-<UTC time>.*) and its
    manifest. SQLite uses the online backup API; PostgreSQL uses pg_dump --format=custom."""
    engine = db.engine
    target = path or service.default_path(Path(current_app.instance_path) / "backups", engine.dialect.name)
    try:
        manifest = service.create(engine, target, _evidence_dir())
    except service.BackupError as exc:
        click.echo(f"error: {exc}", err=True)
        raise SystemExit(1)
    rows = sum(manifest.counts.values())
    click.echo(f"backup written: {manifest.path} ({rows} rows in {len(manifest.counts)} tables, "
               f"schema {manifest.revision}); manifest: {service.manifest_path(manifest.path)}")
    click.echo(f"evidence files: {len(manifest.files['entries'])} in {service.files_path(manifest.path)}")
    click.echo("The signing keys are not in the database: back up SIGNING_KEY_DIR separately, encrypted.")


@backup_cli.command("restore")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def restore(path: Path, yes: bool):
    """Replace the database's whole content with a backup, after checking it against its manifest.
    Stop the application servers first."""
    if not yes:
        click.confirm(f"Replace everything in the database with {path}?", abort=True)
    db.session.remove()
    try:
        counts = service.restore(db.engine, path, _evidence_dir())
    except service.BackupError as exc:
        click.echo(f"error: {exc}", err=True)
        raise SystemExit(1)
    click.echo(f"restored {path}: {sum(counts.values())} rows in {len(counts)} tables match the manifest.")
    click.echo("Run `flask db upgrade` if the backup is from an older version, then `flask audit verify`.")
