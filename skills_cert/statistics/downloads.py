"""The statistics tables as downloads: each table as CSV (for machines) and as an Excel workbook,
one table or the whole report (one sheet per table). Suppressed cells stay suppressed: "suppressed"
in CSV files, "×" in workbooks as on the dashboard, with the rule under each table.

CSV columns: `key` (the row's machine key: a month, a sex, a standard or unit code...), `label`
(the row in the reader's language), then the figures under the keys of `COLUMN_KEYS`.
"""

from __future__ import annotations

import datetime as dt
import re

from flask_babel import get_locale
from flask_babel import gettext as _

from skills_cert import exports, workbooks
from skills_cert.certification.verification import CHANNELS
from skills_cert.statistics import appeals
from skills_cert.statistics.report import TESTING_BY, Report, suppression_note
from skills_cert.statistics.suppression import Cell, Table

TESTING = ("candidates_tested", "assessed", "competent", "not_yet_competent", "pass_rate_percent")
COLUMN_KEYS = {
    **{f"testing_by_{by}": TESTING for by in TESTING_BY},
    "reasons": ("assessments", "candidates"),
    "rpl_credits": ("assessments", "candidates"),
    "certificates": ("issued", "revoked", "expired"),
    "recognition": ("valid_certificates", "full", "partial", "not_recognised", "full_percent",
                    "full_or_partial_percent"),
    "verifications": (*CHANNELS, "all"),
    "appeals_by_standard": appeals.COLUMNS,
    "appeals_by_centre": appeals.COLUMNS,
}
MONTH_TABLES = ("testing_by_month", "verifications")  # their rows are months
SUPPRESSED = exports.Coded("suppressed", "×")
NO_FIGURE = exports.Coded("", "—")  # a rate without a denominator
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def _figure(cell: Cell):
    if cell.suppressed:
        return SUPPRESSED
    return NO_FIGURE if cell.value is None else cell.value


def _label(table: Table, key: str, label: str):
    """A month row's label is a date in the workbook (shown as 2026-05), its text in CSV."""
    month = _MONTH.match(key) if table.key in MONTH_TABLES else None
    return exports.Coded(label, dt.date(int(month[1]), int(month[2]), 1)) if month else label


def export_table(table: Table, subtitle: str = "") -> exports.Table:
    keys = COLUMN_KEYS[table.key]
    columns = (exports.Column("key", "", in_workbook=False),
               exports.Column("label", table.heads[0], date_format="yyyy-mm"),
               *(exports.Column(key, head) for key, head in zip(keys, table.heads[1:], strict=True)))
    rows = [*table.rows, *([table.total] if table.total else [])]
    notes = tuple(n for n in (table.note, "× " + suppression_note()) if n)
    return exports.Table(
        table.key, table.title, columns,
        tuple((row.key, _label(table, row.key, row.label), *map(_figure, row.cells)) for row in rows),
        subtitle=subtitle, notes=notes, totals=1 if table.total else 0)


def table_csv(table: Table) -> str:
    return exports.to_csv(export_table(table))


def workbook(report: Report, subtitle: str) -> bytes:
    """The tables of *report* (all of them, or the one it was built with), one sheet each."""
    return workbooks.workbook([export_table(t, subtitle) for t in report.tables], locale=str(get_locale()),
                              title=_("Skills testing and certification statistics"))
