"""`flask` command groups. Each wraps the same services the web pages use."""

from flask import Flask


def register_commands(app: Flask) -> None:
    from skills_cert.cli.assessments import assessments_cli
    from skills_cert.cli.audit import audit_cli
    from skills_cert.cli.backup import backup_cli
    from skills_cert.cli.demo import demo_cli
    from skills_cert.cli.keys import keys_cli
    from skills_cert.cli.standards import standards_cli
    from skills_cert.cli.statistics import statistics_cli
    from skills_cert.cli.translate import translate_cli
    from skills_cert.cli.users import users_cli

    for group in (users_cli, standards_cli, assessments_cli, keys_cli, audit_cli, backup_cli, translate_cli,
                  demo_cli, statistics_cli):
        app.cli.add_command(group)
