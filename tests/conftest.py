"""Fixtures: the app on SQLite and on a throwaway PostgreSQL server, clients, users, a browser."""

from __future__ import annotations

import glob
import os
import shutil
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa
from helpers import ARTIFACTS, WebClient, make_user
from pytest_postgresql import factories
from werkzeug.serving import make_server

IN_CI = os.environ.get("CI") == "true"
SUPPORT = Path(__file__).parent / "support"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def _find_pg_ctl() -> str | None:
    found = shutil.which("pg_ctl")
    if found:
        return found
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    return candidates[-1] if candidates else None


PG_CTL = _find_pg_ctl()
PG_MISSING = (
    "PostgreSQL server binaries (initdb, pg_ctl) were not found, so every PostgreSQL test is "
    "SKIPPED. Install them (Debian: `apt-get install postgresql`) to run the whole suite."
)
if PG_CTL:
    os.environ["SKILLS_CERT_REAL_PG_CTL"] = PG_CTL


def pytest_configure(config):
    """A character no PDF font can draw fails the test that draws it (production logs a warning)."""
    from skills_cert.pdf import fonts

    fonts.raise_on_missing_glyph(True)

postgresql_proc = factories.postgresql_proc(executable=str(SUPPORT / "pg_ctl"), port=None)


def pytest_report_header(config):
    lines = [f"PostgreSQL: {PG_CTL or 'NOT FOUND'}", f"Chromium: {CHROMIUM if os.path.exists(CHROMIUM) else 'NOT FOUND'}"]
    return lines


def pytest_terminal_summary(terminalreporter):
    if not PG_CTL:
        terminalreporter.write_sep("!", PG_MISSING, red=True, bold=True)


def _require(available: bool, message: str) -> None:
    if available:
        return
    if IN_CI:
        pytest.fail(f"required under CI=true: {message}", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request, tmp_path_factory):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'test.sqlite3'}"
    _require(PG_CTL is not None, PG_MISSING)
    proc = request.getfixturevalue("postgresql_proc")
    import psycopg

    with psycopg.connect(
        host=proc.host, port=proc.port, user=proc.user, dbname="postgres", autocommit=True
    ) as conn:
        conn.execute("DROP DATABASE IF EXISTS skills_cert_test")
        conn.execute("CREATE DATABASE skills_cert_test ENCODING 'UTF8' TEMPLATE template0")
    return f"postgresql+psycopg://{proc.user}@{proc.host}:{proc.port}/skills_cert_test"


@pytest.fixture(scope="session")
def _migrated_app(database_url, tmp_path_factory):
    """One app per database backend, its schema built by the Alembic migrations."""
    from flask_migrate import upgrade

    from skills_cert import create_app

    instance = tmp_path_factory.mktemp("instance")
    os.environ["SKILLS_CERT_INSTANCE"] = str(instance)
    app = create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": database_url,
                      "SIGNING_KEY_DIR": str(instance / "keys"),
                      "PUBLIC_BASE_URL": "https://verify.sdi.gov.la"})
    with app.app_context():
        upgrade()
    yield app
    with app.app_context():
        from skills_cert.extensions import db

        db.engine.dispose()


@pytest.fixture()
def app(_migrated_app):
    """The app with an empty database; every table is emptied after the test.

    No app context stays pushed during the test: each request must get its own, as in
    production. Tests that touch the database open one with `app.app_context()`.
    """
    from skills_cert.extensions import db, limiter

    yield _migrated_app
    limiter.reset()
    with _migrated_app.app_context():
        db.session.remove()
        with db.engine.begin() as conn:
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(table.delete())


@pytest.fixture()
def db(app):
    """The database, inside an app context, for tests that make NO requests.

    Requests made while this context is pushed would share it (and `g`, and the logged-in user)
    across clients; web tests open `app.app_context()` around their database checks instead.
    """
    from skills_cert.extensions import db as _db

    with app.app_context():
        yield _db


@pytest.fixture()
def client(app):
    return WebClient(app.test_client())


@pytest.fixture()
def runner(app):
    return app.test_cli_runner()


@pytest.fixture()
def users(app):
    """One active user per role, each with password "correct horse 1"."""
    from skills_cert.roles import Role

    return {role: make_user(app, role) for role in Role}


@pytest.fixture()
def live_server(app):
    """The app served over HTTP on a free loopback port, for the browser."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    _require(os.path.exists(CHROMIUM), "Debian's chromium is not installed (apt-get install chromium)")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


def count_rows(db, model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))
