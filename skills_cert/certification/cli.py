import datetime as dt
import json
from pathlib import Path

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import AppGroup

from skills_cert.certification import keys as service
from skills_cert.certification import signing
from skills_cert.certification.models import SigningKey
from skills_cert.errors import InvalidState
from skills_cert.extensions import db
from skills_cert.standards.models import Authority

keys_cli = AppGroup("keys", help="Issuing authorities' signing keys.")


def _key_dir() -> Path:
    return Path(current_app.config["SIGNING_KEY_DIR"])


@keys_cli.command("rotate")
@click.option("--authority", "authorities", multiple=True,
              help="Authority code (repeatable). Default: every authority in the database.")
def rotate(authorities):
    """Start a new key; the old one is retired but stays published for old certificates."""
    codes = authorities or db.session.scalars(sa.select(Authority.code).order_by(Authority.code)).all()
    if not codes:
        click.echo("error: no issuing authority yet; run `flask standards import` first", err=True)
        raise SystemExit(1)
    for code in codes:
        row = service.rotate(db.session, code, _key_dir(), today=dt.date.today())
        click.echo(f"{code}: new key {row.key_id}")
    db.session.commit()


@keys_cli.command("list")
def list_keys():
    """List the published keys with their validity and status."""
    for row in db.session.scalars(sa.select(SigningKey).order_by(SigningKey.authority_code, SigningKey.id)):
        until = row.valid_until.isoformat() if row.valid_until else "-"
        click.echo(f"{row.key_id}\t{row.authority_code}\t{row.status}\t{row.valid_from.isoformat()}\t{until}")


@keys_cli.command("compromise")
@click.argument("key_id")
def compromise(key_id):
    """Mark a key compromised: certificates signed with it are then reported as such."""
    try:
        service.mark_compromised(db.session, key_id, today=dt.date.today())
    except InvalidState as exc:
        click.echo(f"error: {exc}", err=True)
        raise SystemExit(1)
    db.session.commit()
    click.echo(f"key {key_id} marked compromised; issue a new one with `flask keys rotate`")


@keys_cli.command("export")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
def export(output: Path):
    """Write the published key set as JSON, for `python -m skills_cert.certification.offline`."""
    data = signing.keyset_to_json(service.published_keys(db.session).values())
    output.write_text(json.dumps(data, indent=2), encoding="utf-8")
    click.echo(f"wrote {len(data['keys'])} key(s) to {output}")
