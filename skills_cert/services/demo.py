"""A realistic demonstration registry, built fast: `flask demo seed --certificates N`.

Rows go in with bulk Core inserts, a chunk at a time, never one ORM object per row. Every
certificate is what issuing would have made: numbered from the authority's counter (advanced by the
block used, so later issues continue the sequence without a gap) and signed with the authority's
Ed25519 key through `skills_cert.signing`, so verifying any of them says "genuine".

Seeding is additive: each run adds N new candidates, each with one approved assessment in a demo
test session and one certificate. The demo users and the demo centre are made once and reused.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
import sqlalchemy.orm as so

from skills_cert import signing
from skills_cert.models import (
    Assessment,
    AssessmentStatus,
    Candidate,
    Certificate,
    CertificateCounter,
    CertificateKind,
    Outcome,
    Pathway,
    Role,
    Sex,
    Standard,
    StandardStatus,
    TestingCentre,
    TestSession,
    User,
    session_assessors,
)
from skills_cert.models.types import utcnow
from skills_cert.services import agreements, audit, keys, standards, users
from skills_cert.services.candidates import search_key
from skills_cert.services.centres import create_centre
from skills_cert.services.certificates import _add_years, new_public_id
from skills_cert.services.errors import InvalidState

CHUNK = 5000
SESSION_SIZE = 25  # candidates per demo test session
SPREAD_YEARS = 4  # issue dates are spread over this many years before today
CENTRE_CODE = "DEMO-01"
ASSESSOR, OFFICER = "demo-assessor", "demo-officer"

# (Lao, romanised) pairs, so both names on a certificate agree.
GIVEN = [("ສົມພອນ", "Somphone"), ("ບຸນມີ", "Bounmy"), ("ຄຳໃສ", "Khamsay"), ("ວຽງຄຳ", "Vienkham"),
         ("ນາງ ແສງ", "Nang Saeng"), ("ພອນສະຫວັນ", "Phonesavanh"), ("ສຸລິຍາ", "Souliya"),
         ("ຈັນທະວົງ", "Chanthavong"), ("ມະນີວັນ", "Manivanh"), ("ທອງດີ", "Thongdy"), ("ບົວລະພາ", "Boualapha"),
         ("ສີສະຫວາດ", "Sisavath"), ("ແກ້ວ", "Keo"), ("ນ້ອຍ", "Noy"), ("ອານຸສອນ", "Anousone"), ("ດາລາ", "Dala")]
FAMILY = [("ແກ້ວມະນີ", "Keomany"), ("ວົງສາ", "Vongsa"), ("ໄຊຍະວົງ", "Xayavong"), ("ພົມມະຈັນ", "Phommachanh"),
          ("ສີຫາລາດ", "Sihalath"), ("ຈັນທະລາ", "Chanthala"), ("ອິນທະວົງ", "Inthavong"), ("ສຸວັນນະລາດ", "Souvannarath"),
          ("ພິມມະສອນ", "Phimmasone"), ("ລາດຊະວົງ", "Latsavong"), ("ບຸບຜາ", "Bouppha"), ("ດວງມາລາ", "Douangmala")]


@dataclass(frozen=True)
class SeedReport:
    candidates: int
    sessions: int
    certificates: int
    first_number: str | None
    last_number: str | None
    seconds: float


def _demo_user(session: so.Session, username: str, full_name: str, role: Role, min_length: int) -> User:
    user = users.find_user(session, username)
    if user is None:  # a random password nobody knows: the demo users never log in
        user = users.create_user(session, users.NewUser(username, full_name, role, secrets.token_urlsafe(24)),
                                 min_password_length=min_length)
    return user


def _centre(session: so.Session, actor: User) -> TestingCentre:
    centre = session.scalar(sa.select(TestingCentre).where(TestingCentre.code == CENTRE_CODE))
    if centre is None:
        centre = create_centre(session, code=CENTRE_CODE, province="LA-VT", actor=actor, name={
            "lo": "ສູນທົດສອບສາທິດ", "th": "ศูนย์ทดสอบสาธิต", "en": "Demonstration Testing Centre"})
    return centre


def _standards(session: so.Session, standards_dir: Path) -> list[Standard]:
    """Endorsed Lao standards (any endorsed standard if there is no Lao one); the shipped
    standards and agreements are imported first when the database has none."""
    def endorsed():
        return list(session.scalars(sa.select(Standard).where(Standard.status == StandardStatus.ENDORSED)
                                    .order_by(Standard.code, Standard.version)))
    found = endorsed()
    if not found:
        files = standards.read_data_files(standards_dir)
        if files.problems:
            raise InvalidState(f"the standards in {standards_dir} do not load: {files.problems[:3]}")
        standards.import_documents(session, files.standards)
        agreements.import_agreements(session, files.agreements)
        found = endorsed()
    lao = [s for s in found if s.country == "LA"]
    if not (lao or found):
        raise InvalidState("there is no endorsed standard to certify against")
    return lao or found


def _key(session, authority: str, key_dir: Path, today: dt.date, actor: User):
    """The authority's signing key. A demo database gets one valid from SPREAD_YEARS ago, so that
    certificates dated in the past verify."""
    if keys.active_key_row(session, authority) is None:
        keys.create_key(session, authority, key_dir, today=_add_years(today, -SPREAD_YEARS), actor=actor)
    return keys.signing_key(session, authority, key_dir, today=today, allow_generate=False)


def _new_ids(session: so.Session, table: sa.Table, count: int) -> list[int]:
    """*count* fresh primary keys for *table*: from its sequence on PostgreSQL; after the highest
    id on SQLite, whose single writer lock this transaction holds once it has written."""
    if session.get_bind().dialect.name == "postgresql":
        return list(session.scalars(sa.text(
            # the table name comes from the model, never from input
            f"SELECT nextval(pg_get_serial_sequence('{table.name}', 'id')) FROM generate_series(1, :n)"),  # nosec B608
            {"n": count}))
    top = session.scalar(sa.select(sa.func.max(table.c.id))) or 0
    return list(range(top + 1, top + 1 + count))


def _insert(session: so.Session, model, rows: list[dict]) -> list[int]:
    """Insert *rows* with one executemany and return their new ids, in order. (RETURNING with
    ordered rows would run one statement per row on SQLite.)"""
    table = model.__table__
    ids = _new_ids(session, table, len(rows))
    session.execute(sa.insert(table), [{**row, "id": new} for row, new in zip(rows, ids)])
    return ids


class _Numbers:
    """Numbers from the per-authority, per-year counters, a block at a time (rows locked)."""

    def __init__(self, session: so.Session):
        self.session = session
        self.counters: dict[tuple[str, int], CertificateCounter] = {}

    def take(self, authority: str, country: str, year: int) -> str:
        counter = self.counters.get((authority, year))
        if counter is None:
            stmt = sa.select(CertificateCounter).where(CertificateCounter.authority_code == authority,
                                                       CertificateCounter.year == year).with_for_update()
            counter = self.session.scalar(stmt)
            if counter is None:
                counter = CertificateCounter(authority_code=authority, year=year, last_number=0)
                self.session.add(counter)
            self.counters[(authority, year)] = counter
        counter.last_number += 1
        if counter.last_number > 999_999:
            raise InvalidState(f"{authority} has used every certificate number of {year}")
        return f"{country}-{year}-{counter.last_number:06d}"


def seed(session: so.Session, count: int, *, key_dir: Path, standards_dir: Path, today: dt.date,
         min_password_length: int = 10, progress=None, rng: random.Random | None = None,
         commit=None) -> SeedReport:
    """Add *count* certified candidates to the registry. Flushes; the caller commits, and may pass
    *commit* to have each chunk committed as it is made (a million rows in one SQLite transaction
    grow its write-ahead log past a gigabyte and slow every page lookup)."""
    started = time.monotonic()
    if session.get_bind().dialect.name == "sqlite":
        session.execute(sa.text("PRAGMA cache_size = -262144"))  # 256 MB: the random-key indexes
    rng = rng or random.Random()
    assessor = _demo_user(session, ASSESSOR, "ຄຳໃສ ວົງສາ", Role.ASSESSOR, min_password_length)
    officer = _demo_user(session, OFFICER, "ວຽງຄຳ ໄຊຍະວົງ", Role.CERTIFYING_OFFICER, min_password_length)
    centre = _centre(session, officer)
    chosen = _standards(session, standards_dir)
    plans = []
    for standard in chosen:
        key_row, private = _key(session, standard.authority.code, key_dir, today, officer)
        plans.append((standard, [u.code for u in standard.units], key_row, private))
    start = max(max(p[2].valid_from for p in plans), _add_years(today, -SPREAD_YEARS))
    span = (today - start).days
    tag = secrets.token_hex(3).upper()  # keeps this run's identity numbers apart from earlier runs'
    numbers = _Numbers(session)
    made = {"candidates": 0, "sessions": 0, "certificates": 0}
    first = last = None
    for offset in range(0, count, CHUNK):
        size = min(CHUNK, count - offset)
        indexes = range(offset, offset + size)
        days = [start + dt.timedelta(days=span * i // max(count, 1)) for i in indexes]  # in order
        people = [_person(rng, tag, i) for i in indexes]
        candidate_ids = _insert(session, Candidate, [
            {**p, "created_by_id": assessor.id, "created_at": utcnow()} for p in people])
        groups = list(range(0, size, SESSION_SIZE))
        group_plan = [plans[(offset + g) // SESSION_SIZE % len(plans)] for g in groups]
        session_ids = _insert(session, TestSession, [
            {"centre_id": centre.id, "standard_id": plan[0].id, "test_date": days[g],
             "created_by_id": officer.id, "created_at": utcnow()} for g, plan in zip(groups, group_plan)])
        session.execute(sa.insert(session_assessors), [{"session_id": s, "user_id": assessor.id}
                                                       for s in session_ids])
        owner = [(session_ids[k // SESSION_SIZE], group_plan[k // SESSION_SIZE]) for k in range(size)]
        decided = dt.datetime.combine(today, dt.time(9), dt.timezone.utc)
        assessment_ids = _insert(session, Assessment, [
            {"session_id": sid, "candidate_id": cid, "pathway": Pathway.REGULAR,
             "status": AssessmentStatus.APPROVED, "knowledge_percent": float(rng.randint(70, 100)),
             "practical_points": {}, "outcome": Outcome.COMPETENT, "achieved_units": plan[1],
             "reasons": [], "recorded_by_id": assessor.id, "submitted_at": decided,
             "decided_by_id": officer.id, "decided_at": decided, "updated_at": decided, "version": 1}
            for cid, (sid, plan) in zip(candidate_ids, owner)])
        rows = []
        for k in range(size):
            standard, units, key_row, private = owner[k][1]
            authority = standard.authority
            number = numbers.take(authority.code, authority.country, days[k].year)
            first = first or number
            last = number
            facts = signing.SignedFacts(
                number=number, public_id=new_public_id(), kind=CertificateKind.CERTIFICATE.value,
                authority=authority.code, name_lao=people[k]["name_lao"], name_latin=people[k]["name_latin"],
                standard_code=standard.code, standard_version=standard.version, level=standard.level,
                units=tuple(units), issued_on=days[k],
                expires_on=_add_years(days[k], standard.certificate_validity_years), key_id=key_row.key_id)
            payload = signing.encode_payload(facts)
            rows.append({
                "number": number, "public_id": facts.public_id, "download_token": new_public_id(),
                "kind": CertificateKind.CERTIFICATE, "assessment_id": assessment_ids[k],
                "first_for_assessment_id": assessment_ids[k], "candidate_id": candidate_ids[k],
                "standard_id": standard.id, "authority_code": authority.code,
                "name_lao": facts.name_lao, "name_latin": facts.name_latin, "units": units,
                "issued_on": facts.issued_on, "expires_on": facts.expires_on, "key_id": key_row.key_id,
                "payload": payload, "signature": signing.sign(private, payload),
                "issued_by_id": officer.id, "created_at": utcnow(), "version": 1})
        session.execute(sa.insert(Certificate.__table__), rows)
        made["candidates"] += size
        made["sessions"] += len(session_ids)
        made["certificates"] += size
        if commit:
            session.flush()
            commit()
        if progress:
            progress(made["certificates"], count)
    session.flush()
    audit.record(session, actor=officer, action="demo.seed", object_type="registry", object_id="demo",
                 changes={**made, "first": first, "last": last})
    return SeedReport(made["candidates"], made["sessions"], made["certificates"], first, last,
                      round(time.monotonic() - started, 1))


def _person(rng: random.Random, tag: str, index: int) -> dict:
    (given_lo, given_la), (family_lo, family_la) = rng.choice(GIVEN), rng.choice(FAMILY)
    name_lao, name_latin = f"{given_lo} {family_lo}", f"{given_la} {family_la}"
    born = dt.date(1970, 1, 1) + dt.timedelta(days=rng.randrange(365 * 36))
    return {"name_lao": name_lao, "name_latin": name_latin, "sex": rng.choice((Sex.FEMALE, Sex.MALE)),
            "date_of_birth": born, "nationality": "LA", "id_type": "national_id",
            "id_number": f"9{int(tag, 16):08d}{index:09d}", "pathway": Pathway.REGULAR,
            "has_photo": False, "search_name": search_key(name_lao, name_latin)}
