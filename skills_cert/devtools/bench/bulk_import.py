"""Bulk import: rows per second through `flask assessments import`, against a bare executemany.

For each size, a fresh registry gets that many candidates enrolled in sessions of 100 (draft
assessments, as after enrolment), and the CSV the assessors would fill in from the session
templates (about one candidate in ten with an item not yet satisfactory). A copy of the database
is taken before the import.

- Measured: `flask assessments import FILE --assessor NAME`, invoked in this process through
  Flask's CLI runner (the interpreter's start-up is left out on both sides): reading and checking
  every row, the decisions, the writes, the commit.
- Floor: on the copy, SQLAlchemy Core `executemany` of exactly the rows the import wrote (read back
  from the imported database before the clock starts): the item results inserted, the assessments
  updated, the audit entries inserted, and one commit. No parsing, no checking, no decisions.
"""

from __future__ import annotations

import random
import shutil
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

from skills_cert.devtools.bench.workload import ASSESSOR, Workload

GOAL_RATIO = 0.3
PER_SESSION = 100
UPDATED = ("knowledge_percent", "practical_points", "status", "outcome", "achieved_units", "reasons",
           "recorded_by_id", "submitted_at", "updated_at", "return_reason", "version")


def _import(workload: Workload, csv_path: Path) -> float:
    runner = workload.app.test_cli_runner()
    started = time.perf_counter()
    result = runner.invoke(args=["assessments", "import", str(csv_path), "--assessor", ASSESSOR])
    seconds = time.perf_counter() - started
    if result.exit_code != 0:
        raise RuntimeError(f"flask assessments import failed: {result.output[-2000:]}")
    return seconds


def _written(database: Path, assessment_ids: list[int], audit_after: int) -> dict[str, list[dict]]:
    """The rows the import wrote, read back from its database."""
    metadata = sa.MetaData()
    engine = sa.create_engine(f"sqlite:///{database}")
    with engine.connect() as connection:
        items, assessments, audit = (sa.Table(name, metadata, autoload_with=connection)
                                     for name in ("item_results", "assessments", "audit_log"))
        low, high = min(assessment_ids), max(assessment_ids)
        written = {
            "item_results": [dict(r._mapping) for r in connection.execute(
                sa.select(items).where(items.c.assessment_id.between(low, high)).order_by(items.c.id))],
            "assessments": [dict(r._mapping) for r in connection.execute(
                sa.select(assessments.c.id.label("b_id"), *(assessments.c[c] for c in UPDATED))
                .where(assessments.c.id.between(low, high)).order_by(assessments.c.id))],
            "audit_log": [dict(r._mapping) for r in connection.execute(
                sa.select(audit).where(audit.c.id > audit_after).order_by(audit.c.id))],
        }
    engine.dispose()
    return written


def _floor(database: Path, written: dict[str, list[dict]]) -> float:
    """The same rows, written with Core executemany in one transaction."""
    metadata = sa.MetaData()
    engine = sa.create_engine(f"sqlite:///{database}")
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA journal_mode=WAL")
        connection.exec_driver_sql("PRAGMA synchronous=FULL")
        items, assessments, audit = (sa.Table(name, metadata, autoload_with=connection)
                                     for name in ("item_results", "assessments", "audit_log"))
        update = assessments.update().where(assessments.c.id == sa.bindparam("b_id")).values(
            {c: sa.bindparam(c) for c in UPDATED})
        connection.commit()
        started = time.perf_counter()
        connection.execute(sa.insert(items), written["item_results"])
        connection.execute(update, written["assessments"])
        connection.execute(sa.insert(audit), written["audit_log"])
        connection.commit()
        seconds = time.perf_counter() - started
    engine.dispose()
    return seconds


def measure(rows: int, folder: Path, seed: int = 1) -> dict:
    rng = random.Random(seed)
    workload = Workload(folder)
    session_ids = workload.add_sessions(rows, PER_SESSION, rng)
    csv_path = folder / "results.csv"
    csv_path.write_bytes(workload.results_csv(session_ids, rng))
    before = workload.copy(folder / "before")
    with sa.create_engine(f"sqlite:///{before}").connect() as connection:
        audit_after = connection.exec_driver_sql("SELECT coalesce(max(id), 0) FROM audit_log").scalar()
        assessment_ids = [r[0] for r in connection.exec_driver_sql(
            "SELECT id FROM assessments ORDER BY id")]
    seconds = _import(workload, csv_path)
    after = workload.copy(folder / "after")
    written = _written(after, assessment_ids, audit_after)
    if len(written["assessments"]) != rows or any(r["status"] != "submitted" for r in written["assessments"]):
        raise RuntimeError("the import did not submit every row")
    floor = _floor(before, written)
    return {"rows": rows, "seconds": round(seconds, 2), "rows_per_second": round(rows / seconds),
            "floor_seconds": round(floor, 2), "floor_rows_per_second": round(rows / floor),
            "item_results": len(written["item_results"]), "audit_entries": len(written["audit_log"]),
            "csv_bytes": csv_path.stat().st_size}


def run(sizes=(10_000, 100_000)) -> list[dict]:
    rows = []
    for size in sizes:
        folder = Path(tempfile.mkdtemp(prefix="skills-cert-import-bench-"))
        try:
            found = measure(size, folder)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        ratio = round(found["rows_per_second"] / found["floor_rows_per_second"], 2)
        rows.append({
            "name": f"bulk import, {size:,} rows", "figure": f"{found['rows_per_second']} rows/s",
            "floor": f"{found['floor_rows_per_second']} rows/s", "ratio": ratio, "goal": f"ratio >= {GOAL_RATIO}",
            "meets_goal": ratio >= GOAL_RATIO,
            "detail": (f"{found['seconds']} s against {found['floor_seconds']} s for Core executemany of the "
                       f"same {found['item_results']} item results, {size} assessment updates and "
                       f"{found['audit_entries']} audit entries; CSV {found['csv_bytes'] // 1024} KB; SQLite"),
            **found})
    return rows
