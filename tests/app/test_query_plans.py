"""Lookups on the hot path use an index, on SQLite and on PostgreSQL, checked with EXPLAIN on the
very statements the code sends (captured with a cursor event while the real code runs).

PostgreSQL: the registry is seeded with 2,000 certificates and ANALYZEd, and the plans are asked
of the planner as it is, with sequential scans allowed. `SET enable_seqscan = off` would only prove
that some index *could* serve the query; with real statistics the test shows the planner *chooses*
it. (On a near-empty table the planner rightly prefers a sequential scan, hence the rows.)
SQLite's planner does not weigh table sizes without ANALYZE, so its plans are the same at any size.
"""

import datetime as dt
import random
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa

from skills_cert.assessment.models import Candidate
from skills_cert.certification.issuing import find_by_number_and_birth, token_of
from skills_cert.certification.models import Certificate
from skills_cert.devtools import demo
from skills_cert.extensions import db

ROWS = 2000


@contextmanager
def captured(engine):
    statements = []

    def listen(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append((statement, parameters))

    sa.event.listen(engine, "before_cursor_execute", listen)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", listen)


def _plan(statement: str, parameters) -> str:
    with db.engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
            return "\n".join(row[-1] for row in rows)
        return "\n".join(row[0] for row in conn.exec_driver_sql("EXPLAIN " + statement, parameters))


def _uses_index_on_certificates(plan: str) -> bool:
    """Every access to the certificates table in *plan* goes through an index: SQLite's
    "SEARCH certificates USING ... INDEX", PostgreSQL's "Index (Only) Scan ... on certificates"
    or a bitmap heap scan fed by an index."""
    access = [line for line in plan.splitlines()
              if "SCAN certificates" in line or "SEARCH certificates" in line or " on certificates" in line]
    if not access:
        return False
    return all(not ("SCAN certificates" in line or "Seq Scan" in line)
               and ("SEARCH certificates USING" in line or "Index" in line or "Bitmap Heap Scan" in line)
               for line in access)


def _lookup_plans(statements) -> list[str]:
    """Plans of the captured statements that read the certificates table by a WHERE clause."""
    mine = [(s, p) for s, p in statements if "FROM certificates" in s and "WHERE" in s]
    assert mine, "no lookup of the certificates table was captured"
    return [_plan(s, p) for s, p in mine]


@pytest.fixture()
def registry(app):
    with app.app_context():
        demo.seed(db.session, ROWS, key_dir=Path(app.config["SIGNING_KEY_DIR"]),
                  standards_dir=Path(app.config["STANDARDS_DIR"]), today=dt.date.today(),
                  rng=random.Random(7))
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect() as conn:
                conn.execute(sa.text("ANALYZE"))
                conn.commit()
        certificate = db.session.scalar(sa.select(Certificate).order_by(Certificate.id).offset(ROWS // 2).limit(1))
        birth = db.session.get(Candidate, certificate.candidate_id).date_of_birth
        return {"token": token_of(certificate), "download": certificate.download_token,
                "number": certificate.number, "birth": birth}


def test_verification_finds_the_certificate_by_public_id_with_an_index(app, client, registry):
    with captured(db_engine(app)) as statements:
        assert "Genuine" in client.get("/v/" + registry["token"], headers={"Accept-Language": "en"}).text
    with app.app_context():
        plans = _lookup_plans(statements)
    assert any("public_id" in s for s, _ in statements)
    assert all(_uses_index_on_certificates(plan) for plan in plans), plans


def test_the_api_verification_uses_the_same_index(app, client, registry):
    with captured(db_engine(app)) as statements:
        assert client.get("/api/v1/verify/" + registry["token"]).json["verdict"] == "genuine"
    with app.app_context():
        plans = _lookup_plans(statements)
    assert all(_uses_index_on_certificates(plan) for plan in plans), plans


def test_lookup_by_number_and_date_of_birth_uses_an_index(app, registry):
    with app.app_context():
        with captured(db.engine) as statements:
            assert find_by_number_and_birth(db.session, registry["number"], registry["birth"]) is not None
        plans = _lookup_plans(statements)
    assert all(_uses_index_on_certificates(plan) for plan in plans), plans


def test_the_holders_download_link_finds_the_certificate_with_an_index(app, client, registry):
    with captured(db_engine(app)) as statements:
        assert client.get("/d/" + registry["download"]).status_code == 200
    with app.app_context():
        plans = _lookup_plans(statements)
    assert any("download_token" in s for s, _ in statements)
    assert all(_uses_index_on_certificates(plan) for plan in plans), plans


def test_the_check_itself_tells_a_scan_from_a_search(app, registry):
    """The plan reader is not vacuous: a lookup by an unindexed column is reported as a scan."""
    with app.app_context():
        stmt = sa.select(Certificate.id).where(Certificate.name_latin == "Nobody Here")
        compiled = stmt.compile(db.engine)
        params = compiled.params
        if db.engine.dialect.name == "sqlite":
            params = tuple(params[name] for name in compiled.positiontup)
        assert not _uses_index_on_certificates(_plan(str(compiled), params))


def db_engine(app):
    with app.app_context():
        return db.engine
