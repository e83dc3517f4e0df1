import datetime as dt

import click
from flask.cli import AppGroup

from skills_cert.extensions import db
from skills_cert.statistics import snapshot as statistics_snapshot

statistics_cli = AppGroup("statistics", help="The statistics dashboard's snapshot.")


@statistics_cli.command("refresh")
def refresh():
    """Rebuild the statistics snapshot from the registry as it is now (run it from cron: the
    dashboard then never waits for a rebuild)."""
    snapshot = statistics_snapshot.refresh(db.session, dt.date.today())
    db.session.commit()
    click.echo(f"statistics snapshot built for {snapshot.built_for.isoformat()}: "
               f"{snapshot.cells} cells in {snapshot.seconds:.1f} s")
