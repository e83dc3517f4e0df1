"""The benchmarking report of a standard mapping as three tables, for its CSV files and its Excel
workbook: the summary (one record: the agreement, the two standards, who compared them, the
coverage), the unit mappings, and the destination units' coverage.

Codes, relations and coverage states are machine codes in CSV files and words in the workbook;
titles and texts are in *locale*, the reader's language.
"""

from __future__ import annotations

from flask_babel import get_locale
from flask_babel import gettext as _

from skills_cert import exports
from skills_cert.exports import Coded, Column, Table
from skills_cert.i18n import localized
from skills_cert.recognition.mapping_report import (
    coverage_figures,
    outcome_label,
    report_name,
    state_label,
    unit_rows,
)
from skills_cert.recognition.models import RELATION_LABELS, StandardMapping
from skills_cert.standards.labels import country_name

PARTS = ("summary", "mappings", "coverage")


def _standard_columns(side: str, head: str) -> tuple[Column, ...]:
    return (Column(f"{side}_standard", head), Column(f"{side}_version", _("Version")),
            Column(f"{side}_title", _("Title")), Column(f"{side}_country", _("Country")))


def _standard_values(standard, locale: str) -> tuple:
    return (standard.code, standard.version, localized(standard.title, locale),
            Coded(standard.country, country_name(standard.country)))


def summary_table(mapping: StandardMapping, locale: str) -> Table:
    agreement, figures = mapping.agreement, coverage_figures(mapping)
    columns = (
        Column("agreement", _("Agreement")), Column("agreement_version", _("Version")),
        Column("agreement_title", _("Title")), Column("agreement_reference", _("Reference")),
        *_standard_columns("origin", _("Origin standard")),
        *_standard_columns("destination", _("Destination standard")),
        Column("compared_by", _("Compared by")), Column("compared_on", _("Compared on")),
        Column("destination_units", _("Destination units")), Column("covered", _("Covered")),
        Column("partly_covered", _("Partly covered")), Column("not_covered", _("Not covered")),
        Column("coverage_percent", _("Covered by equivalent units (%)")),
        Column("outcome_for_full_certificate", _("A full certificate is recognised")))
    values = (agreement.code, agreement.version, localized(agreement.title, locale), agreement.reference or None,
              *_standard_values(mapping.origin, locale), *_standard_values(mapping.destination, locale),
              mapping.compared_by or None, mapping.compared_on, figures.destination_units, figures.covered,
              figures.partly, figures.missing, figures.percent_covered,
              Coded(figures.outcome, outcome_label(figures.outcome)))
    return Table("summary", _("Benchmarking report"), columns, (values,), vertical=True,
                 sheet=_("Summary"), subtitle=report_name(mapping))


def mappings_table(mapping: StandardMapping, locale: str) -> Table:
    origin = {u.code: u.title for u in mapping.origin.units}
    destination = {u.code: u.title for u in mapping.destination.units}
    columns = (
        Column("origin_units", _("Origin unit(s)")), Column("origin_titles", _("Origin unit titles")),
        Column("relation", _("Relation")), Column("destination_units", _("Destination unit(s)")),
        Column("destination_titles", _("Destination unit titles")),
        Column("justification", _("Justification")), Column("gap", _("Gap")),
        Column("compared", _("Criteria compared")), Column("compared_by", _("Compared by")))
    rows = tuple((
        " + ".join(e.origin_units), " + ".join(localized(origin[c], locale) for c in e.origin_units),
        Coded(e.relation.value, str(RELATION_LABELS[e.relation])), " ".join(e.destination_units),
        " / ".join(localized(destination[c], locale) for c in e.destination_units),
        localized(e.justification, locale), localized(e.gap, locale) if e.gap else None,
        " ".join(e.compared), e.compared_by or mapping.compared_by or None) for e in mapping.units)
    return Table("mappings", _("Unit mappings"), columns, rows, subtitle=report_name(mapping))


def coverage_table(mapping: StandardMapping, locale: str) -> Table:
    columns = (
        Column("destination_unit", _("Destination unit")), Column("destination_title", _("Title")),
        Column("coverage", _("Coverage")), Column("covered_by", _("Covered by")), Column("gap", _("Gap")),
        Column("bridging", _("How to close the gap")))
    rows = tuple((
        r.code, localized(r.title, locale), Coded(r.state, state_label(r.state)), " ".join(r.by) or None,
        " | ".join(localized(g, locale) for g in r.gaps) or None,
        localized(r.bridging, locale) if r.bridging else None) for r in unit_rows(mapping))
    return Table("coverage", _("Coverage of the destination units"), columns, rows, subtitle=report_name(mapping))


def report_tables(mapping: StandardMapping, locale: str | None = None) -> list[Table]:
    """The three tables, in *locale* (default: the reader's language)."""
    locale = locale or str(get_locale())
    return [summary_table(mapping, locale), mappings_table(mapping, locale), coverage_table(mapping, locale)]


def report_part_csv(mapping: StandardMapping, part: str) -> str:
    return exports.to_csv(next(t for t in report_tables(mapping) if t.key == part))
