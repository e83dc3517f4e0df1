import datetime as dt
from pathlib import Path

import click
from flask.cli import AppGroup

from skills_cert.accounts.users import find_user
from skills_cert.assessment import bulk_import
from skills_cert.extensions import db

assessments_cli = AppGroup("assessments", help="Import assessment results.")


@assessments_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--assessor", required=True, help="Username of the assessor who recorded the results.")
@click.option("--good-only", is_flag=True, help="Import the good rows even if some rows are bad.")
def import_(file: Path, assessor: str, good_only: bool):
    """Import a session's results from a CSV made from the session's template."""
    user = find_user(db.session, assessor)
    if user is None or not user.is_active:
        click.echo(f"error: no active user named {assessor!r}", err=True)
        raise SystemExit(1)
    result = bulk_import.import_results(db.session, file.read_bytes(), actor=user,
                                        today=dt.date.today(), good_rows_only=good_only)
    for error in result.errors:
        click.echo(f"error: {file.name}: line {error.line}: {error.message}", err=True)
    if result.imported:
        db.session.commit()
    else:
        db.session.rollback()
    if result.errors and not good_only:
        click.echo(f"{len(result.errors)} problem(s) in {result.rows} row(s); nothing was imported.", err=True)
        raise SystemExit(1)
    click.echo(f"imported {result.imported} of {result.rows} row(s)")
    if result.errors:
        raise SystemExit(1)


@assessments_cli.command("moderation-draws")
def moderation_draws():
    """Draw every submission's moderation sample again from the seed in its audit entry, and say
    whether each gives what was recorded (assessment/moderation.py)."""
    from skills_cert.assessment.moderation import rederive

    found = rederive(db.session)
    for entry_id in found.mismatches:
        click.echo(f"error: audit entry {entry_id}: its seed does not give the recorded draw", err=True)
    click.echo(f"{found.checked} submission(s) drawn again from their seeds; "
               f"{len(found.mismatches)} do not match")
    if found.mismatches:
        raise SystemExit(1)
