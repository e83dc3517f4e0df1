import datetime as dt
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from skills_cert.devtools import demo
from skills_cert.errors import ServiceError
from skills_cert.extensions import db

demo_cli = AppGroup("demo", help="Demonstration data.")


@demo_cli.command("seed")
@click.option("--certificates", "count", type=click.IntRange(1, 5_000_000), required=True,
              help="How many certified candidates to add.")
def seed(count: int):
    """Add COUNT candidates, each with an approved assessment and a signed, genuine certificate.

    Additive: every run adds more, committed in chunks of 5,000 (an interrupted run keeps whole
    chunks). Never in production: demo data must not enter a real registry."""
    if current_app.config["ENV_NAME"] == "production":
        click.echo("error: `flask demo seed` does not run with SKILLS_CERT_ENV=production", err=True)
        raise SystemExit(1)

    def progress(done: int, total: int) -> None:
        if done % 100_000 == 0 or done == total:
            click.echo(f"  {done:,} / {total:,}", err=True)

    try:
        report = demo.seed(db.session, count, key_dir=Path(current_app.config["SIGNING_KEY_DIR"]),
                           standards_dir=Path(current_app.config["STANDARDS_DIR"]), today=dt.date.today(),
                           min_password_length=current_app.config["PASSWORD_MIN_LENGTH"], progress=progress,
                           commit=db.session.commit)
    except ServiceError as exc:
        db.session.rollback()
        click.echo(f"error: {exc}", err=True)
        raise SystemExit(1)
    db.session.commit()
    click.echo(f"added {report.candidates:,} candidates in {report.sessions:,} test sessions and "
               f"{report.certificates:,} certificates ({report.first_number} to {report.last_number}) "
               f"in {report.seconds} s")
