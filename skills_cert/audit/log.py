"""The append-only audit trail, hash-chained so that editing or deleting a row is detectable.

Each entry's hash is SHA-256 over the previous entry's hash and the entry's own canonical JSON.
`verify_chain` recomputes the chain; `flask audit verify` runs it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from types import SimpleNamespace

import sqlalchemy as sa
import sqlalchemy.orm as so

from skills_cert.audit.models import AuditEntry
from skills_cert.columns import utcnow

GENESIS = "0" * 64
_LOCK_KEY = 0x5C_A0D17  # PostgreSQL advisory lock serialising appends to the chain


def _plain(value):
    """JSON-safe copy: what is stored is exactly what was hashed."""
    return json.loads(json.dumps(value, default=str, ensure_ascii=False))


def entry_hash(prev_hash: str, entry: AuditEntry | SimpleNamespace) -> str:
    payload = {
        "at": entry.at.isoformat(),
        "actor": entry.actor_id,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "changes": entry.changes,
    }
    body = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(prev_hash.encode("ascii") + body.encode("utf-8")).hexdigest()


def record(session: so.Session, *, actor, action: str, object_type: str, object_id,
           changes: dict | None = None) -> AuditEntry:
    """Append one entry. Call it in the same transaction as the change it describes."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})
    prev = session.scalar(sa.select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1))
    entry = AuditEntry(
        at=utcnow(),
        actor_id=getattr(actor, "id", None),
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        changes=_plain(changes or {}),
        prev_hash=prev or GENESIS,
    )
    entry.hash = entry_hash(entry.prev_hash, entry)
    session.add(entry)
    session.flush()
    return entry


def record_many(session: so.Session, *, actor, action: str, object_type: str,
                entries: list[tuple[object, dict]]) -> None:
    """Append many entries at once (bulk import): one lock, one read, one batched insert."""
    if not entries:
        return
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})
    prev = session.scalar(sa.select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)) or GENESIS
    rows = []
    actor_id = getattr(actor, "id", None)
    for object_id, changes in entries:  # plain rows, not ORM objects: there may be 100,000
        row = {"at": utcnow(), "actor_id": actor_id, "action": action, "object_type": object_type,
               "object_id": str(object_id), "changes": _plain(changes or {}), "prev_hash": prev}
        row["hash"] = prev = entry_hash(prev, SimpleNamespace(**row))
        rows.append(row)
    session.execute(sa.insert(AuditEntry.__table__), rows)


@dataclass(frozen=True)
class ChainProblem:
    entry_id: int
    message: str


def verify_chain(session: so.Session) -> tuple[int, list[ChainProblem]]:
    """Recompute the chain. Returns the number of entries read and what is wrong."""
    problems: list[ChainProblem] = []
    expected_prev = GENESIS
    count = 0
    rows = session.execute(sa.select(AuditEntry).order_by(AuditEntry.id).execution_options(yield_per=1000))
    for entry in rows.scalars():
        count += 1
        if entry.prev_hash != expected_prev:
            problems.append(ChainProblem(entry.id, "does not follow the entry before it "
                                         "(an entry was removed or inserted)"))
        if entry_hash(entry.prev_hash, entry) != entry.hash:
            problems.append(ChainProblem(entry.id, "its content does not match its hash "
                                         "(the entry was edited)"))
        expected_prev = entry.hash
    return count, problems


def trail_for(session: so.Session, object_type: str, object_id) -> list[AuditEntry]:
    return list(session.scalars(sa.select(AuditEntry).where(
        AuditEntry.object_type == object_type, AuditEntry.object_id == str(object_id))
        .order_by(AuditEntry.id)))
