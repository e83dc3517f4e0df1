"""Chart geometry for inline SVG, computed on the server: no JavaScript, no external asset.

The templates draw what these functions return with SVG presentation attributes and CSS classes
(`.chart-*` in app.css), never inline styles, so the page's Content-Security-Policy holds.
A suppressed value gets no bar, only a marker, exactly as in the data table beside the chart.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _

from skills_cert.statistics.suppression import Table

WIDTH = 640
ROW = 30        # height of one bar row in a bar chart
LABEL = 250     # room for the row labels of a bar chart
PLOT_H = 200    # height of the plot area of a column chart


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    series: int
    text: str  # the value, drawn by the bar and read by screen readers in the <title>


@dataclass(frozen=True)
class Label:
    x: float
    y: float
    text: str
    anchor: str = "middle"


@dataclass
class Chart:
    title: str
    width: float
    height: float
    bars: list[Bar] = field(default_factory=list)
    labels: list[Label] = field(default_factory=list)
    markers: list[Label] = field(default_factory=list)  # suppressed values
    grid: list[tuple[float, str]] = field(default_factory=list)  # (y or x, text)
    legend: list[tuple[int, str]] = field(default_factory=list)
    axis: tuple[float, float, float, float] = (0, 0, 0, 0)  # x1, y1, x2, y2

    @property
    def empty(self) -> bool:
        return not self.bars and not self.markers


def _fmt(value) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _nice_max(value: float) -> float:
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000, 20000, 50000):
        if value <= step * 4:
            return step * 4
    return value


def bar_chart(table: Table, column: int, title: str, *, maximum: float | None = None,
              marker: str = "×") -> Chart:
    """Horizontal bars, one per row of *table*, for the values in *column* (e.g. a pass rate)."""
    rows = table.rows
    values = [r.cells[column].shown for r in rows]
    top = maximum or _nice_max(max([v for v in values if v] or [1]))
    plot = WIDTH - LABEL - 50
    chart = Chart(title, WIDTH, ROW * len(rows) + 30)
    chart.axis = (LABEL, 4, LABEL, ROW * len(rows) + 4)
    for n, row in enumerate(rows):
        y = 4 + n * ROW
        label = row.label if len(row.label) <= 38 else row.label[:37] + "…"
        chart.labels.append(Label(LABEL - 6, y + ROW * 0.62, label, "end"))
        value = values[n]
        if row.cells[column].suppressed:
            chart.markers.append(Label(LABEL + 8, y + ROW * 0.62, marker, "start"))
        elif value is not None:
            length = plot * float(value) / top
            chart.bars.append(Bar(LABEL, y + 5, max(length, 1), ROW - 10, 0, _fmt(value)))
            chart.labels.append(Label(LABEL + length + 4, y + ROW * 0.62, _fmt(value), "start"))
    for fraction in (0, 0.25, 0.5, 0.75, 1):
        chart.grid.append((LABEL + plot * fraction, _fmt(top * fraction)))
    return chart


def column_chart(table: Table, columns: list[tuple[int, str]], title: str, *, marker: str = "×") -> Chart:
    """Grouped vertical bars: one group per row of *table* (e.g. a month), one bar per column."""
    rows = table.rows
    left, bottom = 44, 10 + PLOT_H
    values = [[r.cells[c].shown for c, _ in columns] for r in rows]
    flat = [v for group in values for v in group if v]
    top = _nice_max(max(flat or [1]))
    chart = Chart(title, WIDTH, PLOT_H + 60)
    chart.axis = (left, bottom, WIDTH - 4, bottom)
    chart.legend = [(n, name) for n, (_c, name) in enumerate(columns)]
    slot = (WIDTH - left - 8) / max(len(rows), 1)
    bar_w = min(slot * 0.8 / len(columns), 28)
    for i, row in enumerate(rows):
        start = left + i * slot + (slot - bar_w * len(columns)) / 2
        for n, (column, _name) in enumerate(columns):
            x = start + n * bar_w
            value = values[i][n]
            if row.cells[column].suppressed:
                chart.markers.append(Label(x + bar_w / 2, bottom - 4, marker))
            elif value:
                height = PLOT_H * float(value) / top
                chart.bars.append(Bar(x, bottom - height, bar_w - 2, height, n, _fmt(value)))
        chart.labels.append(Label(left + i * slot + slot / 2, bottom + 16, row.label))
    for fraction in (0, 0.25, 0.5, 0.75, 1):
        chart.grid.append((bottom - PLOT_H * fraction, _fmt(top * fraction)))
    return chart


def report_charts(report) -> dict[str, Chart]:
    """The charts of a statistics report, by the key of the table each one pictures."""
    month = report.table("testing_by_month")
    return {
        "testing_by_month": column_chart(month, [(0, _("Candidates tested")), (2, _("Competent"))],
                                         _("Candidates tested and competent, by month")),
        "testing_by_sex": bar_chart(report.table("testing_by_sex"), 4, _("Pass rate (%) by sex"), maximum=100),
        "testing_by_standard": bar_chart(report.table("testing_by_standard"), 4,
                                         _("Pass rate (%) by occupation"), maximum=100),
        "testing_by_province": bar_chart(report.table("testing_by_province"), 0,
                                         _("Candidates tested by province")),
        "verifications": column_chart(report.table("verifications"),
                                      [(0, _("QR code")), (1, _("By number")), (2, _("API"))],
                                      _("Verifications per month, by channel")),
    }
