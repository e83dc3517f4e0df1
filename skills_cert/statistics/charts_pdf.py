"""The dashboard's charts drawn into a PDF report: the same geometry as the inline SVG
(`statistics/charts.py`), drawn with ReportLab, its labels shaped like every other text in our PDFs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from reportlab.lib.colors import HexColor

from skills_cert.pdf import text
from skills_cert.pdf.layout import GREY, MM, RULE

if TYPE_CHECKING:  # charts arrive as data; the PDF layer does not depend on the blueprint
    from skills_cert.statistics.charts import Chart

SERIES = (HexColor("#0b4f8a"), HexColor("#c9622b"), HexColor("#2e8b57"))  # as in app.css
WARN = HexColor("#a61b1b")
ALIGN = {"start": "left", "middle": "centre", "end": "right"}
LABEL_SIZE, TICK_SIZE = 12, 10  # in chart units, as in app.css; scaled with the chart


def legend_height(chart: Chart) -> float:
    return 7 * MM if chart.legend else 0


def draw_chart(canvas, chart: Chart, left: float, top: float, scale: float) -> float:
    """Draw *chart* with its top-left corner at (left, top), *scale* points per chart unit;
    returns the height used (legend included)."""
    def x(value: float) -> float:
        return left + value * scale

    def y(value: float) -> float:
        return top - value * scale

    canvas.saveState()
    x1, y1, x2, y2 = chart.axis
    canvas.setLineWidth(0.5)
    for position, tick in chart.grid:
        canvas.setStrokeColor(RULE)
        canvas.setFillColor(GREY)
        if x1 == x2:  # horizontal bars: vertical grid lines, ticks along the bottom
            canvas.line(x(position), y(y1), x(position), y(y2))
            text.draw_text(canvas, x(position), y(chart.height - 6), tick, TICK_SIZE * scale, align="centre")
        else:  # columns: horizontal grid lines, ticks on the left
            canvas.line(x(x1), y(position), x(x2), y(position))
            text.draw_text(canvas, x(x1 - 4), y(position + 4), tick, TICK_SIZE * scale, align="right")
    for bar in chart.bars:
        canvas.setFillColor(SERIES[bar.series % len(SERIES)])
        canvas.rect(x(bar.x), y(bar.y + bar.height), bar.width * scale, bar.height * scale, stroke=0, fill=1)
    canvas.setStrokeColor(GREY)
    canvas.setLineWidth(0.8)
    canvas.line(x(x1), y(y1), x(x2), y(y2))
    canvas.setFillColor(HexColor("#1a1a1a"))
    for label in chart.labels:
        text.draw_text(canvas, x(label.x), y(label.y), label.text, LABEL_SIZE * scale, align=ALIGN[label.anchor])
    canvas.setFillColor(WARN)
    for marker in chart.markers:
        text.draw_text(canvas, x(marker.x), y(marker.y), marker.text, 13 * scale, bold=True,
                       align=ALIGN[marker.anchor])
    height = chart.height * scale
    if chart.legend:
        position, baseline = left, top - height - 4 * MM
        for series, name in chart.legend:
            canvas.setFillColor(SERIES[series % len(SERIES)])
            canvas.rect(position, baseline - 0.3 * MM, 2.6 * MM, 2.6 * MM, stroke=0, fill=1)
            canvas.setFillColor(GREY)
            position += 3.6 * MM + text.draw_text(canvas, position + 3.6 * MM, baseline, name, 8) + 5 * MM
    canvas.restoreState()
    return height + legend_height(chart)
