import click
from flask.cli import AppGroup

from skills_cert.audit.log import verify_chain
from skills_cert.extensions import db

audit_cli = AppGroup("audit", help="Check the audit trail.")


@audit_cli.command("verify")
def verify():
    """Recompute the hash chain of the audit log; exit 1 if any entry was edited or removed."""
    count, problems = verify_chain(db.session)
    for problem in problems:
        click.echo(f"error: audit entry {problem.entry_id}: {problem.message}", err=True)
    if problems:
        click.echo(f"{len(problems)} problem(s) in {count} entries: the audit log was tampered with.", err=True)
        raise SystemExit(1)
    click.echo(f"audit log intact: {count} entries verified")
