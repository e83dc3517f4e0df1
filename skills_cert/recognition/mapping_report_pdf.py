"""The benchmarking report of a standard mapping: A4 landscape, in one language, tables that run
over as many pages as they need (`pdf.report`)."""

from __future__ import annotations

from dataclasses import dataclass

from skills_cert.pdf import text
from skills_cert.pdf.layout import MM, NAVY
from skills_cert.pdf.report import Report, Table

MAPPING_COLUMNS = (0.2, 0.09, 0.2, 0.33, 0.18)
COVERAGE_COLUMNS = (0.3, 0.12, 0.14, 0.44)


@dataclass(frozen=True)
class ReportView:
    title: str
    subtitle: str
    origin: str
    destination: str
    compared: str
    summary: str
    mapping_heads: tuple[str, ...]
    mappings: tuple[tuple[str, ...], ...]
    coverage_heads: tuple[str, ...]
    coverage: tuple[tuple[str, ...], ...]
    footer: str


def render_report(view: ReportView) -> bytes:
    text.register_fonts()
    report = Report(view)
    report.heading(view.title, 16)
    report.paragraph(view.subtitle, 10, color=NAVY)
    report.flow.skip(2 * MM)
    for line in (view.origin, view.destination, view.compared):
        report.paragraph(line)
    report.flow.skip(2 * MM)
    report.paragraph(view.summary, 10, color=NAVY)
    report.flow.skip(4 * MM)
    Table(report, view.mapping_heads, MAPPING_COLUMNS).rows(view.mappings)
    report.flow.skip(6 * MM)
    Table(report, view.coverage_heads, COVERAGE_COLUMNS).rows(view.coverage)
    return report.finish()
