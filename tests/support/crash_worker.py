"""Driven by tests/test_crash_safety.py in a subprocess that is killed with SIGKILL at random points.

    python crash_worker.py import DATABASE_URL KEY_DIR CSV_PATH ASSESSOR
    python crash_worker.py approve DATABASE_URL KEY_DIR OFFICER_ID
    python crash_worker.py approve-session DATABASE_URL KEY_DIR OFFICER_ID SESSION_ID

`import` runs the bulk import as `flask assessments import` does (one transaction). `approve`
approves and issues every submitted assessment, one transaction each, as the approvals page does.
`approve-session` approves a whole test session in batches, as the session page does.
"""

import datetime as dt
import os
import sys
from pathlib import Path

import sqlalchemy as sa

from skills_cert import create_app


def main(mode: str, database_url: str, key_dir: str, *args: str) -> None:
    app = create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": database_url,
                      "SIGNING_KEY_DIR": key_dir, "PUBLIC_BASE_URL": "https://verify.sdi.gov.la"})
    with app.app_context():
        from skills_cert.accounts.models import User
        from skills_cert.accounts.users import find_user
        from skills_cert.assessment import bulk_import
        from skills_cert.assessment.models import Assessment, AssessmentStatus
        from skills_cert.certification import issuing as certificates
        from skills_cert.extensions import db

        today = dt.date.today()
        Path(os.environ["CRASH_MARKER"]).touch()  # the app is up: the work starts now
        if mode == "import":
            result = bulk_import.import_results(db.session, Path(args[0]).read_bytes(),
                                                actor=find_user(db.session, args[1]), today=today)
            db.session.commit()
            print(f"imported {result.imported}", flush=True)
        elif mode == "approve":
            officer = db.session.get(User, int(args[0]))
            waiting = db.session.scalars(sa.select(Assessment.id).where(
                Assessment.status == AssessmentStatus.SUBMITTED).order_by(Assessment.id)).all()
            for assessment_id in waiting:
                assessment = db.session.get(Assessment, assessment_id)
                certificates.approve_and_issue(db.session, assessment, actor=officer,
                                               expected_version=assessment.version, today=today,
                                               key_dir=Path(key_dir), allow_key_generation=True)
                db.session.commit()
                print("committed", flush=True)  # the test kills after a random number of these
            print(f"approved {len(waiting)}", flush=True)
        elif mode == "approve-session":
            approve_session(db.session, int(args[0]), int(args[1]), Path(key_dir), today)


def approve_session(session, officer_id: int, session_id: int, key_dir: Path, today) -> None:
    """As `flask certificates approve-session` does: carry on this officer's unfinished run, or
    start one over every submitted result; batches commit as they finish."""
    from skills_cert.accounts.models import User
    from skills_cert.assessment.models import TestSession
    from skills_cert.certification import session_approval

    session_approval.BATCH = int(os.environ.get("CRASH_BATCH", session_approval.BATCH))  # more, smaller batches
    officer, test_session = session.get(User, officer_id), session.get(TestSession, session_id)
    found = session_approval.overview(session, test_session, officer)
    run = found.run or session_approval.start(session, test_session, [
        (a.id, a.version) for a in (*found.ready, *(a for a, _f in found.flagged))], actor=officer)
    session.commit()

    def commit():
        session.commit()
        print("committed", flush=True)  # the test kills after a random number of these
    run = session_approval.proceed(session, run, actor=officer, today=today, key_dir=key_dir,
                                   allow_key_generation=True, commit=commit)
    print(f"certificates {run.certificates} skipped {len(run.skipped)}", flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:])
