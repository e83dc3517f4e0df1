import os

import click
from flask import current_app
from flask.cli import AppGroup

from skills_cert.accounts import users as user_service
from skills_cert.errors import NotAllowed, ValidationFailed
from skills_cert.extensions import db
from skills_cert.roles import Role

users_cli = AppGroup("users", help="Manage staff accounts.")

ROLE_CHOICE = click.Choice([role.value for role in Role])


def _fail(exc: Exception) -> None:
    db.session.rollback()
    if isinstance(exc, ValidationFailed):
        for field, messages in exc.reasons.items():
            for message in messages:
                click.echo(f"error: {field or 'input'}: {message}", err=True)
    else:
        click.echo(f"error: {exc}", err=True)
    raise SystemExit(1)


def _named(username: str):
    user = user_service.find_user(db.session, username)
    if user is None:
        click.echo(f"error: no user named {username!r}", err=True)
        raise SystemExit(1)
    return user


@users_cli.command("create")
@click.option("--username", required=True, help="Login name: lower-case letters, digits, . _ -")
@click.option("--name", "full_name", required=True, help="The person's full name.")
@click.option("--role", required=True, type=ROLE_CHOICE)
@click.option("--email", default=None)
@click.option(
    "--password",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    help="Prompted for when not given.",
)
def create(username, full_name, role, email, password):
    """Create a staff account."""
    data = user_service.NewUser(
        username=username, full_name=full_name, role=Role(role), password=password, email=email
    )
    try:
        user = user_service.create_user(
            db.session, data, min_password_length=current_app.config["PASSWORD_MIN_LENGTH"]
        )
    except ValidationFailed as exc:
        _fail(exc)
    db.session.commit()
    click.echo(f"created {user.username} ({user.role.value})")


@users_cli.command("list")
def list_users():
    """List staff accounts."""
    for user in db.session.scalars(user_service.users_select()):
        state = "active" if user.is_active else "inactive"
        click.echo(f"{user.username}\t{user.role.value}\t{state}\t{user.full_name}")


@users_cli.command("deactivate")
@click.argument("username")
def deactivate(username):
    """Deactivate an account; its sessions end at once."""
    user = _named(username)
    try:
        # The CLI runs with the server's authority, not as a user: act as "nobody".
        user_service.set_active(db.session, user, False, actor=_SystemActor())
    except NotAllowed as exc:
        _fail(exc)
    db.session.commit()
    click.echo(f"deactivated {user.username}")


@users_cli.command("unlock")
@click.argument("username")
def unlock(username):
    """Clear an account's failed log-ins and lock (an administrator locked out, say)."""
    user = _named(username)
    failures = user.failed_login_count
    user_service.unlock(db.session, user, actor=_SystemActor())
    db.session.commit()
    click.echo(f"unlocked {user.username} ({failures} failed log-in(s) cleared)")


@users_cli.command("ensure-admin")
def ensure_admin():
    """Create the first administrator if none is active (used by `make run`).

    The password comes from SKILLS_CERT_ADMIN_PASSWORD, or is generated and printed once.
    """
    try:
        user, created, generated = user_service.ensure_administrator(
            db.session,
            password=os.environ.get("SKILLS_CERT_ADMIN_PASSWORD"),
            min_password_length=current_app.config["PASSWORD_MIN_LENGTH"],
        )
    except ValidationFailed as exc:
        _fail(exc)
    db.session.commit()
    if generated:
        click.echo("=" * 64)
        click.echo(f"Created administrator {user.username!r} with password: {generated}")
        click.echo("It is shown only this once. Log in and change it.")
        click.echo("=" * 64)
    elif created:
        click.echo(f"created administrator {user.username!r} with SKILLS_CERT_ADMIN_PASSWORD")
    else:
        click.echo(f"administrator {user.username!r} is active")


class _SystemActor:
    id = None
