"""The statistics snapshot: build it from the registry and keep it fresh (`cells.py` adds it up).

Building (`refresh`): for each family, one aggregate query over the registry groups the rows by
every dimension a filter or a table can name (month, centre, standard version, pathway, sex, and
the family's facet and detail) into `stats_cells`, counting the rows (n) and the distinct people
(people). A cell never holds a person; the whole snapshot is replaced in one transaction, so readers
see the old one or the new one, never half of each.

Reading: a figure over some cells is the sum of their n; the distinct people behind them is the
sum of their people, less the people counted in more than one of those cells. For that, the build
also records each set of two or more cells of a family that some people share (`stats_overlaps`,
with how many people share exactly that set): a person in m of the chosen cells was counted m
times, so m - 1 is taken off. This keeps every count of people exact, which the suppression of
small cells depends on, while the dashboard reads thousands of rows instead of millions.

The period is by month: a cell is a calendar month of test dates (testing, reasons), of issue
dates (certificates, recognition) or of checks (verifications). Expiry and validity are as of the
day the snapshot was built for, so a snapshot from an earlier day is stale.
"""

from __future__ import annotations

import datetime as dt
import time

import sqlalchemy as sa
import sqlalchemy.orm as so

from skills_cert.assessment.models import (
    Assessment,
    AssessmentStatus,
    Candidate,
    Outcome,
    TestSession,
)
from skills_cert.assessment.reasons import CREDIT_CODES
from skills_cert.certification.models import (
    Certificate,
    CertificateStatus,
    VerificationEvent,
)
from skills_cert.columns import utcnow
from skills_cert.statistics import appeals as appeal_statistics
from skills_cert.statistics.models import (
    StatsCell,
    StatsOverlap,
    StatsOverlapCell,
    StatsPair,
    StatsSnapshot,
    stats_rows,
)

FAMILIES = ("testing", "reasons", "certificates", "recognition", "verifications", "credits", "appeals")
REFRESH_LOCK = 0x5354_4154  # PostgreSQL advisory lock key held while the snapshot is rebuilt
DIMENSIONS = ("month", "centre_id", "standard_id", "pathway", "sex", "facet", "detail")


def month_of(session: so.Session, column):
    """'YYYY-MM' of a date or datetime column."""
    if session.get_bind().dialect.name == "postgresql":
        return sa.func.to_char(column, "YYYY-MM")
    return sa.func.strftime("%Y-%m", column)


def _text(column):
    """A column as plain text ('' when missing): enums are compared as the words they store."""
    return sa.func.coalesce(sa.type_coerce(column, sa.String), sa.literal(""))


def _number(column):
    return sa.func.coalesce(column, sa.literal(0))


# --- the families: one select each, a row per counted thing -----------------------------------

def _testing(session: so.Session, day: dt.date) -> sa.Select:
    return (sa.select(month_of(session, TestSession.test_date).label("month"),
                      TestSession.centre_id.label("centre_id"), TestSession.standard_id.label("standard_id"),
                      _text(Assessment.pathway).label("pathway"), _text(Candidate.sex).label("sex"),
                      _text(Assessment.outcome).label("facet"), sa.literal("").label("detail"),
                      Assessment.id.label("item"), Assessment.candidate_id.label("candidate_id"))
            .select_from(Assessment)
            .join(TestSession, TestSession.id == Assessment.session_id)
            .join(Candidate, Candidate.id == Assessment.candidate_id)
            .where(Assessment.status == AssessmentStatus.APPROVED))


def _reason_parts(session: so.Session):
    """(element source, code, unit) for the rows of an assessment's reasons (a JSON array)."""
    if session.get_bind().dialect.name == "postgresql":
        items = sa.func.json_array_elements(Assessment.reasons).table_valued("value").render_derived()
        return items, items.c.value.op("->>")("code"), items.c.value.op("->>")("unit")
    items = sa.func.json_each(Assessment.reasons).table_valued("value")
    return (items, sa.func.json_extract(items.c.value, "$.code"),
            sa.func.json_extract(items.c.value, "$.unit"))


def _reasons(session: so.Session, day: dt.date) -> sa.Select:
    items, code, unit = _reason_parts(session)
    return (sa.select(month_of(session, TestSession.test_date).label("month"),
                      TestSession.centre_id.label("centre_id"), TestSession.standard_id.label("standard_id"),
                      _text(Assessment.pathway).label("pathway"), _text(Candidate.sex).label("sex"),
                      _text(code).label("facet"), _text(unit).label("detail"),
                      Assessment.id.label("item"), Assessment.candidate_id.label("candidate_id"))
            .select_from(Assessment)
            .join(TestSession, TestSession.id == Assessment.session_id)
            .join(Candidate, Candidate.id == Assessment.candidate_id)
            .join(items, sa.true())
            .where(Assessment.status == AssessmentStatus.APPROVED,
                   Assessment.outcome == Outcome.NOT_YET_COMPETENT,
                   _text(code).not_in(CREDIT_CODES)))  # RPL credit explains, it is no failure


def _certificate_select(session: so.Session, facet, detail) -> sa.Select:
    return (sa.select(month_of(session, Certificate.issued_on).label("month"),
                      TestSession.centre_id.label("centre_id"), Certificate.standard_id.label("standard_id"),
                      _text(Assessment.pathway).label("pathway"), _text(Candidate.sex).label("sex"),
                      facet.label("facet"), detail.label("detail"),
                      Certificate.id.label("item"), Certificate.candidate_id.label("candidate_id"))
            .select_from(Certificate)
            .join(Assessment, Assessment.id == Certificate.assessment_id)
            .join(TestSession, TestSession.id == Assessment.session_id)
            .join(Candidate, Candidate.id == Certificate.candidate_id))


# Facets of the certificates family: the state (a stored status, or expired: still valid in the
# register but past its date), and whether it is the first issue or a reissue.
STATE_EXPIRED, STATE_REVOKED = "expired", CertificateStatus.REVOKED.value
FIRST_ISSUE = "first"


def _certificates(session: so.Session, day: dt.date) -> sa.Select:
    valid = Certificate.status == CertificateStatus.VALID
    state = sa.case((sa.and_(valid, Certificate.expires_on < day), sa.literal(STATE_EXPIRED)),
                    else_=sa.type_coerce(Certificate.status, sa.String))
    first = sa.case((Certificate.reissue_of_id.is_(None), sa.literal(FIRST_ISSUE)), else_=sa.literal("reissue"))
    return _certificate_select(session, state, first)


def _recognition(session: so.Session, day: dt.date) -> sa.Select:
    return (_certificate_select(session, sa.literal("valid"), sa.cast(Certificate.units, sa.Text))
            .where(Certificate.status == CertificateStatus.VALID, Certificate.expires_on >= day))


def _verifications(session: so.Session, day: dt.date) -> sa.Select:
    return (sa.select(month_of(session, VerificationEvent.at).label("month"),
                      _number(TestSession.centre_id).label("centre_id"),
                      _number(Certificate.standard_id).label("standard_id"),
                      _text(Assessment.pathway).label("pathway"), _text(Candidate.sex).label("sex"),
                      _text(VerificationEvent.channel).label("facet"), sa.literal("").label("detail"),
                      VerificationEvent.id.label("item"), Certificate.candidate_id.label("candidate_id"))
            .select_from(VerificationEvent)
            .outerjoin(Certificate, Certificate.id == VerificationEvent.certificate_id)
            .outerjoin(Assessment, Assessment.id == Certificate.assessment_id)
            .outerjoin(TestSession, TestSession.id == Assessment.session_id)
            .outerjoin(Candidate, Candidate.id == Certificate.candidate_id))


def _credits(session: so.Session, day: dt.date) -> sa.Select:
    """A row per unit credited through RPL (facet: the unit code) on an approved assessment."""
    if session.get_bind().dialect.name == "postgresql":
        units = sa.func.json_array_elements_text(Assessment.credited_units).table_valued("value").render_derived()
    else:
        units = sa.func.json_each(Assessment.credited_units).table_valued("value")
    return (sa.select(month_of(session, TestSession.test_date).label("month"),
                      TestSession.centre_id.label("centre_id"), TestSession.standard_id.label("standard_id"),
                      _text(Assessment.pathway).label("pathway"), _text(Candidate.sex).label("sex"),
                      _text(units.c.value).label("facet"), sa.literal("").label("detail"),
                      Assessment.id.label("item"), Assessment.candidate_id.label("candidate_id"))
            .select_from(Assessment)
            .join(TestSession, TestSession.id == Assessment.session_id)
            .join(Candidate, Candidate.id == Assessment.candidate_id)
            .join(units, sa.true())
            .where(Assessment.status == AssessmentStatus.APPROVED))


SOURCES = {"testing": _testing, "reasons": _reasons, "certificates": _certificates,
           "recognition": _recognition, "verifications": _verifications, "credits": _credits,
           "appeals": lambda session, day: appeal_statistics.source(session, month_of, _text)}


# --- building ---------------------------------------------------------------------------------

def _signature(session: so.Session, column):
    """One string naming a person's set of cells. Only equal strings are merged, so an order the
    database does not promise (SQLite's group_concat) can only merge fewer sets, never wrong ones."""
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import aggregate_order_by

        return sa.func.string_agg(sa.cast(column, sa.Text), aggregate_order_by(sa.literal(","), column))
    return sa.func.group_concat(column)


def _domain(family: str, cells):
    """Cells that a table can add up together. The reasons are only ever counted by reason and
    unit, so a person's cells for two different reasons never need taking off; elsewhere any two
    cells of the family may be added up."""
    if family == "reasons":
        return cells.c.facet + sa.literal("|") + cells.c.detail
    return sa.literal("")


def _build_family(session: so.Session, family: str, day: dt.date) -> None:
    session.execute(sa.insert(stats_rows).from_select(
        [*DIMENSIONS, "item", "candidate_id"], SOURCES[family](session, day)))
    rows = stats_rows.c
    dims = [rows[d] for d in DIMENSIONS]
    session.execute(sa.insert(StatsCell).from_select(
        ["family", *DIMENSIONS, "n", "people"],
        sa.select(sa.literal(family), *dims, sa.func.count(sa.distinct(rows.item)),
                  sa.func.count(sa.distinct(rows.candidate_id))).group_by(*dims)))
    # The planner must know the cells and rows are thousands and millions, not none, to join
    # them by hashing rather than row by row (PostgreSQL took many minutes without it).
    for table in (StatsCell.__tablename__, stats_rows.name):
        session.execute(sa.text(f"ANALYZE {table}"))
    # People with two or more things counted may be in two cells of one domain: record their
    # cells. (One thing is in one cell per domain: a "not yet competent" assessment with three
    # reasons is in three cells, one in each reason's domain, which are never added up.)
    several = (sa.select(rows.candidate_id).where(rows.candidate_id.is_not(None))
               .group_by(rows.candidate_id).having(sa.func.count(sa.distinct(rows.item)) > 1))
    cells = sa.select(StatsCell).where(StatsCell.family == family).subquery("cells")
    session.execute(sa.insert(StatsPair).from_select(
        ["candidate_id", "cell_id", "domain"],
        sa.select(rows.candidate_id, cells.c.id, _domain(family, cells)).distinct()
        .join(cells, sa.and_(*(cells.c[d] == rows[d] for d in DIMENSIONS)))
        .where(rows.candidate_id.in_(several))))
    session.execute(sa.delete(stats_rows))
    session.execute(sa.text(f"ANALYZE {StatsPair.__tablename__}"))
    # Each distinct set of cells once, with the number of people who are in exactly that set.
    per_person = (sa.select(StatsPair.candidate_id, StatsPair.domain, sa.func.count().label("size"),
                            _signature(session, StatsPair.cell_id).label("signature"))
                  .group_by(StatsPair.candidate_id, StatsPair.domain).having(sa.func.count() > 1)
                  .subquery("per_person"))
    session.execute(sa.insert(StatsOverlap).from_select(
        ["family", "domain", "size", "weight", "representative"],
        sa.select(sa.literal(family), per_person.c.domain, sa.func.max(per_person.c.size), sa.func.count(),
                  sa.func.min(per_person.c.candidate_id))
        .group_by(per_person.c.domain, per_person.c.signature)))
    session.execute(sa.insert(StatsOverlapCell).from_select(
        ["overlap_id", "cell_id"],
        sa.select(StatsOverlap.id, StatsPair.cell_id)
        .join(StatsPair, sa.and_(StatsPair.candidate_id == StatsOverlap.representative,
                                 StatsPair.domain == StatsOverlap.domain))
        .where(StatsOverlap.family == family)))
    session.execute(sa.update(StatsOverlap).where(StatsOverlap.family == family).values(representative=0))
    session.execute(sa.delete(StatsPair))


def refresh(session: so.Session, today: dt.date) -> StatsSnapshot:
    """Replace the snapshot with one built from the registry as it is, for *today*. The caller
    commits. On PostgreSQL a second refresh waits for the first (a transaction lock, which holds
    even before the first snapshot row exists) and then rebuilds; SQLite runs one writer at a time."""
    started = time.perf_counter()
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sa.select(sa.func.pg_advisory_xact_lock(REFRESH_LOCK)))
    # On SQLite the first of these writes takes the write lock, before the snapshot row is read.
    for table in (StatsOverlapCell.__table__, StatsOverlap.__table__, StatsCell.__table__, StatsPair.__table__,
                  stats_rows):
        session.execute(sa.delete(table))
    snapshot = current(session)
    for family in FAMILIES:
        _build_family(session, family, today)
    cells = session.scalar(sa.select(sa.func.count()).select_from(StatsCell)) or 0
    if snapshot is None:
        snapshot = StatsSnapshot()
        session.add(snapshot)
    snapshot.built_at, snapshot.built_for, snapshot.cells = utcnow(), today, cells
    snapshot.seconds = round(time.perf_counter() - started, 3)
    session.flush()
    return snapshot


def current(session: so.Session) -> StatsSnapshot | None:
    return session.scalar(sa.select(StatsSnapshot).order_by(StatsSnapshot.id.desc()).limit(1))


def is_stale(snapshot: StatsSnapshot | None, *, today: dt.date, now: dt.datetime, max_age: float) -> bool:
    return (snapshot is None or snapshot.built_for != today
            or (now - snapshot.built_at).total_seconds() >= max_age)


def fresh(session: so.Session, *, today: dt.date, max_age: float,
          inline_limit: float | None = None) -> tuple[StatsSnapshot, bool]:
    """The snapshot, rebuilt first (and committed) if there is none, it was built for another
    day, or it is *max_age* seconds old or older; but a stale snapshot whose rebuild took more
    than *inline_limit* seconds is returned as it is (a page must not wait a minute, and a
    worker's timeout would kill the rebuild): `flask statistics refresh` rebuilds it.
    Returns (snapshot, True if it is stale and was kept)."""
    snapshot = current(session)
    if not is_stale(snapshot, today=today, now=utcnow(), max_age=max_age):
        return snapshot, False
    if snapshot is not None and inline_limit is not None and snapshot.seconds > inline_limit:
        return snapshot, True
    snapshot = refresh(session, today)
    session.commit()
    return snapshot, False
