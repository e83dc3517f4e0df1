"""Engine settings per database: SQLite gets WAL, a busy timeout and enforced foreign keys.

Every commit is durable (synchronous=FULL on SQLite, PostgreSQL's default synchronous_commit),
except where `relax_durability` says otherwise for one transaction.
"""

from __future__ import annotations

import datetime as dt
import json

import sqlalchemy as sa
import sqlalchemy.orm as so

_RELAXED = "skills_cert.relaxed_sync"


def contains(column, text: str):
    """`column LIKE '%text%'`, with LIKE's own wildcards in *text* matched literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return column.like(f"%{escaped}%", escape="\\")


def configure_engine(engine: sa.Engine) -> None:
    if engine.dialect.name != "sqlite":
        return

    @sa.event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()

    @sa.event.listens_for(engine, "checkin")
    def _restore_durability(dbapi_connection, record):
        if record is not None and record.info.pop(_RELAXED, False):
            dbapi_connection.execute("PRAGMA synchronous=FULL")


def relax_durability(session: so.Session) -> None:
    """Let the current transaction's commit return before it reaches the disk.

    Only for rows whose loss after a power cut or an operating-system crash is acceptable: the
    verification log, written on every public verification, where an fsync per request would cost
    more than the rest of the request together. The database stays consistent either way, and an
    application crash loses nothing: PostgreSQL still writes the commit (synchronous_commit off for
    this transaction only, at most about three wal_writer_delay of commits are at risk), and SQLite
    in WAL mode with synchronous=NORMAL has it in the WAL (reset to FULL when the connection goes
    back to the pool). Call it before the transaction's first write.
    """
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("SET LOCAL synchronous_commit TO OFF")
    elif connection.dialect.name == "sqlite" and not connection.connection.dbapi_connection.in_transaction:
        # SQLite refuses to change it once the transaction has written; it then stays durable.
        connection.exec_driver_sql("PRAGMA synchronous=NORMAL")
        connection.connection.info[_RELAXED] = True


class Statement:
    """One SQL statement of a hot public path, sent as it is written on the connection of the
    session's transaction: for a lookup by key, SQLAlchemy's work per statement (building,
    compiling from its cache, processing the result) costs several times what the database takes.
    While anything watches the engine's statements (a cursor event listener, `echo`), it goes
    through `exec_driver_sql`, so that they see it; otherwise straight to the driver's cursor
    (about 0.13 ms less per verification).

    Written with `?` placeholders; only placeholders are ever filled in. Values come back as the
    driver gives them: dates, datetimes and JSON as text from SQLite, as Python values from
    psycopg (`as_date`, `as_datetime` and `as_json` read both); datetimes go in through `db_utc`.
    """

    def __init__(self, sql: str):
        self.sql = {"sqlite": sql, "postgresql": sql.replace("?", "%s")}

    def run(self, session: so.Session, params: tuple = ()):
        """A cursor (or result) with the rows, for `fetchone` and `fetchall`."""
        connection = session.connection()
        sql = self.sql[connection.dialect.name]
        if (connection.dispatch.before_cursor_execute or connection.dispatch.after_cursor_execute
                or connection.engine.echo):
            return connection.exec_driver_sql(sql, params)
        cursor = connection.connection.dbapi_connection.cursor()
        cursor.execute(sql, params)
        return cursor


def as_date(value) -> dt.date | None:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def as_datetime(value) -> dt.datetime | None:
    """A stored UTC datetime (naive in the database), aware."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value.replace(tzinfo=dt.UTC) if value is not None else None


def as_json(value):
    return json.loads(value) if isinstance(value, str) else value


def db_utc(session: so.Session, value: dt.datetime):
    """An aware datetime as `columns.UTCDateTime` stores it: naive UTC, and on SQLite the text
    SQLAlchemy writes (always with microseconds, so that stored values compare as text)."""
    naive = value.astimezone(dt.UTC).replace(tzinfo=None)
    if session.get_bind().dialect.name == "sqlite":
        return naive.strftime("%Y-%m-%d %H:%M:%S.%f")
    return naive
