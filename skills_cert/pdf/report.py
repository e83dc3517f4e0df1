"""Multi-page reports in one language on A4 landscape: headings, paragraphs, and tables that run
over as many pages as they need. Text goes through the same shaping as the certificate, so Lao and
Thai are drawn correctly. Used by the benchmarking and the statistics reports."""

from __future__ import annotations

import io
from collections.abc import Sequence

from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen.canvas import Canvas

from skills_cert.pdf import text
from skills_cert.pdf.layout import GREY, MM, NAVY, RULE, TINT, Cell, Flow, cell, draw_stack, stack_height

PAGE_W, PAGE_H = landscape(A4)
LEFT, RIGHT, TOP, BOTTOM = 14 * MM, PAGE_W - 14 * MM, PAGE_H - 14 * MM, 16 * MM
WIDTH = RIGHT - LEFT
PAD = 1.2 * MM
SIZE = 8


def _stack(value: str, width: float, bold: bool = False, color=None) -> list[Cell]:
    """A table cell's paragraphs ("\\n"-separated), each wrapped to *width*."""
    extra = {"color": color} if color is not None else {}
    return [cell(paragraph, width - 2 * PAD, SIZE, SIZE, bold=bold, max_lines=60, leading=1.45, **extra)
            for paragraph in value.split("\n") if paragraph.strip()] or [cell("—", width, SIZE, SIZE)]


class Table:
    def __init__(self, report: Report, heads: Sequence[str], fractions: Sequence[float]):
        self.report = report
        self.widths = [WIDTH * f for f in fractions]
        self.head = [_stack(h, w, bold=True, color=NAVY) for h, w in zip(heads, self.widths, strict=True)]

    def _height(self, stacks) -> float:
        return max(stack_height(s) for s in stacks) + 2 * PAD

    def _draw(self, stacks, tint: bool = False) -> None:
        flow = self.report.flow
        height = self._height(stacks)
        canvas = self.report.canvas
        if tint:
            canvas.setFillColor(TINT)
            canvas.rect(LEFT, flow.y - height, WIDTH, height, stroke=0, fill=1)
        x = LEFT
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.4)
        for stack, width in zip(stacks, self.widths, strict=True):
            draw_stack(canvas, stack, x + PAD, flow.y - PAD)
            canvas.rect(x, flow.y - height, width, height, stroke=1, fill=0)
            x += width
        flow.y -= height

    def rows(self, rows: Sequence[Sequence[str]]) -> None:
        self.report.room_for(self._height(self.head) + 12 * MM)
        self._draw(self.head, tint=True)
        for values in rows:
            stacks = [_stack(v, w) for v, w in zip(values, self.widths, strict=True)]
            if self.report.room_for(self._height(stacks)):
                self._draw(self.head, tint=True)
            self._draw(stacks)


class Report:
    def __init__(self, view):
        """*view* has the report's title, subtitle and footer."""
        self.view = view
        self.buffer = io.BytesIO()
        self.canvas = Canvas(self.buffer, pagesize=(PAGE_W, PAGE_H), invariant=1, pageCompression=1)
        self.canvas.setTitle(view.title)
        self.canvas.setSubject(view.subtitle)
        self.canvas.setCreator("skills_cert benchmarking report")
        self.page = 1
        self.flow = Flow(self.canvas, TOP)

    def room_for(self, height: float) -> bool:
        """Start a new page if *height* does not fit; True if it did."""
        if self.flow.y - height >= BOTTOM:
            return False
        self._footer()
        self.canvas.showPage()
        self.page += 1
        self.flow = Flow(self.canvas, TOP)
        return True

    def _footer(self) -> None:
        self.canvas.setFillColor(GREY)
        text.draw_text(self.canvas, LEFT, 9 * MM, self.view.footer, 7)
        text.draw_text(self.canvas, RIGHT, 9 * MM, str(self.page), 7, align="right")

    def heading(self, value: str, size: float) -> None:
        self.room_for(size * 3)
        self.flow.text(value, LEFT, WIDTH, size, bold=True, color=NAVY, max_lines=3)
        self.flow.skip(1 * MM)

    def paragraph(self, value: str, size: float = 9, color=None) -> None:
        lines = text.fit(value, WIDTH, size, size, False, 20)[1]
        self.room_for(len(lines) * size * 1.5)
        self.flow.lines(lines, LEFT, size, color=color or GREY)

    def finish(self) -> bytes:
        self._footer()
        self.canvas.showPage()
        self.canvas.save()
        return self.buffer.getvalue()
