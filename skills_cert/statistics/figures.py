"""Statistics for policy makers: aggregate figures on testing, certification, recognition and
verification, each filterable, every table protected by `suppression` before anyone sees it.

The figures are read from the statistics snapshot (built by `snapshot.py`, added up by `cells.py`):
cells of counts built ahead of time, with the distinct people in them kept exact. No row about a person is read here.
Recognition, which is derived in Python, is computed once per (standard version, set of units
achieved) group, never per certificate.

- candidates tested: distinct candidates with an approved assessment in a session held in the
  period; pass rate: competent assessments over approved assessments;
- certificates: first issues in the period (reissues are not counted again), those revoked, and
  those expired on the snapshot's day;
- recognition: certificates valid on the snapshot's day, issued in the period, by destination
  standard;
- verifications: checks in the period, by month and channel (qr, manual, api).

Periods are whole calendar months: a filter from a day counts from the first of its month, and to
a day up to the end of its month.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from dataclasses import dataclass

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import gettext as _

from skills_cert.assessment import decisions
from skills_cert.assessment.models import Outcome
from skills_cert.certification.verification import CHANNELS
from skills_cert.i18n import localized
from skills_cert.recognition import derived as recognition
from skills_cert.standards.labels import country_name
from skills_cert.statistics.cells import Figures, Measure, aggregate, figures
from skills_cert.statistics.models import StatsCell
from skills_cert.statistics.snapshot import FIRST_ISSUE, STATE_EXPIRED, STATE_REVOKED
from skills_cert.statistics.suppression import Cell, Rate, Row, Table, protect

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



# --- testing and pass rates --------------------------------------------------------------

COMPETENT = StatsCell.facet == Outcome.COMPETENT.value
TESTING_MEASURES = [Measure("people", "people"), Measure("assessed", "n"), Measure("competent", "n", COMPETENT),
                    Measure("cp", "people", COMPETENT, exact=False), Measure("np", "people", ~COMPETENT, exact=False)]
TESTING_KEYS = ("people", "assessed", "competent", "not_yet_competent", "pass_rate")


def _testing_row(key: str, label: str, r: dict) -> Row:
    assessed, competent = r["assessed"], r["competent"]
    rate = round(100 * competent / assessed, 1) if assessed else None
    return Row(key, label, [Cell(r["people"], r["people"]), Cell(assessed, r["people"]), Cell(competent, r["cp"]),
                            Cell(assessed - competent, r["np"]), Cell(rate)])


def _testing_heads(first: str) -> list[str]:
    return [first, _("Candidates tested"), _("Assessed"), _("Competent"), _("Not yet competent"),
            _("Pass rate (%)")]


def testing_figures(session: so.Session, f: Filters, keys: list[str]) -> Figures:
    """The figures of the testing tables by each of *keys*, and their total, in one go."""
    return figures(session, "testing", f, [*keys, "total"], TESTING_MEASURES)


def testing_table(session: so.Session, f: Filters, by: str, labels: dict[str, str],
                  found: Figures | None = None) -> Table:
    """Candidates tested and pass rate by *by*: sex, standard, province or month. *found* is
    `testing_figures` for *by* among others, computed here if not given."""
    found = found or testing_figures(session, f, [by])
    rows = sorted((_testing_row(k, labels.get(k, k), r) for k, r in found[by].items()), key=lambda row: row.key)
    total = found["total"]["total"]
    titles = {"sex": _("Testing by sex"), "standard": _("Testing by occupation (standard)"),
              "province": _("Testing by province"), "month": _("Testing by month")}
    firsts = {"sex": _("Sex"), "standard": _("Standard"), "province": _("Province"), "month": _("Month")}
    table = Table(f"testing_by_{by}", titles[by], _testing_heads(firsts[by]), rows,
                  total=_testing_row("total", _("Total"), total),
                  additive=((1, (2, 3)),), rates=(Rate(4, 2, 1),))
    return protect(table)


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


def reasons_table(session: so.Session, f: Filters) -> Table:
    """The most common reasons given by the rule engine for "not yet competent" decisions."""
    found = aggregate(session, "reasons", f, "facet_detail",
                      [Measure("assessments", "n"), Measure("people", "people")])
    top = sorted(found.items(), key=lambda kv: (-kv[1]["assessments"], kv[0]))[:TOP_REASONS]
    rows = []
    for k, r in top:
        code, unit = k.split("|", 1)
        rows.append(Row(f"{code}:{unit}", reason_label(code, unit or None),
                        [Cell(r["assessments"], r["people"]), Cell(r["people"], r["people"])]))
    table = Table("reasons", _("Most common reasons for “not yet competent”"),
                  [_("Reason"), _("Assessments"), _("Candidates")], rows, partition=False,
                  note=_("An assessment may give several reasons."))
    return protect(table)


# --- certificates ------------------------------------------------------------------------------

def _counted_with_people(*columns: tuple[str, sa.ColumnElement | None]) -> list[Measure]:
    """For each (name, condition): the rows counted, and as "<name>_people" the people behind them."""
    return [m for name, where in columns
            for m in (Measure(name, "n", where), Measure(f"{name}_people", "people", where, exact=False))]


CERTIFICATE_MEASURES = _counted_with_people(
    ("issued", StatsCell.detail == FIRST_ISSUE), ("revoked", StatsCell.facet == STATE_REVOKED),
    ("expired", StatsCell.facet == STATE_EXPIRED))


def _certificate_row(key: str, label: str, r: dict) -> Row:
    return Row(key, label, [Cell(r[name], r[f"{name}_people"]) for name in ("issued", "revoked", "expired")])


def certificates_table(session: so.Session, f: Filters, today: dt.date, labels: dict[str, str]) -> Table:
    found = figures(session, "certificates", f, ["sex", "total"], CERTIFICATE_MEASURES)
    total = found["total"]["total"]
    rows = sorted((_certificate_row(k, labels.get(k, k), r) for k, r in found["sex"].items()), key=lambda r: r.key)
    table = Table("certificates", _("Certificates issued, revoked and expired, by sex"),
                  [_("Sex"), _("Issued"), _("Revoked"), _("Expired")], rows,
                  total=_certificate_row("total", _("Total"), total),
                  note=_("Issued: first issues in the period; reissues are not counted again."))
    return protect(table)


# --- recognition abroad --------------------------------------------------------------------------

def _in_groups(groups: list[str]):
    """Cells of the recognition family whose "standard id|units" is one of *groups*."""
    pairs = [(int(g.split("|", 1)[0]), g.split("|", 1)[1]) for g in groups]
    return sa.tuple_(StatsCell.standard_id, StatsCell.detail).in_(pairs) if pairs else sa.false()


def recognition_table(session: so.Session, f: Filters, today: dt.date, locale: str) -> Table:
    """Valid certificates of standards that an agreement maps abroad: recognised in full, in part
    or not, per destination standard and agreement. Recognition is derived once per group of
    certificates with the same standard version and the same units achieved."""
    counts: dict[tuple, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    groups: dict[tuple, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    labels: dict[tuple, str] = {}
    stamp = recognition.mrs_stamp(session)
    for group, r in aggregate(session, "recognition", f, "standard_detail", [Measure("n", "n")]).items():
        standard_id, units_text = group.split("|", 1)
        for found in recognition.cached(session, int(standard_id), json.loads(units_text), today, stamp):
            key = (found.country, found.agreement_code, found.destination_code)
            labels[key] = (f"{country_name(found.country)} — {found.agreement_code} v{found.agreement_version} — "
                           f"{localized(found.destination_title, locale)} ({found.destination_code})")
            for outcome in ("all", found.outcome):
                counts[key][outcome] += r["n"]
                groups[key][outcome].append(group)
    rows = []
    for key in sorted(counts):
        c = counts[key]
        measures = [Measure(o, "people", _in_groups(groups[key][o]), exact=False)
                    for o in ("all", *recognition_outcomes())]
        people = aggregate(session, "recognition", f, "total", measures, extra=(_in_groups(groups[key]["all"]),))
        people = people["total"]
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

VERIFICATION_MEASURES = _counted_with_people(*((channel, StatsCell.facet == channel) for channel in CHANNELS),
                                             ("all", None))


def _verification_row(key: str, label: str, r: dict) -> Row:
    return Row(key, label, [Cell(r[name], r[f"{name}_people"]) for name in (*CHANNELS, "all")])


def verifications_table(session: so.Session, f: Filters) -> Table:
    found = figures(session, "verifications", f, ["month", "total"], VERIFICATION_MEASURES)
    total = found["total"]["total"]
    table = Table("verifications", _("Verifications per month, by channel"),
                  [_("Month"), _("QR code"), _("By number"), _("API"), _("All channels")],
                  sorted((_verification_row(k, k, r) for k, r in found["month"].items()), key=lambda r: r.key),
                  total=_verification_row("total", _("Total"), total),
                  additive=((3, (0, 1, 2)),),
                  note=_("Cells about fewer than 5 certificate holders are suppressed; "
                         "checks of unknown certificates count under no holder."))
    return protect(table)
