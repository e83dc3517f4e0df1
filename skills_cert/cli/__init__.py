"""`flask` command groups, registered in one place. Each wraps the same services the web pages use.

Features keep their own groups (`accounts/cli.py`, `assessment/cli.py`, ...). The groups here span
features: `standards` reads and writes the whole data folder (standards and MRS agreements),
`backup` the whole database, `translate` every catalogue. `flask demo` comes from devtools through
the `flask.commands` entry point, so the running app never imports it.
"""

from flask import Flask


def register_commands(app: Flask) -> None:
    from skills_cert.accounts.cli import users_cli
    from skills_cert.assessment.cli import assessments_cli
    from skills_cert.audit.cli import audit_cli
    from skills_cert.certification.cli import certificates_cli, keys_cli
    from skills_cert.cli.backup import backup_cli
    from skills_cert.cli.standards import standards_cli
    from skills_cert.cli.translate import translate_cli
    from skills_cert.statistics.cli import statistics_cli

    for group in (users_cli, standards_cli, assessments_cli, keys_cli, certificates_cli, audit_cli, backup_cli,
                  translate_cli, statistics_cli):
        app.cli.add_command(group)
