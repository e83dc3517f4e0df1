"""Statistics for policy makers: aggregate figures on testing, certification, recognition and
verification, each filterable, every table protected by `suppression` before anyone sees it.

Only aggregate SQL runs here (GROUP BY, COUNT, CASE): no row about a person is loaded into Python.
Recognition, which is derived in Python, is computed once per (standard version, set of units
achieved) group, never per certificate.

- candidates tested: distinct candidates with an approved assessment in a session held in the
  period; pass rate: competent assessments over approved assessments;
- certificates: first issues in the period (reissues are not counted again), those revoked, and
  those expired today;
- recognition: certificates valid today, issued in the period, by destination standard;
- verifications: checks in the period, by month and channel (qr, manual, api).
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from dataclasses import dataclass

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import gettext as _

from skills_cert.i18n import localized
from skills_cert.models import (
    Assessment,
    AssessmentStatus,
    Candidate,
    Certificate,
    CertificateStatus,
    Outcome,
    Pathway,
    Sex,
    Standard,
    TestingCentre,
    TestSession,
    VerificationEvent,
)
from skills_cert.services import decisions, recognition
from skills_cert.services.suppression import Cell, Rate, Row, Table, protect
from skills_cert.services.verification import CHANNELS
from skills_cert.standards.labels import country_name

TOP_REASONS = 8


@dataclass(frozen=True)
class Filters:
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    province: str | None = None
    centre_id: int | None = None
    standard_code: str | None = None
    level: int | None = None
    pathway: str | None = None
    sex: str | None = None


def _month(session: so.Session, column):
    if session.get_bind().dialect.name == "postgresql":
        return sa.func.to_char(column, "YYYY-MM")
    return sa.func.strftime("%Y-%m", column)


TOTAL = sa.literal("total")  # the key of a total row: no GROUP BY (PostgreSQL refuses a constant)


def _grouped(stmt: sa.Select, key) -> sa.Select:
    return stmt if key is TOTAL else stmt.group_by(key)


def _needed(f: Filters, *grouped_by) -> set:
    """The models a select must join for the filters, besides the models of its grouping key.
    A join nothing refers to is left out: with a million rows, each costs a lookup per row."""
    needed = set(grouped_by)
    for wanted, model in ((f.province or f.centre_id, TestingCentre), (f.standard_code or f.level, Standard),
                          (f.sex, Candidate), (f.pathway, Assessment)):
        if wanted:
            needed.add(model)
    return needed


def _assessment_join(stmt: sa.Select, needed: set) -> sa.Select:
    """Assessments and their sessions, and of the centres, standards and candidates those needed."""
    stmt = stmt.select_from(Assessment).join(TestSession, TestSession.id == Assessment.session_id)
    if TestingCentre in needed:
        stmt = stmt.join(TestingCentre, TestingCentre.id == TestSession.centre_id)
    if Standard in needed:
        stmt = stmt.join(Standard, Standard.id == TestSession.standard_id)
    if Candidate in needed:
        stmt = stmt.join(Candidate, Candidate.id == Assessment.candidate_id)
    return stmt


def _where(stmt: sa.Select, f: Filters, day_column, *, datetime: bool = False) -> sa.Select:
    """The filters on a select that joins what `_needed` says."""
    if f.date_from:
        start = dt.datetime.combine(f.date_from, dt.time(), dt.timezone.utc) if datetime else f.date_from
        stmt = stmt.where(day_column >= start)
    if f.date_to:
        if datetime:
            end = dt.datetime.combine(f.date_to + dt.timedelta(days=1), dt.time(), dt.timezone.utc)
            stmt = stmt.where(day_column < end)
        else:
            stmt = stmt.where(day_column <= f.date_to)
    if f.province:
        stmt = stmt.where(TestingCentre.province == f.province)
    if f.centre_id:
        stmt = stmt.where(TestingCentre.id == f.centre_id)
    if f.standard_code:
        stmt = stmt.where(Standard.code == f.standard_code)
    if f.level:
        stmt = stmt.where(Standard.level == f.level)
    if f.pathway:
        stmt = stmt.where(Assessment.pathway == Pathway(f.pathway))
    if f.sex:
        stmt = stmt.where(Candidate.sex == Sex(f.sex))
    return stmt


# --- testing and pass rates --------------------------------------------------------------

def _testing_select(f: Filters, key, *models) -> sa.Select:
    competent = Assessment.outcome == Outcome.COMPETENT
    stmt = (sa.select(key.label("key"),
                      sa.func.count(sa.distinct(Assessment.candidate_id)).label("people"),
                      sa.func.count(Assessment.id).label("assessed"),
                      sa.func.sum(sa.case((competent, 1), else_=0)).label("competent"),
                      sa.func.count(sa.distinct(sa.case((competent, Assessment.candidate_id)))).label("cp"),
                      sa.func.count(sa.distinct(sa.case((~competent, Assessment.candidate_id)))).label("np"))
            .where(Assessment.status == AssessmentStatus.APPROVED))
    return _where(_grouped(_assessment_join(stmt, _needed(f, *models)), key), f, TestSession.test_date)


def _testing_row(key: str, label: str, r) -> Row:
    assessed, competent = r.assessed or 0, int(r.competent or 0)
    rate = round(100 * competent / assessed, 1) if assessed else None
    return Row(key, label, [Cell(r.people, r.people), Cell(assessed, r.people), Cell(competent, r.cp),
                            Cell(assessed - competent, r.np), Cell(rate)])


TESTING_KEYS = ("people", "assessed", "competent", "not_yet_competent", "pass_rate")


def _testing_heads(first: str) -> list[str]:
    return [first, _("Candidates tested"), _("Assessed"), _("Competent"), _("Not yet competent"),
            _("Pass rate (%)")]


def testing_total(session: so.Session, f: Filters):
    """The total row of every testing table (one query for them all)."""
    return session.execute(_testing_select(f, TOTAL)).one_or_none()


def testing_table(session: so.Session, f: Filters, by: str, labels: dict[str, str], total=None) -> Table:
    """Candidates tested and pass rate by *by*: sex, standard, province or month. *total* is
    `testing_total`, computed here if not given."""
    key, model = {"sex": (Candidate.sex, Candidate), "standard": (Standard.code, Standard),
                  "province": (TestingCentre.province, TestingCentre),
                  "month": (_month(session, TestSession.test_date), TestSession)}[by]
    rows = session.execute(_testing_select(f, key, model)).all()
    total = total if total is not None else testing_total(session, f)
    table_rows = [_testing_row(_key(r.key), labels.get(_key(r.key), _key(r.key)), r) for r in rows]
    table_rows.sort(key=lambda row: row.key)
    titles = {"sex": _("Testing by sex"), "standard": _("Testing by occupation (standard)"),
              "province": _("Testing by province"), "month": _("Testing by month")}
    firsts = {"sex": _("Sex"), "standard": _("Standard"), "province": _("Province"), "month": _("Month")}
    table = Table(f"testing_by_{by}", titles[by], _testing_heads(firsts[by]), table_rows,
                  total=_testing_row("total", _("Total"), total) if total else None,
                  additive=((1, (2, 3)),), rates=(Rate(4, 2, 1),))
    return protect(table)


def _key(value) -> str:
    return value.value if hasattr(value, "value") else str(value)


# --- reasons for "not yet competent" ----------------------------------------------------------

REASON_LABELS = {
    "knowledge_not_recorded": lambda: _("Knowledge test score not recorded."),
    "knowledge_below_pass_mark": lambda: _("Knowledge test below the pass mark"),
    "practical_not_counted": lambda: _("Knowledge test not passed, so the practical test does not count."),
    "safety_item_not_satisfactory": lambda: _("A safety-critical item not satisfactory"),
    "item_not_recorded": lambda: _("Checklist items not recorded"),
    "practical_below_pass_mark": lambda: _("Practical score below the pass mark"),
    "points_not_recorded": lambda: _("Practical points not recorded"),
    "too_few_electives": lambda: _("Too few elective units achieved"),
    "critical_item_not_satisfactory": lambda: _("A critical item not satisfactory"),
    "criterion_not_evidenced": lambda: _("A criterion without satisfactory evidence"),
}


def reason_label(code: str, unit: str | None) -> str:
    if code == "core_unit_not_competent" and unit:
        return decisions.Reason(code, (("unit", unit),), unit).message()
    label = REASON_LABELS[code]() if code in REASON_LABELS else code
    return f"{label} ({unit})" if unit else label


def _reason_parts(session: so.Session):
    """(element source, code expression, unit expression) for the rows of the reasons array."""
    if session.get_bind().dialect.name == "postgresql":
        items = sa.func.json_array_elements(Assessment.reasons).table_valued("value").render_derived()
        return items, items.c.value.op("->>")("code"), items.c.value.op("->>")("unit")
    items = sa.func.json_each(Assessment.reasons).table_valued("value")
    return (items, sa.func.json_extract(items.c.value, "$.code"),
            sa.func.json_extract(items.c.value, "$.unit"))


def reasons_table(session: so.Session, f: Filters) -> Table:
    """The most common reasons given by the rule engine for "not yet competent" decisions."""
    items, code, unit = _reason_parts(session)
    stmt = (sa.select(code.label("code"), unit.label("unit"),
                      sa.func.count(sa.distinct(Assessment.id)).label("assessments"),
                      sa.func.count(sa.distinct(Assessment.candidate_id)).label("people")))
    stmt = (_assessment_join(stmt, _needed(f))
            .join(items, sa.true())
            .where(Assessment.status == AssessmentStatus.APPROVED,
                   Assessment.outcome == Outcome.NOT_YET_COMPETENT)
            .group_by(code, unit)
            .order_by(sa.desc("assessments"), code, unit)
            .limit(TOP_REASONS))
    rows = [Row(f"{r.code}:{r.unit or ''}", reason_label(r.code, r.unit),
                [Cell(r.assessments, r.people), Cell(r.people, r.people)])
            for r in session.execute(_where(stmt, f, TestSession.test_date)).all()]
    table = Table("reasons", _("Most common reasons for “not yet competent”"),
                  [_("Reason"), _("Assessments"), _("Candidates")], rows, partition=False,
                  note=_("An assessment may give several reasons."))
    return protect(table)


# --- certificates ------------------------------------------------------------------------------

def _certificate_join(stmt: sa.Select, needed: set, *, outer: bool = False) -> sa.Select:
    """Certificates joined to what *needed* names (assessments and sessions only on the way to a
    centre or for the pathway); *outer* for a select from verification events."""
    def join(stmt: sa.Select, model, on) -> sa.Select:
        return stmt.outerjoin(model, on) if outer else stmt.join(model, on)

    if needed & {Assessment, TestingCentre}:
        stmt = join(stmt, Assessment, Assessment.id == Certificate.assessment_id)
    if TestingCentre in needed:
        stmt = join(stmt, TestSession, TestSession.id == Assessment.session_id)
        stmt = join(stmt, TestingCentre, TestingCentre.id == TestSession.centre_id)
    if Standard in needed:
        stmt = join(stmt, Standard, Standard.id == Certificate.standard_id)
    if Candidate in needed:
        stmt = join(stmt, Candidate, Candidate.id == Certificate.candidate_id)
    return stmt


def _count_where(condition):
    return (sa.func.sum(sa.case((condition, 1), else_=0)),
            sa.func.count(sa.distinct(sa.case((condition, Certificate.candidate_id)))))


def _certificate_select(f: Filters, key, today: dt.date, *models) -> sa.Select:
    issued = Certificate.reissue_of_id.is_(None)
    revoked = Certificate.status == CertificateStatus.REVOKED
    expired = sa.and_(Certificate.status == CertificateStatus.VALID, Certificate.expires_on < today)
    columns = [key.label("key")]
    for condition in (issued, revoked, expired):
        columns.extend(_count_where(condition))
    stmt = _certificate_join(sa.select(*columns).select_from(Certificate), _needed(f, *models))
    return _where(_grouped(stmt, key), f, Certificate.issued_on)


def _certificate_row(key: str, label: str, r) -> Row:
    values = list(r)[1:]
    return Row(key, label, [Cell(int(values[i] or 0), values[i + 1]) for i in (0, 2, 4)])


def certificates_table(session: so.Session, f: Filters, today: dt.date, labels: dict[str, str]) -> Table:
    rows = [_certificate_row(_key(r.key), labels.get(_key(r.key), _key(r.key)), r)
            for r in session.execute(_certificate_select(f, Candidate.sex, today, Candidate)).all()]
    total = session.execute(_certificate_select(f, TOTAL, today)).one_or_none()
    table = Table("certificates", _("Certificates issued, revoked and expired, by sex"),
                  [_("Sex"), _("Issued"), _("Revoked"), _("Expired")], sorted(rows, key=lambda r: r.key),
                  total=_certificate_row("total", _("Total"), total) if total else None,
                  note=_("Issued: first issues in the period; reissues are not counted again."))
    return protect(table)


# --- recognition abroad --------------------------------------------------------------------------

def _valid_on(stmt: sa.Select, f: Filters, today: dt.date) -> sa.Select:
    stmt = stmt.where(Certificate.status == CertificateStatus.VALID, Certificate.expires_on >= today)
    return _where(stmt, f, Certificate.issued_on)


def _recognition_groups(session: so.Session, f: Filters, today: dt.date):
    units = sa.cast(Certificate.units, sa.Text)
    stmt = _certificate_join(sa.select(Certificate.standard_id, units.label("units"),
                                       sa.func.count(Certificate.id).label("n")).select_from(Certificate),
                             _needed(f)).group_by(Certificate.standard_id, units)
    return session.execute(_valid_on(stmt, f, today)).all()


def _people_in(session: so.Session, f: Filters, today: dt.date, groups: list[tuple[int, str]]) -> int:
    if not groups:
        return 0
    units = sa.cast(Certificate.units, sa.Text)
    stmt = _certificate_join(sa.select(sa.func.count(sa.distinct(Certificate.candidate_id))).select_from(Certificate),
                             _needed(f))
    stmt = stmt.where(sa.or_(*(sa.and_(Certificate.standard_id == s, units == u) for s, u in groups)))
    return session.scalar(_valid_on(stmt, f, today)) or 0


def recognition_table(session: so.Session, f: Filters, today: dt.date, locale: str) -> Table:
    """Valid certificates of standards that an agreement maps abroad: recognised in full, in part
    or not, per destination standard and agreement. Recognition is derived once per group of
    certificates with the same standard version and the same units achieved."""
    counts: dict[tuple, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    groups: dict[tuple, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    labels: dict[tuple, str] = {}
    for standard_id, units_text, n in _recognition_groups(session, f, today):
        for found in recognition.recognitions(session, standard_id, json.loads(units_text), today):
            key = (found.country, found.agreement_code, found.destination_code)
            labels[key] = (f"{country_name(found.country)} — {found.agreement_code} v{found.agreement_version} — "
                           f"{localized(found.destination_title, locale)} ({found.destination_code})")
            for outcome in ("all", found.outcome):
                counts[key][outcome] += n
                groups[key][outcome].append((standard_id, units_text))
    rows = []
    for key in sorted(counts):
        c = counts[key]
        people = {o: _people_in(session, f, today, groups[key][o]) for o in ("all", *recognition_outcomes())}
        full, partial, all_ = c[recognition.FULL], c[recognition.PARTIAL], c["all"]
        rows.append(Row("|".join(key), labels[key], [
            Cell(all_, people["all"]), Cell(full, people[recognition.FULL]),
            Cell(partial, people[recognition.PARTIAL]), Cell(c[recognition.NONE], people[recognition.NONE]),
            Cell(round(100 * full / all_, 1) if all_ else None),
            Cell(round(100 * (full + partial) / all_, 1) if all_ else None)]))
    table = Table("recognition", _("Certificates recognised abroad, by destination and agreement"),
                  [_("Destination, agreement and standard"), _("Valid certificates"), _("Full recognition"),
                   _("Partial recognition"), _("Not recognised"), _("Full (%)"), _("Full or partial (%)")],
                  rows, additive=((0, (1, 2, 3)),), rates=(Rate(4, 1, 0), Rate(5, 1, 0), Rate(5, 2, 0)),
                  partition=False,
                  note=_("Certificates valid today and issued in the period; recognition as it stands today."))
    return protect(table)


def recognition_outcomes() -> tuple[str, str, str]:
    return recognition.FULL, recognition.PARTIAL, recognition.NONE


# --- verifications -------------------------------------------------------------------------------

def _verification_select(session: so.Session, f: Filters, key) -> sa.Select:
    columns = [key.label("key")]
    for channel in (*CHANNELS, None):
        condition = VerificationEvent.channel == channel if channel else sa.true()
        columns += [sa.func.sum(sa.case((condition, 1), else_=0)),
                    sa.func.count(sa.distinct(sa.case((condition, Certificate.candidate_id))))]
    stmt = (sa.select(*columns).select_from(VerificationEvent)
            .outerjoin(Certificate, Certificate.id == VerificationEvent.certificate_id))
    stmt = _certificate_join(stmt, _needed(f), outer=True)
    return _where(_grouped(stmt, key), f, VerificationEvent.at, datetime=True)


def _verification_row(key: str, label: str, r) -> Row:
    values = list(r)[1:]
    return Row(key, label, [Cell(int(values[i] or 0), values[i + 1]) for i in range(0, len(values), 2)])


def verifications_table(session: so.Session, f: Filters) -> Table:
    month = _month(session, VerificationEvent.at)
    rows = [_verification_row(r.key, r.key, r) for r in session.execute(_verification_select(session, f, month))]
    total = session.execute(_verification_select(session, f, TOTAL)).one_or_none()
    table = Table("verifications", _("Verifications per month, by channel"),
                  [_("Month"), _("QR code"), _("By number"), _("API"), _("All channels")],
                  sorted(rows, key=lambda r: r.key),
                  total=_verification_row("total", _("Total"), total) if total else None,
                  additive=((3, (0, 1, 2)),),
                  note=_("Cells about fewer than 5 certificate holders are suppressed; "
                         "checks of unknown certificates count under no holder."))
    return protect(table)
