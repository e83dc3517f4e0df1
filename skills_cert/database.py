"""Engine settings per database: SQLite gets WAL, a busy timeout and enforced foreign keys.

Every commit is durable (synchronous=FULL on SQLite, PostgreSQL's default synchronous_commit),
except where `relax_durability` says otherwise for one transaction.
"""

from __future__ import annotations

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
