"""Coverage figures and the benchmarking report of one standard mapping as PDF (its CSV files and
workbook are `report_tables`).

The report follows the shape of ILO benchmarking reports: which standards were compared, by whom
and when; per unit mapping the relation, the justification and the gap; per destination unit
whether it is covered; and the overall coverage.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import get_locale
from flask_babel import gettext as _

from skills_cert.i18n import localized
from skills_cert.recognition import derived as recognition
from skills_cert.recognition.models import RELATION_LABELS, StandardMapping
from skills_cert.standards.labels import country_name


def coverage(mapping: StandardMapping) -> recognition.Coverage:
    """What the mapping gives a worker who achieved every origin unit."""
    return recognition.cover(
        [recognition.DestinationUnit(u.code, u.title, u.is_core) for u in mapping.destination.units],
        [recognition.Entry(tuple(e.origin_units), tuple(e.destination_units), e.relation, e.gap)
         for e in mapping.units],
        [u.code for u in mapping.origin.units],
        electives_required=mapping.destination.packaging_electives, bridging=mapping.bridging)


@dataclass(frozen=True)
class Figures:
    outcome: str
    destination_units: int
    covered: int        # by an equivalent mapping
    partly: int         # only by partial mappings
    missing: int        # by nothing
    origin_units: int
    origin_mapped: int  # origin units with at least one mapping (relation none included)

    @property
    def percent_covered(self) -> int:
        return round(100 * self.covered / self.destination_units) if self.destination_units else 0


def coverage_figures(mapping: StandardMapping) -> Figures:
    result = coverage(mapping)
    states = [u.state for u in result.units]
    mapped = {code for e in mapping.units for code in e.origin_units}
    return Figures(outcome=result.outcome, destination_units=len(states),
                   covered=states.count(recognition.COVERED), partly=states.count(recognition.PARTLY),
                   missing=states.count(recognition.MISSING), origin_units=len(mapping.origin.units),
                   origin_mapped=sum(1 for u in mapping.origin.units if u.code in mapped))


@dataclass(frozen=True)
class UnitRow:
    """One destination unit in the report: how it is covered, by what, and the gap."""

    code: str
    title: dict
    state: str
    by: tuple[str, ...]
    gaps: tuple[dict, ...]
    bridging: dict | None


def unit_rows(mapping: StandardMapping) -> list[UnitRow]:
    return [UnitRow(u.code, u.title, u.state, u.by, u.gaps, u.bridging) for u in coverage(mapping).units]


def state_label(state: str) -> str:
    return {recognition.COVERED: _("Covered"), recognition.PARTLY: _("Partly covered"),
            recognition.MISSING: _("Not covered")}[state]


def report_name(mapping: StandardMapping) -> str:
    return (f"benchmarking-{mapping.agreement.code}-v{mapping.agreement.version}-"
            f"{mapping.origin.code}-v{mapping.origin.version}-{mapping.destination.code}-v{mapping.destination.version}")


def _titles(standard) -> dict[str, dict]:
    return {u.code: u.title for u in standard.units}


def report_pdf(mapping: StandardMapping, locale: str | None = None) -> bytes:
    from skills_cert.recognition.mapping_report_pdf import ReportView, render_report

    locale = locale or str(get_locale())
    origin, destination = _titles(mapping.origin), _titles(mapping.destination)
    figures = coverage_figures(mapping)

    def text(value) -> str:
        return localized(value, locale) if value else ""

    agreement = mapping.agreement
    view = ReportView(
        title=_("Benchmarking report"),
        subtitle=f"{text(agreement.title)} ({agreement.code} v{agreement.version}, {agreement.reference})",
        origin=f"{country_name(mapping.origin.country)}: {text(mapping.origin.title)} — {mapping.origin.code} v{mapping.origin.version}",
        destination=f"{country_name(mapping.destination.country)}: {text(mapping.destination.title)} — "
                    f"{mapping.destination.code} v{mapping.destination.version}",
        compared=_("Compared by %(who)s on %(day)s", who=mapping.compared_by or "—",
                   day=mapping.compared_on.isoformat() if mapping.compared_on else "—"),
        summary=_("%(percent)d%% of the destination units are covered by equivalent units (%(covered)d of "
                  "%(total)d); %(partly)d partly covered; %(missing)d not covered. A full certificate is "
                  "recognised: %(outcome)s.", percent=figures.percent_covered, covered=figures.covered,
                  total=figures.destination_units, partly=figures.partly, missing=figures.missing,
                  outcome=outcome_label(figures.outcome)),
        mapping_heads=(_("Origin unit(s)"), _("Relation"), _("Destination unit(s)"), _("Justification"), _("Gap")),
        mappings=tuple((
            "\n".join(f"{c} {text(origin[c])}" for c in e.origin_units),
            str(RELATION_LABELS[e.relation]),
            "\n".join(f"{c} {text(destination[c])}" for c in e.destination_units) or "—",
            text(e.justification) + (f" [{' '.join(e.compared)}]" if e.compared else ""),
            text(e.gap) or "—") for e in mapping.units),
        coverage_heads=(_("Destination unit"), _("Coverage"), _("Covered by"), _("Gap and how to close it")),
        coverage=tuple((
            f"{r.code} {text(r.title)}", state_label(r.state), " + ".join(r.by) or "—",
            " ".join([text(g) for g in r.gaps] + ([text(r.bridging)] if r.bridging else [])) or "—")
            for r in unit_rows(mapping)),
        footer=_("skills_cert benchmarking report — %(name)s", name=report_name(mapping)),
    )
    return render_report(view)


def outcome_label(outcome: str) -> str:
    return {recognition.FULL: _("full recognition"), recognition.PARTIAL: _("partial recognition"),
            recognition.NONE: _("not recognised")}[outcome]
