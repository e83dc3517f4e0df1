"""The statistics snapshot: build it from the registry, keep it fresh, and add up its cells.

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
from dataclasses import dataclass

import sqlalchemy as sa
import sqlalchemy.orm as so

from skills_cert.models import (
    Assessment,
    AssessmentStatus,
    Candidate,
    Certificate,
    CertificateStatus,
    Outcome,
    Standard,
    TestingCentre,
    TestSession,
    VerificationEvent,
)
from skills_cert.models.statistics import (
    StatsCell,
    StatsOverlap,
    StatsOverlapCell,
    StatsPair,
    StatsSnapshot,
    stats_rows,
)
from skills_cert.models.types import utcnow
from skills_cert.services.suppression import THRESHOLD

FAMILIES = ("testing", "reasons", "certificates", "recognition", "verifications")
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
                   Assessment.outcome == Outcome.NOT_YET_COMPETENT))


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


SOURCES = {"testing": _testing, "reasons": _reasons, "certificates": _certificates,
           "recognition": _recognition, "verifications": _verifications}


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


# --- reading ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Measure:
    """A column of a table: the rows counted (n) or the distinct people (people) in the cells
    where *where* holds (all cells if None)."""

    name: str
    kind: str  # "n" | "people"
    where: sa.ColumnElement | None = None
    # False for people counted only to decide suppression: the figure may then count someone
    # twice, but it is 0 only for nobody and below the threshold only when the true count is,
    # which is all that suppression asks. Exact counts cost a pass over the overlaps.
    exact: bool = True


def cell_filters(f) -> list[sa.ColumnElement]:
    """Conditions on cells for the dashboard's filters (`statistics.Filters`)."""
    conditions = []
    if f.date_from:
        conditions.append(StatsCell.month >= f.date_from.strftime("%Y-%m"))
    if f.date_to:
        conditions.append(StatsCell.month <= f.date_to.strftime("%Y-%m"))
    if f.province or f.centre_id:
        centres = sa.select(TestingCentre.id)
        if f.province:
            centres = centres.where(TestingCentre.province == f.province)
        if f.centre_id:
            centres = centres.where(TestingCentre.id == f.centre_id)
        conditions.append(StatsCell.centre_id.in_(centres))
    if f.standard_code or f.level:
        standards = sa.select(Standard.id)
        if f.standard_code:
            standards = standards.where(Standard.code == f.standard_code)
        if f.level:
            standards = standards.where(Standard.level == f.level)
        conditions.append(StatsCell.standard_id.in_(standards))
    if f.pathway:
        conditions.append(StatsCell.pathway == f.pathway)
    if f.sex:
        conditions.append(StatsCell.sex == f.sex)
    return conditions


def _grouping(key: str):
    """(expression, table to join or None) for grouping cells by *key*: a cell column,
    "standard" (its code), "province" (its centre's), "facet_detail" or "standard_detail" (two
    columns as one text), or "total" (no grouping: the expression is None)."""
    if key == "total":
        return None, None
    if key == "standard":
        return Standard.code, Standard
    if key == "province":
        return TestingCentre.province, TestingCentre
    if key == "facet_detail":
        return StatsCell.facet + sa.literal("|") + StatsCell.detail, None
    if key == "standard_detail":
        return sa.cast(StatsCell.standard_id, sa.String) + sa.literal("|") + StatsCell.detail, None
    return getattr(StatsCell, key), None  # month, sex, facet


def _join(stmt: sa.Select, tables: set) -> sa.Select:
    if Standard in tables:
        stmt = stmt.join(Standard, Standard.id == StatsCell.standard_id)
    if TestingCentre in tables:
        stmt = stmt.join(TestingCentre, TestingCentre.id == StatsCell.centre_id)
    return stmt


def _case(m: Measure, then):
    """*then* where the measure's condition holds, else NULL (which sums, minima and maxima skip)."""
    return then if m.where is None else sa.case((m.where, then))


Figures = dict[str, dict[str, dict[str, int]]]  # key -> group -> measure -> figure


def figures(session: so.Session, family: str, f, keys: list[str], measures: list[Measure],
            extra: tuple = ()) -> Figures:
    """{key: {group: {measure name: figure}}} over the family's cells that match the filters *f*
    and the conditions *extra*, for each grouping key (see `_grouping`). Only groups that have
    cells appear, except the one group of "total", which is always there."""
    where = [StatsCell.family == family, *cell_filters(f), *extra]
    bounded = [m for m in measures if m.kind == "people" and not m.exact]
    found: Figures = {}
    unsure: set[tuple[str, str, str]] = set()  # (key, group, measure) where a bound is not enough
    for key in keys:
        key_expr, table = _grouping(key)
        group = key_expr if key_expr is not None else sa.literal("total")
        sums = _join(sa.select(group.label("key"),
                               *(sa.func.sum(_case(m, getattr(StatsCell, m.kind))).label(m.name) for m in measures),
                               *(sa.func.max(_case(m, StatsCell.people)).label(f"{m.name}_max") for m in bounded))
                     .select_from(StatsCell), {table}).where(*where)
        if key_expr is not None:
            sums = sums.group_by(key_expr)
        found[key] = {}
        for r in session.execute(sums):
            found[key][str(r.key)] = {m.name: int(getattr(r, m.name) or 0) for m in measures}
            # Someone in several cells is counted once per cell: the sum is at least the true
            # count, and the largest cell at most. Only between the two can the threshold fall.
            unsure.update((key, str(r.key), m.name) for m in bounded
                          if (getattr(r, f"{m.name}_max") or 0) < THRESHOLD <= (getattr(r, m.name) or 0))
    people = [m for m in measures if m.kind == "people" and (m.exact or any(u[2] == m.name for u in unsure))]
    if people and any(v for groups in found.values() for row in groups.values() for v in row.values()):
        exact = {m.name for m in people if m.exact}
        if not exact:  # only the unsure groups need a look at the overlaps
            where.append(sa.or_(*(_grouping(key)[0].in_({g for k, g, _m in unsure if k == key})
                                  if key != "total" else sa.true()
                                  for key in {k for k, _g, _m in unsure})))
        for key, group, name, value in _shared(session, family, where, keys, people):
            if name in exact or (key, group, name) in unsure:
                found[key][group][name] -= value
    return found


def aggregate(session: so.Session, family: str, f, key: str, measures: list[Measure],
              extra: tuple = ()) -> dict[str, dict[str, int]]:
    """`figures` for one key."""
    return figures(session, family, f, [key], measures, extra)[key]


def _shared(session: so.Session, family: str, where: list, keys: list[str], people: list[Measure]):
    """(key, group, measure, people counted more than once) for the chosen cells. A set of cells
    shared by *weight* people, m of them in one group and chosen for the measure, counted each of
    those people m times instead of once.

    Sets of two cells, nearly all of them, are done for every key in one statement: a pair counts
    twice in a group when both its cells are chosen and in that group (the least and the greatest
    group of its chosen cells are the same). Larger sets, rare (three tests, say), are done key
    by key, only if there are any."""
    tables = {_grouping(key)[1] for key in keys}
    columns = []
    for i, m in enumerate(people):
        columns.append(sa.func.sum(_case(m, 1)).label(f"m{i}"))
        for k, key in enumerate(keys):
            key_expr = _grouping(key)[0]
            if key_expr is not None:
                columns += [sa.func.min(_case(m, key_expr)).label(f"lo{k}_{i}"),
                            sa.func.max(_case(m, key_expr)).label(f"hi{k}_{i}")]
    pairs = (_join(sa.select(StatsOverlap.weight, *columns).select_from(StatsOverlapCell)
                   .join(StatsCell, StatsCell.id == StatsOverlapCell.cell_id)
                   .join(StatsOverlap, StatsOverlap.id == StatsOverlapCell.overlap_id), tables)
             .where(*where, StatsOverlap.size == 2)
             .group_by(StatsOverlap.id, StatsOverlap.weight).cte("pairs").prefix_with("MATERIALIZED"))
    parts = []
    for i, m in enumerate(people):
        for k, key in enumerate(keys):
            counted = pairs.c[f"m{i}"] == 2
            if _grouping(key)[0] is None:
                parts.append(sa.select(sa.literal(k).label("k"), sa.literal(i).label("i"),
                                       sa.literal("total").label("grp"), sa.func.sum(pairs.c.weight).label("extra"))
                             .where(counted))
            else:
                lo, hi = pairs.c[f"lo{k}_{i}"], pairs.c[f"hi{k}_{i}"]
                parts.append(sa.select(sa.literal(k).label("k"), sa.literal(i).label("i"), lo.label("grp"),
                                       sa.func.sum(pairs.c.weight).label("extra"))
                             .where(counted, lo == hi).group_by(lo))
    for r in session.execute(sa.union_all(*parts)):
        if r.extra:
            yield keys[r.k], str(r.grp), people[r.i].name, int(r.extra)
    larger = sa.select(StatsOverlap.id).where(StatsOverlap.family == family, StatsOverlap.size > 2).limit(1)
    if session.scalar(larger) is not None:
        for key in keys:
            for group, corrections in _shared_larger(session, where, key, people).items():
                for name, value in corrections.items():
                    if value:
                        yield key, group, name, value


def _shared_larger(session: so.Session, where: list, key: str, people: list[Measure]) -> dict[str, dict[str, int]]:
    """For each group, the people in sets of three or more cells counted more than once."""
    key_expr, table = _grouping(key)
    group = key_expr if key_expr is not None else sa.literal("total")
    inner = (_join(sa.select(group.label("key"), StatsOverlapCell.overlap_id, StatsOverlap.weight,
                             *(sa.func.sum(_case(m, 1)).label(m.name) for m in people))
                   .select_from(StatsOverlapCell)
                   .join(StatsCell, StatsCell.id == StatsOverlapCell.cell_id)
                   .join(StatsOverlap, StatsOverlap.id == StatsOverlapCell.overlap_id), {table})
             .where(*where, StatsOverlap.size > 2)
             .group_by(*([key_expr] if key_expr is not None else []), StatsOverlapCell.overlap_id, StatsOverlap.weight)
             .subquery("shared"))
    outer = sa.select(inner.c.key, *(sa.func.sum(sa.case((inner.c[m.name] > 1, inner.c.weight * (inner.c[m.name] - 1)),
                                                         else_=0)).label(m.name) for m in people))
    return {str(r.key): {m.name: int(getattr(r, m.name) or 0) for m in people}
            for r in session.execute(outer.group_by(inner.c.key))}
