"""The statistics report: A4 landscape, in one language, one table per figure, running over as
many pages as needed. Drawn with the shared report machinery (`pdf.report`), so Lao and
Thai text is shaped the same way as on certificates."""

from __future__ import annotations

from dataclasses import dataclass

from skills_cert.pdf import text
from skills_cert.pdf.layout import MM
from skills_cert.pdf.report import Report, Table

Section = tuple[str, tuple[str, ...], tuple[tuple[str, ...], ...], str]  # title, heads, rows, note


@dataclass(frozen=True)
class StatisticsView:
    title: str
    subtitle: str
    rule: str
    tables: tuple[Section, ...]
    empty: str
    footer: str


def _fractions(columns: int) -> tuple[float, ...]:
    first = 0.34 if columns > 2 else 0.6
    rest = (1 - first) / (columns - 1)
    return (first, *([rest] * (columns - 1)))


def render_statistics(view: StatisticsView) -> bytes:
    text.register_fonts()
    report = Report(view)
    report.canvas.setCreator("skills_cert statistics report")
    report.heading(view.title, 16)
    report.paragraph(view.subtitle, 10)
    report.paragraph(view.rule, 9)
    for title, heads, rows, note in view.tables:
        report.flow.skip(5 * MM)
        report.heading(title, 12)
        if note:
            report.paragraph(note, 8)
        if rows:
            Table(report, heads, _fractions(len(heads))).rows(rows)
        else:
            report.paragraph(view.empty, 9)
    return report.finish()
