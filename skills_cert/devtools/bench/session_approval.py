"""Whole-session approval against one-by-one approval: N results of a test session approved and
issued in one action (`certification/session_approval.py`: batches of BATCH, each committed
whole), against the same N approved one at a time as the approval page does (the batch
benchmark's `_approve_all`: one request, one transaction each). Both sessions come in through the
same CSV import, every candidate competent; the floor is the one-by-one run, measured in the same
run (the two interleaved in two rounds of N/2, so that a change in the machine's load falls on both),
and the goal is whole-session time <= 0.5x it.
"""

from __future__ import annotations

import random
import shutil
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

from skills_cert.devtools.bench.batch import _approve_all
from skills_cert.devtools.bench.workload import ASSESSOR, OFFICER, Workload

GOAL = 0.5


def _seen(workload: Workload, session_id: int) -> list[tuple[int, int]]:
    """What the session page shows the officer (its form sends it back), before the timing."""
    from skills_cert.accounts.models import User
    from skills_cert.assessment.models import TestSession
    from skills_cert.certification import session_approval
    from skills_cert.extensions import db

    with workload.app.app_context():
        found = session_approval.overview(db.session, db.session.get(TestSession, session_id),
                                          db.session.get(User, workload.user_ids[OFFICER]))
        return [(a.id, a.version) for a in found.ready]


def _approve_session(workload: Workload, session_id: int, seen: list[tuple[int, int]]) -> tuple[int, int]:
    """Approve the whole session as the session page's action does; (certificates, skipped)."""
    from skills_cert.accounts.models import User
    from skills_cert.assessment.models import TestSession
    from skills_cert.certification import session_approval
    from skills_cert.extensions import db

    with workload.app.app_context():
        officer = db.session.get(User, workload.user_ids[OFFICER])  # as the request loads its user
        test_session = db.session.get(TestSession, session_id)
        run = session_approval.start(db.session, test_session, seen, actor=officer)
        db.session.commit()
        run = session_approval.proceed(db.session, run, actor=officer, today=workload.today,
                                       key_dir=Path(workload.app.config["SIGNING_KEY_DIR"]),
                                       allow_key_generation=True, commit=db.session.commit)
        found = run.certificates, len(run.skipped)
        db.session.remove()
        return found


def _certificates(workload: Workload, session_id: int) -> int:
    from skills_cert.assessment.models import Assessment
    from skills_cert.certification.models import Certificate
    from skills_cert.extensions import db

    with workload.app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(Certificate).join(
            Assessment, Certificate.assessment_id == Assessment.id).where(Assessment.session_id == session_id))


def measure(count: int, folder: Path, seed: int = 2, rounds: int = 2) -> dict:
    """Both ways over *count* results each, interleaved in *rounds* (sessions of count/rounds),
    so that a change in the machine's load falls on both alike."""
    rng = random.Random(seed)
    workload = Workload(folder)
    size = max(count // rounds, 1)
    warm = workload.add_sessions(5, 5, rng)[0]
    pairs = [(workload.add_sessions(size, size, rng)[0], workload.add_sessions(size, size, rng)[0])
             for _ in range(rounds)]
    (folder / "results.csv").write_bytes(workload.results_csv([warm, *(s for pair in pairs for s in pair)], rng,
                                                              fail_share=0.0))
    result = workload.app.test_cli_runner().invoke(
        args=["assessments", "import", str(folder / "results.csv"), "--assessor", ASSESSOR])
    if result.exit_code != 0:
        raise RuntimeError(f"the results did not import: {result.output[-2000:]}")
    _approve_all(workload, warm)  # the signing key made and the rules cached before any timing
    floor = seconds = 0.0
    issued_singly = issued = skipped = 0
    for one_by_one, whole in pairs:
        started = time.perf_counter()
        issued_singly += _approve_all(workload, one_by_one)
        floor += time.perf_counter() - started
        seen = _seen(workload, whole)
        started = time.perf_counter()
        found = _approve_session(workload, whole, seen)
        seconds += time.perf_counter() - started
        issued, skipped = issued + found[0], skipped + found[1]
    total = size * rounds
    if issued_singly != total or issued != total or skipped or \
            sum(_certificates(workload, whole) for _one, whole in pairs) != total:
        raise RuntimeError(f"{issued_singly} and {issued} certificates issued for {total} candidates each, "
                           f"{skipped} skipped")
    return {"count": total, "seconds": round(seconds, 4), "floor_seconds": round(floor, 4),
            "time_ratio": round(seconds / floor, 2)}


def run(count: int = 500) -> dict:
    folder = Path(tempfile.mkdtemp(prefix="skills-cert-session-bench-"))
    try:
        found = measure(count, folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    from skills_cert.certification.session_approval import BATCH

    return {"name": f"whole-session approval, {count} results", "figure": f"{found['seconds']:.2f} s",
            "floor": f"{found['floor_seconds']:.2f} s", "ratio": found["time_ratio"], "goal": f"ratio <= {GOAL}",
            "meets_goal": found["time_ratio"] <= GOAL,
            "detail": (f"one action, batches of {BATCH} committed whole; floor: as many approved one by one, "
                       "one transaction each (the batch benchmark's approvals); interleaved in two rounds"),
            **found}


if __name__ == "__main__":
    import json
    import sys

    print(json.dumps(run(int(sys.argv[1]) if len(sys.argv) > 1 else 500)))
