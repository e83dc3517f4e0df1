"""Crash safety: a subprocess doing a bulk import, a run of approvals or a whole-session approval is
killed with SIGKILL at random points, again and again; after every kill the database is consistent:
the import is whole or absent, no certificate lacks its approved assessment, every approved
assessment has exactly one certificate, numbers are unique, the audit chain holds, and a rerun
finishes the rest."""

from __future__ import annotations

import csv
import datetime as dt
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import sqlalchemy as sa
from assessment_fixtures import build

from skills_cert.assessment.models import Assessment, AssessmentStatus, Candidate, ItemResult, Pathway, Sex
from skills_cert.certification.models import Certificate

WORKER = Path(__file__).parents[1] / "support" / "crash_worker.py"
ROWS = 200
KILLS = 4


def _spawn(app, *args, marker: Path | None = None) -> subprocess.Popen:
    env = {**os.environ, "SKILLS_CERT_INSTANCE": str(Path(app.config["SIGNING_KEY_DIR"]).parent),
           "CRASH_MARKER": str(marker or Path(app.config["SIGNING_KEY_DIR"]).parent / "started")}
    return subprocess.Popen([sys.executable, str(WORKER), args[0], app.config["SQLALCHEMY_DATABASE_URI"],
                             app.config["SIGNING_KEY_DIR"], *map(str, args[1:])],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)


def _kill_at_random(app, rng: random.Random, work_seconds: float, *args) -> str:
    """Start the worker and, once it has started working, SIGKILL it after a random part of
    *work_seconds*; 'killed' or 'finished'."""
    marker = Path(app.config["SIGNING_KEY_DIR"]).parent / f"started-{rng.random()}"
    process = _spawn(app, *args, marker=marker)
    deadline = time.monotonic() + 60
    while not marker.exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(rng.uniform(0, work_seconds))
    if process.poll() is None:
        process.send_signal(signal.SIGKILL)
        process.wait()
        return "killed"
    out, err = process.communicate()
    assert process.returncode == 0, err.decode()[-2000:]
    return "finished"


def _kill_after_commits(app, commits: int, extra: float, *args) -> str:
    """Start the worker and SIGKILL it after it reports *commits* committed transactions (plus a
    random instant, so the kill lands anywhere in the next one); 'killed' or 'finished'."""
    process = _spawn(app, *args)
    seen = 0
    for line in process.stdout:
        seen += line.startswith(b"committed")
        if seen >= commits:
            break
    time.sleep(extra)
    if process.poll() is None:
        process.send_signal(signal.SIGKILL)
        process.wait()
        return "killed"
    _out, err = process.communicate()
    assert process.returncode == 0, err.decode()[-2000:]
    return "finished"


def _consistent(app, items_per_row: int) -> dict:
    from skills_cert.audit.log import verify_chain
    from skills_cert.extensions import db

    with app.app_context():
        session = db.session
        if session.get_bind().dialect.name == "sqlite":
            assert session.execute(sa.text("PRAGMA integrity_check")).scalar() == "ok"
        _count, problems = verify_chain(session)
        assert problems == []
        results = session.scalar(sa.select(sa.func.count()).select_from(ItemResult))
        imported = session.scalar(sa.select(sa.func.count()).select_from(Assessment).where(
            Assessment.status != AssessmentStatus.DRAFT))
        assert results in (0, ROWS * items_per_row)  # the import is whole or absent
        numbers = session.scalars(sa.select(Certificate.number)).all()
        assert len(numbers) == len(set(numbers))
        orphans = session.scalar(sa.select(sa.func.count()).select_from(Certificate).join(
            Assessment, Certificate.assessment_id == Assessment.id).where(
            Assessment.status != AssessmentStatus.APPROVED))
        assert orphans == 0
        approved_without = session.scalar(sa.select(sa.func.count()).select_from(Assessment).where(
            Assessment.status == AssessmentStatus.APPROVED,
            ~sa.exists().where(Certificate.assessment_id == Assessment.id)))
        assert approved_without == 0  # every approved assessment here is competent: it has its certificate
        return {"results": results, "imported": imported, "certificates": len(numbers)}


def test_kill_during_import_and_approvals_leaves_a_consistent_database(app, tmp_path):
    from skills_cert.assessment.bulk_import import write_template
    from skills_cert.assessment.models import TestSession
    from skills_cert.extensions import db

    setup = build(app)
    with app.app_context():
        db.session.execute(sa.insert(Candidate), [{
            "name_lao": "ສົມສັກ", "name_latin": f"Somsak {i}", "sex": Sex.MALE,
            "date_of_birth": dt.date(1990, 1, 1), "nationality": "LA", "id_type": "national_id",
            "id_number": f"{800000000 + i}", "pathway": Pathway.REGULAR, "search_name": f"somsak {i}",
            "created_by_id": setup.admin.id, "has_photo": False} for i in range(ROWS)])
        db.session.commit()
        header = next(csv.reader([write_template(db.session, db.session.get(TestSession, setup.session_id))
                                  .splitlines()[0]]))
    items = len(header) - 5
    path = tmp_path / "results.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([header] + [
            [str(setup.session_id), "LA-CON-BRL-L1 v1", "national_id", f"{800000000 + i}", "80"] + ["S"] * items
            for i in range(ROWS)])

    rng = random.Random(20261122)
    outcomes = []
    state = _consistent(app, items)
    for _ in range(KILLS):  # imports killed part-way: nothing or everything
        outcomes.append(_kill_at_random(app, rng, 1.0, "import", path, setup.assessor.username))
        state = _consistent(app, items)
        if state["results"]:
            break
    if not state["results"]:
        process = _spawn(app, "import", path, setup.assessor.username)
        assert process.wait(timeout=240) == 0, process.stderr.read().decode()[-2000:]
        state = _consistent(app, items)
    assert state["results"] == ROWS * items
    for _ in range(KILLS):  # then approvals and issuance, killed part-way, resumed by the next run
        outcomes.append(_kill_after_commits(app, rng.randint(1, ROWS // (KILLS + 1)), rng.uniform(0, 0.02),
                                            "approve", setup.officer.id))
        state = _consistent(app, items)
    process = _spawn(app, "approve", setup.officer.id)  # finish the rest
    assert process.wait(timeout=240) == 0, process.stderr.read().decode()[-2000:]
    state = _consistent(app, items)
    assert state["certificates"] == ROWS
    assert outcomes.count("killed") >= 3, outcomes
    print(f"crash safety: {len(outcomes)} runs, {outcomes.count('killed')} killed, final {state}")


def _session_consistent(app) -> dict:
    """After a kill during whole-session approval: every approved result has exactly one complete
    certificate, nothing else has one, the runs' positions are sane, the audit chain holds."""
    from skills_cert.assessment.models import ModerationFlag, ModerationStatus
    from skills_cert.audit.log import verify_chain
    from skills_cert.certification.models import SessionApproval
    from skills_cert.extensions import db

    with app.app_context():
        session = db.session
        assert verify_chain(session)[1] == []
        per_assessment = dict(session.execute(sa.select(Certificate.assessment_id, sa.func.count()).group_by(
            Certificate.assessment_id)).all())
        approved = set(session.scalars(sa.select(Assessment.id).where(Assessment.status == AssessmentStatus.APPROVED)))
        assert set(per_assessment) == approved and set(per_assessment.values()) <= {1}
        assert session.scalar(sa.select(sa.func.count()).select_from(Certificate).where(
            sa.or_(Certificate.signature.is_(None), Certificate.payload.is_(None)))) == 0
        numbers = session.scalars(sa.select(Certificate.number)).all()
        assert len(numbers) == len(set(numbers))
        flagged = set(session.scalars(sa.select(ModerationFlag.assessment_id).where(
            ModerationFlag.status == ModerationStatus.OPEN)))
        assert not flagged & approved  # a flagged, unreviewed result is never approved
        runs = session.scalars(sa.select(SessionApproval)).all()
        assert sum(run.finished_at is None for run in runs) <= 1
        for run in runs:
            assert 0 <= run.position <= len(run.queue)
            assert run.certificates + len(run.skipped) == run.position  # counted with its batch
        return {"approved": len(approved), "flagged": len(flagged), "runs": len(runs)}


def test_kill_during_whole_session_approval_leaves_a_consistent_database(app, monkeypatch):
    from skills_cert.accounts.models import User
    from skills_cert.assessment.bulk_import import import_results, write_template
    from skills_cert.assessment.models import TestSession
    from skills_cert.extensions import db

    setup = build(app)
    monkeypatch.setitem(app.config, "MODERATION_SAMPLE_PERCENT", 10.0)  # some results are drawn
    monkeypatch.setenv("CRASH_BATCH", "20")  # the worker's batches: ten for the session
    with app.app_context():
        db.session.execute(sa.insert(Candidate), [{
            "name_lao": "ສົມສັກ", "name_latin": f"Somsak {i}", "sex": Sex.MALE,
            "date_of_birth": dt.date(1990, 1, 1), "nationality": "LA", "id_type": "national_id",
            "id_number": f"{800000000 + i}", "pathway": Pathway.REGULAR, "search_name": f"somsak {i}",
            "created_by_id": setup.admin.id, "has_photo": False} for i in range(ROWS)])
        db.session.commit()
        header = next(csv.reader([write_template(db.session, db.session.get(TestSession, setup.session_id))
                                  .splitlines()[0]]))
        lines = [",".join(header)] + [",".join([str(setup.session_id), "LA-CON-BRL-L1 v1", "national_id",
                                                f"{800000000 + i}", "80"] + ["S"] * (len(header) - 5))
                                      for i in range(ROWS)]
        result = import_results(db.session, "\n".join(lines).encode(), actor=db.session.get(User, setup.assessor.id),
                                today=dt.date.today())
        assert result.ok and result.imported == ROWS, result.errors
        db.session.commit()
    state = _session_consistent(app)
    assert 0 < state["flagged"] < ROWS // 3
    rng = random.Random(20261205)
    outcomes = []
    for _ in range(KILLS):  # killed part-way through a batch, again and again
        outcomes.append(_kill_after_commits(app, 2, rng.uniform(0, 0.05),  # the run's, then a batch
                                            "approve-session", setup.officer.id, setup.session_id))
        state = _session_consistent(app)
    process = _spawn(app, "approve-session", setup.officer.id, setup.session_id)  # the rerun finishes the rest
    assert process.wait(timeout=240) == 0, process.stderr.read().decode()[-2000:]
    state = _session_consistent(app)
    assert state["approved"] == ROWS - state["flagged"] and state["runs"] == 1
    assert outcomes.count("killed") >= 3, outcomes
    print(f"whole-session crash safety: {len(outcomes)} runs, {outcomes.count('killed')} killed, final {state}")
