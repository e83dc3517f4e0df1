"""A realistic demonstration registry, built fast: `flask demo seed --certificates N`.

Rows go in with bulk Core inserts, a chunk at a time, never one ORM object per row. Every
certificate is what issuing would have made: numbered from the authority's counter (advanced by the
block used, so later issues continue the sequence without a gap) and signed with the authority's
Ed25519 key through `skills_cert.certification.signing`, so verifying any of them says "genuine".

Seeding is additive: each run adds N new candidates, each with one approved assessment in a demo
test session and one certificate. The demo users and the demo centres are made once and reused.

So that the statistics dashboard has something to show, the registry looks like a real one:
- test sessions are held at demo centres in several provinces; some candidates are women, some
  come through recognition of prior learning (RPL);
- about one candidate in eight is not yet competent, with some units achieved: the reasons stored
  are the rule engine's, and the certificate is a statement of attainment;
- about one in ten failed an earlier test of the same standard (knowledge test or a safety item:
  no unit, no certificate) before the one certified;
- about a third of the certificates have been checked, by QR code, by number or through the API,
  some more than once, and a few checks were of unknown certificates.
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

from skills_cert.accounts import users
from skills_cert.accounts.models import User
from skills_cert.assessment import decisions
from skills_cert.assessment import recording as assessments
from skills_cert.assessment.centres import create_centre
from skills_cert.assessment.models import (
    Assessment,
    AssessmentStatus,
    Candidate,
    Outcome,
    Pathway,
    TestingCentre,
    TestSession,
    session_assessors,
)
from skills_cert.audit import log as audit
from skills_cert.certification import keys, seals, signing
from skills_cert.certification.issuing import add_years, new_public_id
from skills_cert.certification.models import (
    Certificate,
    CertificateCounter,
    CertificateKind,
    VerificationEvent,
)
from skills_cert.columns import utcnow
from skills_cert.devtools.demo_rows import insert_rows, person
from skills_cert.errors import InvalidState
from skills_cert.provinces import PROVINCES
from skills_cert.recognition import agreements, data_files
from skills_cert.roles import Role
from skills_cert.standards import versions as standards
from skills_cert.standards.models import Authority, Standard, StandardStatus

CHUNK = 5000
SESSION_SIZE = 25  # candidates per demo test session
SPREAD_YEARS = 4  # issue dates are spread over this many years before today
CENTRE_CODE = "DEMO-01"
# (code, province, weight): where demo sessions are held, the capital most often.
CENTRES = ((CENTRE_CODE, "LA-VT", 5), ("DEMO-02", "LA-LP", 2), ("DEMO-03", "LA-SV", 3),
           ("DEMO-04", "LA-CH", 2), ("DEMO-05", "LA-XA", 1), ("DEMO-06", "LA-OU", 1))
NOT_YET, RETAKE = 0.12, 0.1  # not yet competent (attainment); certified after an earlier failure
CHECKED, CHECKED_AGAIN, UNKNOWN = 0.35, 0.3, 0.02  # shares of certificates, of those, of checks
CHANNELS = (("qr", 6), ("manual", 3), ("api", 1))
ASSESSOR, OFFICER = "demo-assessor", "demo-officer"

@dataclass(frozen=True)
class SeedReport:
    candidates: int
    sessions: int
    certificates: int
    first_number: str | None
    last_number: str | None
    seconds: float


@dataclass(frozen=True)
class _Result:
    """A decision of the rule engine, as an approved assessment stores it."""

    knowledge_percent: float | None  # None: any passing score (the reasons do not quote it)
    outcome: Outcome
    achieved_units: list[str]
    reasons: list[dict]


@dataclass(frozen=True)
class _Plan:
    """What the demo needs of one standard: its key, and the results its candidates may get."""

    standard: Standard
    key_row: object
    private: object
    competent: _Result
    partial: list[_Result]  # not yet competent, some units achieved: a statement of attainment
    failed: list[_Result]  # no unit achieved: no certificate


def _demo_user(session: so.Session, username: str, full_name: str, role: Role, min_length: int) -> User:
    user = users.find_user(session, username)
    if user is None:  # a random password nobody knows: the demo users never log in
        user = users.create_user(session, users.NewUser(username, full_name, role, secrets.token_urlsafe(24)),
                                 min_password_length=min_length)
    return user


def _centres(session: so.Session, actor: User) -> tuple[list[int], list[int]]:
    """The ids of the demo centres, made the first time, and their weights."""
    ids = []
    for code, province, _weight in CENTRES:
        centre = session.scalar(sa.select(TestingCentre).where(TestingCentre.code == code))
        if centre is None:
            place = PROVINCES[province]
            name = ({"lo": "ສູນທົດສອບສາທິດ", "th": "ศูนย์ทดสอบสาธิต", "en": "Demonstration Testing Centre"}
                    if code == CENTRE_CODE else
                    {"lo": f"ສູນທົດສອບສາທິດ {place['lo']}", "th": f"ศูนย์ทดสอบสาธิต {place['th']}",
                     "en": f"Demonstration Testing Centre, {place['en']}"})
            centre = create_centre(session, code=code, province=province, actor=actor, name=name)
        ids.append(centre.id)
    return ids, [weight for _code, _province, weight in CENTRES]


def _standards(session: so.Session, standards_dir: Path) -> list[Standard]:
    """Endorsed Lao standards (any endorsed standard if there is no Lao one); the shipped
    standards and agreements are imported first when the database has none."""
    def endorsed():
        return list(session.scalars(sa.select(Standard).where(Standard.status == StandardStatus.ENDORSED)
                                    .order_by(Standard.code, Standard.version)))
    found = endorsed()
    if not found:
        files = data_files.read_data_files(standards_dir)
        if files.problems:
            raise InvalidState(f"the standards in {standards_dir} do not load: {files.problems[:3]}")
        standards.import_documents(session, files.standards)
        agreements.import_agreements(session, files.agreements)
        found = endorsed()
    lao = [s for s in found if s.country == "LA"]
    if not (lao or found):
        raise InvalidState("there is no endorsed standard to certify against")
    return lao or found


def _key(session, authority: Authority, key_dir: Path, today: dt.date, actor: User):
    """The authority's signing key. A demo database gets one valid from SPREAD_YEARS ago, so that
    certificates dated in the past verify. It also gets a document-seal key, as the production
    configuration requires one beside every token key. Keys made here are marked as development
    keys, so a production start refuses them (`keys.key_dir_problems`)."""
    now = dt.datetime.now(dt.timezone.utc)
    seals.ensure_seal(key_dir, authority.code, authority.country, authority.name, now=now, allow_generation=True)
    authority = authority.code
    if keys.active_key_row(session, authority) is None:
        keys.create_key(session, authority, key_dir, today=add_years(today, -SPREAD_YEARS), actor=actor,
                        development=True)
    return keys.signing_key(session, authority, key_dir, today=today, allow_generate=False)


def _results(standard: Standard) -> tuple[_Result, list[_Result], list[_Result]]:
    """Decisions the rule engine gives on typical evidence: everything satisfactory; one ordinary
    item not satisfactory (units achieved, not all); a safety item failed or the knowledge test
    below the pass mark (no unit)."""
    rules = assessments.rules_for(standard)
    good = {item.code: True for item in rules.items}
    points = dict(rules.scoring.max_points) if rules.scoring else {}

    def decide(knowledge: float, items: dict) -> _Result:
        decision = decisions.decide(rules, decisions.Evidence(knowledge, items, points))
        reasons = assessments.reasons_to_json(decision.reasons)
        quoted = any(reason["code"].startswith("knowledge") for reason in reasons)
        return _Result(knowledge if quoted else None,
                       Outcome.COMPETENT if decision.competent else Outcome.NOT_YET_COMPETENT,
                       list(decision.achieved_units), reasons)

    competent = _Result(None, Outcome.COMPETENT, [u.code for u in standard.units], [])
    tried = [decide(100.0, {**good, item.code: False}) for item in rules.items]
    partial = [r for r in tried if r.outcome is Outcome.NOT_YET_COMPETENT and r.achieved_units]
    below = [decide(rules.knowledge_pass_mark - drop, good) for drop in (5.0, 10.0, 20.0)]
    return competent, partial or [competent], [r for r in tried + below if not r.achieved_units]


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


@dataclass
class _Run:
    """The state of one seeding run, shared by its chunks."""

    session: so.Session
    rng: random.Random
    plans: list[_Plan]
    centres: tuple[list[int], list[int]]
    assessor: User
    officer: User
    today: dt.date
    start: dt.date
    count: int
    tag: str
    numbers: _Numbers
    first: str | None = None
    last: str | None = None


def seed(session: so.Session, count: int, *, key_dir: Path, standards_dir: Path, today: dt.date,
         min_password_length: int = 10, progress=None, rng: random.Random | None = None,
         commit=None) -> SeedReport:
    """Add *count* certified candidates to the registry. Flushes; the caller commits, and may pass
    *commit* to have each chunk committed as it is made (a million rows in one SQLite transaction
    grow its write-ahead log past a gigabyte and slow every page lookup)."""
    started = time.monotonic()
    if session.get_bind().dialect.name == "sqlite":
        session.execute(sa.text("PRAGMA cache_size = -262144"))  # 256 MB: the random-key indexes
    assessor = _demo_user(session, ASSESSOR, "ຄຳໃສ ວົງສາ", Role.ASSESSOR, min_password_length)
    officer = _demo_user(session, OFFICER, "ວຽງຄຳ ໄຊຍະວົງ", Role.CERTIFYING_OFFICER, min_password_length)
    centres = _centres(session, officer)
    plans = [_Plan(standard, *_key(session, standard.authority, key_dir, today, officer), *_results(standard))
             for standard in _standards(session, standards_dir)]
    start = max(max(p.key_row.valid_from for p in plans), add_years(today, -SPREAD_YEARS))
    run = _Run(session, rng or random.Random(), plans, centres, assessor, officer, today, start, count,
               secrets.token_hex(3).upper(), _Numbers(session))  # the tag keeps this run's identity numbers apart
    made = {"candidates": 0, "sessions": 0, "certificates": 0}
    for offset in range(0, count, CHUNK):
        size = min(CHUNK, count - offset)
        made["sessions"] += _chunk(run, offset, size)
        made["candidates"] += size
        made["certificates"] += size
        if commit:
            session.flush()
            commit()
        if progress:
            progress(made["certificates"], count)
    session.flush()
    audit.record(session, actor=officer, action="demo.seed", object_type="registry", object_id="demo",
                 changes={**made, "first": run.first, "last": run.last})
    if session.get_bind().dialect.name == "sqlite":
        # Table statistics for the query planner, as PostgreSQL's autovacuum gathers by itself:
        # without them SQLite cannot tell that a date range is narrower than "status = approved".
        session.execute(sa.text("ANALYZE"))
    return SeedReport(made["candidates"], made["sessions"], made["certificates"], run.first, run.last,
                      round(time.monotonic() - started, 1))


def _chunk(run: _Run, offset: int, size: int) -> int:
    """Candidates *offset* to *offset + size* of the run, their sessions, assessments, certificates
    and checks; the number of sessions made."""
    span = (run.today - run.start).days
    days = [run.start + dt.timedelta(days=span * i // max(run.count, 1)) for i in range(offset, offset + size)]
    people = [person(run.rng, run.tag, i) for i in range(offset, offset + size)]
    candidate_ids = insert_rows(run.session, Candidate, [
        {**p, "created_by_id": run.assessor.id, "created_at": utcnow()} for p in people])
    groups = list(range(0, size, SESSION_SIZE))
    group_plans = [run.plans[(offset + g) // SESSION_SIZE % len(run.plans)] for g in groups]
    centre_ids = run.rng.choices(run.centres[0], run.centres[1], k=len(groups))
    session_ids = insert_rows(run.session, TestSession, [
        {"centre_id": centre, "standard_id": plan.standard.id, "test_date": days[g],
         "created_by_id": run.officer.id, "created_at": utcnow()}
        for g, plan, centre in zip(groups, group_plans, centre_ids)])
    run.session.execute(sa.insert(session_assessors), [{"session_id": s, "user_id": run.assessor.id}
                                                       for s in session_ids])
    results = []
    for k in range(size):
        plan = group_plans[k // SESSION_SIZE]
        results.append(run.rng.choice(plan.partial) if run.rng.random() < NOT_YET else plan.competent)
    assessment_ids = _assessments(run, people, candidate_ids, session_ids, group_plans, results)
    certificate_ids = _certificates(run, days, people, candidate_ids, assessment_ids, group_plans, results)
    _checks(run, days, certificate_ids)
    return len(session_ids)


def _assessment_row(run: _Run, session_id: int, candidate_id: int, pathway: Pathway, result: _Result) -> dict:
    decided = dt.datetime.combine(run.today, dt.time(9), dt.UTC)
    knowledge = result.knowledge_percent
    return {"session_id": session_id, "candidate_id": candidate_id, "pathway": pathway,
            "status": AssessmentStatus.APPROVED,
            "knowledge_percent": float(run.rng.randint(70, 100)) if knowledge is None else knowledge,
            "practical_points": {}, "outcome": result.outcome, "achieved_units": result.achieved_units,
            "reasons": result.reasons, "recorded_by_id": run.assessor.id, "submitted_at": decided,
            "decided_by_id": run.officer.id, "decided_at": decided, "updated_at": decided, "version": 1}


def _assessments(run: _Run, people, candidate_ids, session_ids, group_plans, results) -> list[int]:
    """The approved assessments that earned the certificates (their ids, in order), and before some
    of them a failed one in an earlier session of the same standard."""
    rows, retakes = [], []
    for k, candidate_id in enumerate(candidate_ids):
        group = k // SESSION_SIZE
        pathway = people[k]["pathway"]
        rows.append(_assessment_row(run, session_ids[group], candidate_id, pathway, results[k]))
        earlier = group - len(run.plans)  # the standards take turns, so this is the same standard
        plan = group_plans[group]
        if earlier >= 0 and group_plans[earlier] is plan and plan.failed and run.rng.random() < RETAKE:
            retakes.append(_assessment_row(run, session_ids[earlier], candidate_id, pathway,
                                           run.rng.choice(plan.failed)))
    return insert_rows(run.session, Assessment, rows + retakes)[:len(rows)]


def _certificates(run: _Run, days, people, candidate_ids, assessment_ids, group_plans, results) -> list[int]:
    rows = []
    for k, result in enumerate(results):
        plan = group_plans[k // SESSION_SIZE]
        standard, authority = plan.standard, plan.standard.authority
        kind = CertificateKind.CERTIFICATE if result.outcome is Outcome.COMPETENT else CertificateKind.ATTAINMENT
        number = run.numbers.take(authority.code, authority.country, days[k].year)
        run.first = run.first or number
        run.last = number
        facts = signing.SignedFacts(
            number=number, public_id=new_public_id(), kind=kind.value,
            authority=authority.code, name_lao=people[k]["name_lao"], name_latin=people[k]["name_latin"],
            standard_code=standard.code, standard_version=standard.version, level=standard.level,
            units=tuple(result.achieved_units), issued_on=days[k],
            expires_on=add_years(days[k], standard.certificate_validity_years), key_id=plan.key_row.key_id)
        payload = signing.encode_payload(facts)
        signature = signing.sign(plan.private, payload)
        rows.append({
            "number": number, "public_id": facts.public_id, "download_token": new_public_id(),
            "kind": kind, "assessment_id": assessment_ids[k],
            "first_for_assessment_id": assessment_ids[k], "candidate_id": candidate_ids[k],
            "standard_id": standard.id, "authority_code": authority.code,
            "name_lao": facts.name_lao, "name_latin": facts.name_latin,
            "name_thai": people[k]["name_thai"], "units": result.achieved_units,
            "issued_on": facts.issued_on, "expires_on": facts.expires_on, "key_id": plan.key_row.key_id,
            "payload": payload, "signature": signature,
            "token_digest": signing.digest_of(payload, signature),
            "issued_by_id": run.officer.id, "created_at": utcnow(), "version": 1})
    return insert_rows(run.session, Certificate, rows)


def _checks(run: _Run, days, certificate_ids) -> None:
    """Verification events: some certificates checked once or more, mostly within a year of issue;
    a few checks of certificates the registry does not know."""
    now, rng = utcnow(), run.rng
    channels, weights = [c for c, _w in CHANNELS], [w for _c, w in CHANNELS]
    rows = []
    for day, certificate_id in zip(days, certificate_ids):
        if rng.random() >= CHECKED:
            continue
        for _n in range(2 if rng.random() < CHECKED_AGAIN else 1):
            unknown = rng.random() < UNKNOWN
            at = dt.datetime.combine(day, dt.time(), dt.UTC) + dt.timedelta(
                days=rng.randrange(min((run.today - day).days, 365) + 1), seconds=rng.randrange(86400))
            rows.append({"at": min(at, now), "certificate_id": None if unknown else certificate_id,
                         "verdict": "unknown" if unknown else "genuine",
                         "channel": rng.choices(channels, weights)[0], "client_hash": secrets.token_hex(8)})
    if rows:
        run.session.execute(sa.insert(VerificationEvent.__table__), rows)
