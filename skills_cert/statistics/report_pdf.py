"""The statistics report: A4 landscape, in one language, one table per figure, running over as
many pages as needed. Drawn with the shared report machinery (`pdf.report`), so Lao and
Thai text is shaped the same way as on certificates."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from skills_cert.pdf import text
from skills_cert.pdf.layout import MM
from skills_cert.pdf.report import LEFT, WIDTH, Report, Table
from skills_cert.statistics.charts_pdf import draw_chart, legend_height

if TYPE_CHECKING:
    from skills_cert.statistics.charts import Chart

# title, heads, rows, note, and the dashboard's chart of the table (or None)
Section = tuple[str, tuple[str, ...], tuple[tuple[str, ...], ...], str, "Chart | None"]
CHART_WIDTH = 0.62 * WIDTH  # points; a chart of the dashboard is 640 units wide


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
    for title, heads, rows, note, chart in view.tables:
        report.flow.skip(5 * MM)
        if chart is not None and not chart.empty:  # the heading goes over the page with its chart
            report.room_for(12 * 3 + _chart_height(chart))
        report.heading(title, 12)
        if note:
            report.paragraph(note, 8)
        if chart is not None and not chart.empty:
            _chart(report, chart)
        if rows:
            Table(report, heads, _fractions(len(heads))).rows(rows)
        else:
            report.paragraph(view.empty, 9)
    return report.finish()


def _chart_height(chart: Chart) -> float:
    scale = CHART_WIDTH / chart.width
    return chart.height * scale + legend_height(chart) + 12 * MM


def _chart(report: Report, chart: Chart) -> None:
    """The chart above its table, with its title; on the next page if it does not fit."""
    scale = CHART_WIDTH / chart.width
    report.room_for(_chart_height(chart))
    report.paragraph(chart.title, 9)
    report.flow.skip(1 * MM)
    report.flow.y -= draw_chart(report.canvas, chart, LEFT, report.flow.y, scale) + 3 * MM
