"""A throwaway registry in a temporary folder, for the benchmarks that run in this process.

`Workload` migrates a fresh SQLite database with the real migrations, imports the shipped
standards, and makes the people a testing day needs (an administrator, an accredited assessor,
a certifying officer) and a testing centre. `add_sessions` then registers and enrols candidates
by bulk inserts (setting up is not what is measured), and `results_csv` writes the CSV an
assessor would fill in from the session template.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import random
import secrets
import shutil
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa

from skills_cert.config import ROOT

STANDARD = "LA-CON-BRL-L1"
ASSESSOR, OFFICER, ADMIN = "bench-assessor", "bench-officer", "bench-admin"


class Workload:
    def __init__(self, folder: Path):
        from skills_cert import create_app

        self.folder = folder
        self.database = folder / "bench.sqlite3"
        self.today = dt.date.today()
        with _instance(folder):
            self.app = create_app({
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{self.database}",
                "SIGNING_KEY_DIR": str(folder / "keys"), "SECRET_KEY": secrets.token_urlsafe(48),
                "PUBLIC_BASE_URL": "https://verify.sdi.gov.la", "PASSWORD_HASH_TIME_COST": 1,
                "PASSWORD_HASH_MEMORY_COST": 8192,
                # every result approvable, so that each approval path does the same work
                "MODERATION_SAMPLE_PERCENT": 0.0, "MODERATION_MARGIN": 0.0})
        with self.app.app_context():
            self._prepare()

    def _prepare(self) -> None:
        from flask_migrate import upgrade

        from skills_cert.accounts import users
        from skills_cert.assessment import centres, sessions
        from skills_cert.extensions import db
        from skills_cert.recognition import agreements, data_files
        from skills_cert.roles import Role
        from skills_cert.standards import versions as standards
        from skills_cert.standards.models import Standard

        upgrade(directory=str(ROOT / "migrations"))
        files = data_files.read_data_files(ROOT / "standards")
        standards.import_documents(db.session, files.standards)
        agreements.import_agreements(db.session, files.agreements)
        password = secrets.token_urlsafe(24)
        made = {name: users.create_user(db.session, users.NewUser(name, full_name, role, password),
                                        min_password_length=10)
                for name, full_name, role in ((ADMIN, "Bench Administrator", Role.ADMINISTRATOR),
                                              (ASSESSOR, "ຄຳໃສ ວົງສາ", Role.ASSESSOR),
                                              (OFFICER, "ວຽງຄຳ ໄຊຍະວົງ", Role.CERTIFYING_OFFICER))}
        admin = made[ADMIN]
        sessions.accredit(db.session, made[ASSESSOR], STANDARD, self.today + dt.timedelta(days=365),
                          actor=admin, today=self.today)
        self.centre_id = centres.create_centre(db.session, code="BENCH-01", province="LA-VT", actor=admin, name={
            "lo": "ສູນທົດສອບ", "th": "ศูนย์ทดสอบ", "en": "Benchmark Testing Centre"}).id
        self.standard_id = db.session.scalar(sa.select(Standard.id).where(
            Standard.code == STANDARD).order_by(Standard.version.desc()).limit(1))
        self.user_ids = {name: user.id for name, user in made.items()}
        db.session.commit()

    def add_sessions(self, candidates: int, per_session: int, rng: random.Random) -> list[int]:
        """*candidates* new candidates enrolled (draft assessments) in sessions of *per_session*,
        all assessed by the bench assessor; the sessions' ids."""
        from skills_cert.assessment.models import (
            Assessment,
            AssessmentStatus,
            Candidate,
            TestSession,
            session_assessors,
        )
        from skills_cert.columns import utcnow
        from skills_cert.devtools.demo_rows import insert_rows, person
        from skills_cert.extensions import db

        with self.app.app_context():
            tag = secrets.token_hex(3).upper()
            admin, assessor = self.user_ids[ADMIN], self.user_ids[ASSESSOR]
            people = [person(rng, tag, i) for i in range(candidates)]
            candidate_ids = insert_rows(db.session, Candidate, [
                {**p, "created_by_id": assessor, "created_at": utcnow()} for p in people])
            groups = range(0, candidates, per_session)
            session_ids = insert_rows(db.session, TestSession, [
                {"centre_id": self.centre_id, "standard_id": self.standard_id, "test_date": self.today,
                 "created_by_id": admin, "created_at": utcnow()} for _ in groups])
            db.session.execute(sa.insert(session_assessors), [{"session_id": s, "user_id": assessor}
                                                              for s in session_ids])
            insert_rows(db.session, Assessment, [
                {"session_id": session_ids[k // per_session], "candidate_id": cid, "pathway": people[k]["pathway"],
                 "status": AssessmentStatus.DRAFT, "practical_points": {}, "achieved_units": [],
                 "reasons": [], "updated_at": utcnow(), "version": 1}
                for k, cid in enumerate(candidate_ids)])
            db.session.commit()
            return session_ids

    def results_csv(self, session_ids: list[int], rng: random.Random, fail_share: float = 0.1) -> bytes:
        """The filled-in template of these sessions: every item marked, a knowledge score, and
        about *fail_share* of the candidates with one item not yet satisfactory."""
        from skills_cert.assessment.bulk_import import template_columns
        from skills_cert.assessment.models import Assessment, Candidate, TestSession
        from skills_cert.assessment.recording import checklist_items
        from skills_cert.extensions import db
        from skills_cert.standards.models import Standard

        with self.app.app_context():
            standard = db.session.get(Standard, self.standard_id)
            items = checklist_items(db.session, standard)
            criteria = (standard.guideline.scoring or {}).get("criteria", [])
            columns = template_columns(db.session.get(TestSession, session_ids[0]), items, standard.guideline.scoring)
            label = f"{standard.code} v{standard.version}"
            out = io.StringIO()
            writer = csv.writer(out)
            writer.writerow(columns)
            rows = db.session.execute(
                sa.select(Assessment.session_id, Candidate.id_type, Candidate.id_number)
                .join(Candidate, Assessment.candidate_id == Candidate.id)
                .where(Assessment.session_id.in_(session_ids)).order_by(Assessment.id))
            for session_id, id_type, id_number in rows:
                marks = ["S"] * len(items)
                if rng.random() < fail_share:
                    marks[rng.randrange(len(marks))] = "N"
                points = [str(rng.randint(c["max_points"] // 2, c["max_points"])) for c in criteria]
                writer.writerow([session_id, label, id_type, id_number, rng.randint(60, 100), *marks, *points])
            return out.getvalue().encode("utf-8")

    def copy(self, folder: Path) -> Path:
        """A copy of the database file (the app must not be writing)."""
        from skills_cert.extensions import db

        with self.app.app_context():
            db.engine.dispose()
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / self.database.name
        with sa.create_engine(f"sqlite:///{self.database}").connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        shutil.copyfile(self.database, target)
        return target


@contextmanager
def _instance(folder: Path):
    """The app's instance folder in *folder*, not in the checkout."""
    before = os.environ.get("SKILLS_CERT_INSTANCE")
    os.environ["SKILLS_CERT_INSTANCE"] = str(folder / "instance")
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("SKILLS_CERT_INSTANCE", None)
        else:
            os.environ["SKILLS_CERT_INSTANCE"] = before
