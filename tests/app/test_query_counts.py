"""No N+1 queries on the list pages: the number of SQL statements a page sends does not grow
with the number of rows it shows (3 rows against 30, the page size)."""

import datetime as dt
import random
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from helpers import make_user

from skills_cert.assessment.models import Assessment, AssessmentStatus
from skills_cert.devtools import demo
from skills_cert.extensions import db
from skills_cert.roles import Role
from skills_cert.standards.models import Standard


@contextmanager
def counted(app):
    with app.app_context():
        engine = db.engine
    statements = []

    def listen(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    sa.event.listen(engine, "before_cursor_execute", listen)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", listen)


def _seed(app, count: int, monkeypatch) -> None:
    """*count* more candidates, each in a test session of their own, with a certificate; as many
    assessments again awaiting approval; and *count* more standards."""
    monkeypatch.setattr(demo, "SESSION_SIZE", 1)
    with app.app_context():
        demo.seed(db.session, count, key_dir=Path(app.config["SIGNING_KEY_DIR"]),
                  standards_dir=Path(app.config["STANDARDS_DIR"]), today=dt.date.today(),
                  rng=random.Random(count))
        # Make *count* more assessments await approval, and copy a standard *count* times.
        pending = db.session.scalars(sa.select(Assessment).where(
            Assessment.status == AssessmentStatus.APPROVED).order_by(Assessment.id.desc()).limit(count)).all()
        for assessment in pending:
            assessment.status = AssessmentStatus.SUBMITTED
        model = db.session.scalar(sa.select(Standard).order_by(Standard.id).limit(1))
        columns = {c.key: getattr(model, c.key) for c in sa.inspect(Standard).column_attrs if c.key != "id"}
        start = db.session.scalar(sa.select(sa.func.count(Standard.id)))
        db.session.execute(sa.insert(Standard.__table__), [
            {**columns, "code": f"LA-TST-Q{start + i:03d}-L1"} for i in range(count)])
        db.session.commit()


PAGES = {
    "/certificates/": Role.CERTIFYING_OFFICER,
    "/candidates/": Role.ADMINISTRATOR,
    "/sessions/": Role.ADMINISTRATOR,
    "/standards/": Role.STANDARDS_OFFICER,
    "/approvals/": Role.CERTIFYING_OFFICER,
}


def _statements(app, client, url: str, rows: int) -> list[str]:
    with counted(app) as statements:
        page = client.get(url, headers={"Accept-Language": "en"})
    assert page.status_code == 200, (url, page.status_code)
    assert page.text.count("<tr") > min(rows, 25), "the page does not list the rows it should"
    return statements


def test_list_pages_send_the_same_number_of_statements_for_3_and_30_rows(app, client, monkeypatch):
    clients = {role: make_user(app, role) for role in set(PAGES.values())}
    _seed(app, 3, monkeypatch)
    few = {}
    for url, role in PAGES.items():
        client.login(clients[role].username)
        few[url] = _statements(app, client, url, 3)
        client.logout()
    _seed(app, 27, monkeypatch)
    many = {}
    for url, role in PAGES.items():
        client.login(clients[role].username)
        many[url] = _statements(app, client, url, 30)
        client.logout()
    grown = {url: (len(few[url]), len(many[url])) for url in PAGES if len(many[url]) != len(few[url])}
    assert not grown, grown


