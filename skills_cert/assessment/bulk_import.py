"""Importing a session's results from CSV, for centres that recorded on paper or offline.

Every row is validated before anything is written. If any row is bad, nothing is imported,
unless the caller asks for the good rows only. Imported assessments are submitted for approval
with their computed decision, exactly as if the assessor had submitted them in the browser.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import gettext as _

from skills_cert import csv_cells
from skills_cert.accounts.models import User
from skills_cert.assessment import decisions, moderation
from skills_cert.assessment.models import (
    Assessment,
    AssessmentStatus,
    Candidate,
    ItemResult,
    Outcome,
    TestSession,
)
from skills_cert.assessment.recording import checklist_items, parse_number, reasons_to_json, rules_for
from skills_cert.assessment.sessions import accreditation_problem, is_assigned
from skills_cert.audit import log as audit
from skills_cert.columns import utcnow

FIXED_COLUMNS = ("session", "standard", "id_type", "id_number", "knowledge")
POINTS_PREFIX = "points:"
ITEM_VALUES = {"s": True, "1": True, "y": True, "n": False, "0": False}
BATCH = 1000


@dataclass
class RowError:
    line: int
    message: str


@dataclass
class ImportResult:
    rows: int = 0
    imported: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class _Row:
    line: int
    context: "_Context"
    candidate: Candidate
    assessment: Assessment | None
    knowledge: float
    items: dict[str, bool]
    points: dict[str, float]


def template_columns(test_session: TestSession, items, scoring) -> list[str]:
    columns = list(FIXED_COLUMNS) + [item.code for item in items]
    return columns + [POINTS_PREFIX + c["code"] for c in (scoring or {}).get("criteria", [])]


def write_template(session: so.Session, test_session: TestSession) -> str:
    """A CSV with the guideline's columns and one row per enrolled candidate, to fill in."""
    standard = test_session.standard
    columns = template_columns(test_session, checklist_items(session, standard), standard.guideline.scoring)
    out = io.StringIO()
    writer = csv_cells.writer(out)
    writer.writerow(columns)
    label = f"{standard.code} v{standard.version}"
    for assessment in test_session.assessments:
        person = assessment.candidate
        writer.writerow([test_session.id, label, person.id_type, person.id_number]
                        + [""] * (len(columns) - 4))
    return out.getvalue()


def decode(data: bytes) -> tuple[str | None, RowError | None]:
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        return None, RowError(line, _("The file is not UTF-8 text (first bad byte on line %(line)d). "
                                      "Save it as \"CSV UTF-8\" and try again.", line=line))


def import_results(session: so.Session, data: bytes, *, actor: User, today: dt.date,
                   good_rows_only: bool = False) -> ImportResult:
    """Validate then import. The caller commits when `result.imported` and rolls back otherwise."""
    result = ImportResult()
    text, error = decode(data)
    if error:
        result.errors.append(error)
        return result
    lines = _numbered(csv.reader(io.StringIO(text, newline="")))
    try:
        _line, header = next(lines, (1, None))
        if not header:
            result.errors.append(RowError(1, _("The file is empty.")))
            return result
        header = [h.strip() for h in header]
        rows = _validate(session, header, lines, actor=actor, today=today, result=result)
    except _Unreadable as exc:  # the rest of the file is unknown: nothing is imported, good rows neither
        result.errors.append(RowError(exc.line, _(
            "This row cannot be read: a value is longer than %(limit)d characters. Check that every "
            "quotation mark (\") is closed.", limit=csv.field_size_limit())))
        result.errors.sort(key=lambda error: error.line)
        return result
    if result.errors and not good_rows_only:
        return result
    _write(session, rows, actor=actor)
    result.imported = len(rows)
    return result


class _Unreadable(Exception):
    def __init__(self, line: int):
        super().__init__(line)
        self.line = line


def _numbered(reader):
    """(line, values) for each row, counted from 1 for the header. A row the csv module refuses
    (a value over its size limit, as an unclosed quotation mark makes) raises _Unreadable."""
    line = 0
    while True:
        line += 1
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise _Unreadable(line) from exc
        yield line, values


class _Context:
    """What a session's rows are checked against, loaded once per session."""

    def __init__(self, session: so.Session, test_session: TestSession, header: list[str]):
        standard = test_session.standard
        self.test_session = test_session
        self.label = f"{standard.code} v{standard.version}"
        self.items = checklist_items(session, standard)
        self.item_ids = {item.code: item.id for item in self.items}
        self.rules = rules_for(standard)
        self.scoring = standard.guideline.scoring
        expected = template_columns(test_session, self.items, self.scoring)
        self.header_problem = None
        if sorted(header) != sorted(expected):
            missing = [c for c in expected if c not in header]
            extra = [c for c in header if c not in expected]
            self.header_problem = _(
                "The columns do not match the guideline of %(standard)s (wrong template?). "
                "Missing: %(missing)s. Unknown: %(extra)s.", standard=self.label,
                missing=", ".join(missing) or "-", extra=", ".join(extra) or "-")
        self.assessments = {a.candidate_id: a for a in test_session.assessments}


def _validate(session, header, lines, *, actor, today, result) -> list[_Row]:
    if any(c not in header for c in FIXED_COLUMNS):
        result.errors.append(RowError(1, _("The first row must name the columns: %(columns)s, then "
                                           "one column per checklist item.", columns=", ".join(FIXED_COLUMNS))))
        return []
    contexts: dict[str, _Context | str] = {}
    records: list[tuple[int, _Context, dict]] = []
    for line, values in lines:
        if not any(v.strip() for v in values):
            continue
        result.rows += 1
        if len(values) != len(header):
            result.errors.append(RowError(line, _("This row has %(n)d values; the header has %(m)d.",
                                                  n=len(values), m=len(header))))
            continue
        # A value the app wrote with a quote before =, +, -, @ (csv_cells) reads as it was.
        record = {h: csv_cells.restore(v.strip()) for h, v in zip(header, values)}
        context = _context(session, contexts, record["session"], header, actor, today)
        if isinstance(context, str):
            result.errors.append(RowError(line, context))
            continue
        record["id_number"] = record["id_number"].replace(" ", "").replace("-", "").upper()
        records.append((line, context, record))
    people = _candidates(session, [record for _line, _context, record in records])
    seen: dict[tuple, int] = {}
    rows: list[_Row] = []
    for line, context, record in records:
        row = _check_row(context, record, people.get((record["id_type"], record["id_number"])),
                         line, seen, result)
        if row is not None:
            rows.append(row)
    result.errors.sort(key=lambda error: error.line)
    return rows


def _candidates(session: so.Session, records: list[dict]) -> dict[tuple[str, str], Candidate]:
    """The registered candidates the rows name, by (document type, number): a query per thousand
    numbers, not one per row."""
    wanted: dict[str, set[str]] = {}
    for record in records:
        wanted.setdefault(record["id_type"], set()).add(record["id_number"])
    found: dict[tuple[str, str], Candidate] = {}
    for id_type, numbers in wanted.items():  # by type: the unique index is (id_type, id_number)
        numbers = sorted(numbers)
        for start in range(0, len(numbers), BATCH):
            for candidate in session.scalars(sa.select(Candidate).where(
                    Candidate.id_type == id_type, Candidate.id_number.in_(numbers[start:start + BATCH]))):
                found[(candidate.id_type, candidate.id_number)] = candidate
    return found


def _context(session, contexts, raw_session: str, header, actor, today):
    if raw_session not in contexts:
        test_session = session.get(TestSession, int(raw_session)) if raw_session.isdigit() else None
        if test_session is None:
            contexts[raw_session] = _("There is no test session %(id)s.", id=raw_session or "-")
        elif not is_assigned(test_session, actor):
            contexts[raw_session] = _("%(name)s is not an assessor of test session %(id)s.",
                                      name=actor.full_name, id=raw_session)
        elif problem := accreditation_problem(session, actor, test_session.standard, today):
            contexts[raw_session] = problem
        else:
            context = _Context(session, test_session, header)
            contexts[raw_session] = context.header_problem or context
    return contexts[raw_session]


def _check_row(context: _Context, record: dict, candidate: Candidate | None, line: int, seen: dict,
               result) -> _Row | None:
    problems = []
    if record["standard"] != context.label:
        problems.append(_("Test session %(id)d tests %(expected)s, not %(given)s.",
                          id=context.test_session.id, expected=context.label, given=record["standard"] or "-"))
    number = record["id_number"]
    if candidate is None:
        document = {"national_id": _("National ID card"), "passport": _("Passport")}.get(
            record["id_type"], record["id_type"] or "-")
        problems.append(_("No registered candidate has %(type)s %(number)s.",
                          type=document, number=number or "-"))
    key = (context.test_session.id, record["id_type"], number)
    if key in seen:
        problems.append(_("The same candidate is already on line %(line)d.", line=seen[key]))
    seen.setdefault(key, line)
    assessment = context.assessments.get(candidate.id) if candidate else None
    if assessment is not None and not assessment.is_editable:
        problems.append(_("This candidate's assessment was already submitted."))
    knowledge = _percent(record["knowledge"], problems)
    items = {}
    for item in context.items:
        value = ITEM_VALUES.get(record[item.code].lower())
        if value is None:
            problems.append(_("Item %(code)s must be S (satisfactory) or N (not yet), not %(value)r.",
                              code=item.code, value=record[item.code]))
        items[item.code] = value
    points = {}
    for criterion in (context.scoring or {}).get("criteria", []):
        raw = record[POINTS_PREFIX + criterion["code"]]
        value = parse_number(raw)
        if value is None or not 0 <= value <= criterion["max_points"]:
            problems.append(_("Points for %(code)s must be a number from 0 to %(max)d, not %(value)r.",
                              code=criterion["code"], max=criterion["max_points"], value=raw))
        points[criterion["code"]] = value
    for problem in problems:
        result.errors.append(RowError(line, problem))
    if problems:
        return None
    return _Row(line, context, candidate, assessment, knowledge, items, points)


def _percent(raw: str, problems: list) -> float | None:
    value = parse_number(raw)
    if value is None or not 0 <= value <= 100:
        problems.append(_("The knowledge score must be a number from 0 to 100, not %(value)r.", value=raw))
    return value


def _write(session: so.Session, rows: list[_Row], *, actor: User) -> None:
    """Write the validated rows in batches: one INSERT per thousand rows, not one per object."""
    now = utcnow()
    for start in range(0, len(rows), BATCH):
        batch = rows[start:start + BATCH]
        _ensure_assessments(session, batch)
        session.execute(sa.delete(ItemResult).where(
            ItemResult.assessment_id.in_([r.assessment.id for r in batch])))
        results, updates, trail, checks = [], [], [], []
        for row in batch:
            decision = decisions.decide(row.context.rules, decisions.Evidence(
                knowledge_percent=row.knowledge, items=row.items, practical_points=row.points))
            checks.append((row.assessment.id, row.context.rules, decision))
            results += [{"assessment_id": row.assessment.id, "item_id": row.context.item_ids[code],
                         "satisfactory": value, "note": None} for code, value in row.items.items()]
            outcome = Outcome.COMPETENT if decision.competent else Outcome.NOT_YET_COMPETENT
            updates.append({
                "b_id": row.assessment.id, "knowledge_percent": row.knowledge,
                "practical_points": row.points, "status": AssessmentStatus.SUBMITTED,
                "outcome": outcome, "achieved_units": list(decision.achieved_units),
                "reasons": reasons_to_json(decision.reasons), "recorded_by_id": actor.id,
                "submitted_at": now, "updated_at": now, "return_reason": None,
                "version": row.assessment.version + 1,
            })
            trail.append((row.assessment.id, {"line": row.line, "outcome": outcome.value,
                                              "achieved_units": list(decision.achieved_units)}))
        session.execute(sa.insert(ItemResult.__table__), results)
        session.execute(_UPDATE, updates)
        checked = moderation.check_imported(session, checks)  # flags, and each draw's seed for the trail
        trail = [(aid, {**changes, "moderation": checked[aid]}) for aid, changes in trail]
        audit.record_many(session, actor=actor, action="assessment.import", object_type="assessment",
                          entries=trail)
    session.expire_all()


_table = Assessment.__table__
# A Core UPDATE by id, run once per batch with many parameter sets (executemany).
_UPDATE = _table.update().where(_table.c.id == sa.bindparam("b_id")).values(
    {name: sa.bindparam(name) for name in (
        "knowledge_percent", "practical_points", "status", "outcome", "achieved_units", "reasons",
        "recorded_by_id", "submitted_at", "updated_at", "return_reason", "version")})


def _ensure_assessments(session: so.Session, batch: list[_Row]) -> None:
    """Enrol, in one statement, the candidates of the batch who were not yet enrolled."""
    missing = [row for row in batch if row.assessment is None]
    if not missing:
        return
    new = session.scalars(sa.insert(Assessment).returning(Assessment), [
        {"session_id": row.context.test_session.id, "candidate_id": row.candidate.id,
         "pathway": row.candidate.pathway, "status": AssessmentStatus.DRAFT,
         "practical_points": {}, "achieved_units": [], "reasons": [], "version": 1,
         "updated_at": utcnow()} for row in missing]).all()
    by_candidate = {a.candidate_id: a for a in new}
    for row in missing:
        row.assessment = by_candidate[row.candidate.id]
