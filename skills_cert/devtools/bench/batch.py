"""Batch issuance: a test session of N candidates approved, issued and downloaded as one ZIP.

The session's results come in through the CSV import (every candidate competent). Then, timed:
the certifying officer approves each assessment, which issues and signs its certificate (one
transaction each, as the approval page does), and the session's ZIP is downloaded through its
route, streamed to a file; the first download also signs each certificate's Open Badges
credential. The ZIP is opened afterwards: one PDF and one credential per certificate.

- Floor: the same N certificates rendered one by one with `render_certificate` from views built
  beforehand, each sealed by pyHanko with a seal key of the same kind, and N credentials of the
  same shape signed with pyld and Ed25519 (the libraries' work alone: no database, no token
  signing, no ZIP).
- Memory: the peak of Python allocations (tracemalloc) while the ZIP of a session of N streams,
  against the same for a session of N/5, both downloaded once before (their credentials made).
  Streamed, the two peaks are about the same.
"""

from __future__ import annotations

import gc
import random
import shutil
import tempfile
import time
import tracemalloc
import zipfile
from pathlib import Path

import sqlalchemy as sa

from skills_cert.devtools.bench.workload import ASSESSOR, OFFICER, Workload

GOAL_TIME = 1.5  # total / N single renders
GOAL_MEMORY = 1.25  # peak while streaming N / peak while streaming N/5


def _session_assessments(workload: Workload, session_id: int) -> list[tuple[int, int]]:
    from skills_cert.assessment.models import Assessment
    from skills_cert.extensions import db

    with workload.app.app_context():
        return [tuple(row) for row in db.session.execute(
            sa.select(Assessment.id, Assessment.version).where(Assessment.session_id == session_id)
            .order_by(Assessment.id))]


def _approve_all(workload: Workload, session_id: int) -> int:
    """Approve and issue every assessment of the session, one committed transaction each."""
    from skills_cert.accounts.models import User
    from skills_cert.assessment.models import Assessment
    from skills_cert.certification import issuing as certificates
    from skills_cert.extensions import db

    issued = 0
    with workload.app.app_context():
        for assessment_id, version in _session_assessments(workload, session_id):
            officer = db.session.get(User, workload.user_ids[OFFICER])  # as each request loads its user
            assessment = db.session.get(Assessment, assessment_id)
            found = certificates.approve_and_issue(
                db.session, assessment, actor=officer, expected_version=version, today=workload.today,
                key_dir=Path(workload.app.config["SIGNING_KEY_DIR"]), allow_key_generation=True)
            db.session.commit()
            db.session.remove()  # and ends with its session
            issued += found is not None
    return issued


def _download(workload: Workload, session_id: int, target: Path, *, trace: bool = False) -> tuple[int, int]:
    """Stream the session's ZIP to *target*; (bytes, peak traced bytes or 0)."""
    client = workload.app.test_client()
    with client.session_transaction() as cookie:
        cookie["_user_id"] = _login_id(workload)
        cookie["_fresh"] = True
    gc.collect()
    if trace:
        from skills_cert.pdf import qr

        qr.encode.cache_clear()  # the bounded QR cache fills during the run, as in production
        tracemalloc.start()
    try:
        response = client.get(f"/sessions/{session_id}/certificates.zip", buffered=False)
        if response.status_code != 200:
            raise RuntimeError(f"the session ZIP answered {response.status_code}")
        size = 0
        with target.open("wb") as out:
            for chunk in response.response:
                out.write(chunk)
                size += len(chunk)
        response.close()
        peak = tracemalloc.get_traced_memory()[1] if trace else 0
    finally:
        if trace:
            tracemalloc.stop()
    return size, peak


def _login_id(workload: Workload) -> str:
    from skills_cert.accounts.models import User
    from skills_cert.extensions import db

    with workload.app.app_context():
        return db.session.get(User, workload.user_ids[OFFICER]).get_id()


def _views(workload: Workload, session_id: int) -> list:
    from skills_cert.assessment.models import Assessment
    from skills_cert.certification.documents import certificate_view
    from skills_cert.certification.models import Certificate
    from skills_cert.extensions import db

    with workload.app.app_context():
        certificates = db.session.scalars(sa.select(Certificate).join(
            Assessment, Certificate.assessment_id == Assessment.id).where(Assessment.session_id == session_id)
            .order_by(Certificate.number)).all()
        return [certificate_view(c, workload.app.config["PUBLIC_BASE_URL"]) for c in certificates]


def _single_renders(views: list, folder: Path) -> float:
    import datetime as dt

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from skills_cert.certification.certificate_pdf import render_certificate
    from skills_cert.certification.credentials import proofs
    from skills_cert.devtools.bench.credentials import sample_documents
    from skills_cert.devtools.bench.pdf import sealer
    from skills_cert.pdf import qr

    seal = sealer(folder / "floor-keys")
    key, now = Ed25519PrivateKey.generate(), dt.datetime.now(dt.timezone.utc)
    credentials = sample_documents(len(views))
    seal(render_certificate(views[0]))  # as in the ZIP, fonts, shaping tables and the signer are loaded
    proofs.add_proof(credentials[0], key, "did:web:x:issuers:LA-SDI#floor", now)  # and the contexts
    qr.encode.cache_clear()  # but not the QR codes: the ZIP drew these certificates' codes first
    started = time.perf_counter()
    for view, credential in zip(views, credentials):
        seal(render_certificate(view))
        proofs.add_proof(credential, key, "did:web:x:issuers:LA-SDI#floor", now)
    return time.perf_counter() - started


def _check_zip(path: Path, count: int) -> None:
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        pdfs = [name for name in names if name.endswith(".pdf")]
        credentials = [name for name in names if name.endswith(".credential.json")]
        if len(pdfs) != count or len(credentials) != count or len(names) != 2 * count or any(
                not archive.read(name).startswith(b"%PDF-") for name in pdfs):
            raise RuntimeError(f"the ZIP holds {len(pdfs)} PDFs and {len(credentials)} credentials, "
                               f"not {count} of each")


def measure(count: int, folder: Path, seed: int = 1) -> dict:
    from skills_cert.certification.certificate_pdf import render_certificate
    from skills_cert.devtools.bench.pdf import sample_views

    rng = random.Random(seed)
    workload = Workload(folder)
    small = max(count // 5, 1)
    big_session, small_session = (workload.add_sessions(n, n, rng)[0] for n in (count, small))
    csv = workload.results_csv([big_session, small_session], rng, fail_share=0.0)
    runner = workload.app.test_cli_runner()
    (folder / "results.csv").write_bytes(csv)
    result = runner.invoke(args=["assessments", "import", str(folder / "results.csv"), "--assessor", ASSESSOR])
    if result.exit_code != 0:
        raise RuntimeError(f"the results did not import: {result.output[-2000:]}")
    render_certificate(sample_views(1)[0])  # fonts and shaping tables loaded before any timing

    started = time.perf_counter()
    issued = _approve_all(workload, big_session)
    approved = time.perf_counter() - started
    size, _ = _download(workload, big_session, folder / "big.zip")
    total = time.perf_counter() - started
    if issued != count:
        raise RuntimeError(f"{issued} certificates issued for {count} candidates")
    _check_zip(folder / "big.zip", count)

    _approve_all(workload, small_session)
    _download(workload, small_session, folder / "small-first.zip")  # its credentials made, as the big one's
    _, small_peak = _download(workload, small_session, folder / "small.zip", trace=True)
    _, big_peak = _download(workload, big_session, folder / "big-again.zip", trace=True)
    floor = _single_renders(_views(workload, big_session), folder)
    return {"count": count, "seconds": round(total, 2), "approve_issue_seconds": round(approved, 2),
            "zip_seconds": round(total - approved, 2), "zip_bytes": size, "floor_seconds": round(floor, 2),
            "time_ratio": round(total / floor, 2), "peak_bytes": big_peak, "small_count": small,
            "small_peak_bytes": small_peak, "memory_ratio": round(big_peak / max(small_peak, 1), 2)}


def run(count: int = 500) -> list[dict]:
    folder = Path(tempfile.mkdtemp(prefix="skills-cert-batch-bench-"))
    try:
        found = measure(count, folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    mib = 1024 * 1024
    return [
        {"name": f"batch issuance, {count} certificates + ZIP", "figure": f"{found['seconds']} s",
         "floor": f"{found['floor_seconds']} s", "ratio": found["time_ratio"], "goal": f"ratio <= {GOAL_TIME}",
         "meets_goal": found["time_ratio"] <= GOAL_TIME,
         "detail": (f"approve+issue {found['approve_issue_seconds']} s, ZIP {found['zip_seconds']} s "
                    f"({found['zip_bytes'] // 1024} KB); floor: {count} single renders, each sealed, "
                    f"and {count} credentials signed"), **found},
        {"name": f"batch ZIP peak memory, {count} vs {found['small_count']}",
         "figure": f"{found['peak_bytes'] / mib:.1f} MiB", "floor": f"{found['small_peak_bytes'] / mib:.1f} MiB",
         "ratio": found["memory_ratio"], "goal": f"ratio <= {GOAL_MEMORY}",
         "meets_goal": found["memory_ratio"] <= GOAL_MEMORY,
         "detail": (f"peak Python allocations (tracemalloc) while the ZIP streams; "
                    f"{(found['peak_bytes'] - found['small_peak_bytes']) / max(count - found['small_count'], 1) / 1024:.1f} "
                    f"KB more per extra certificate (zip's central directory, the bounded QR cache) "
                    f"against {found['zip_bytes'] / count / 1024:.0f} KB per PDF"), "count": count},
    ]


if __name__ == "__main__":
    import json
    import sys

    for row in run(int(sys.argv[1]) if len(sys.argv) > 1 else 500):
        print(json.dumps(row))
