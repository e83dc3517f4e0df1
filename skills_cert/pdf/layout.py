"""Small layout tools on top of `text`: a top-down flow of text blocks, and table rows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.lib.colors import Color, HexColor, black

from skills_cert.pdf import text

MM = 72 / 25.4
NAVY = HexColor("#1c3461")  # headings, borders: prints as a dark grey in black and white
GREY = HexColor("#4d4d4d")  # labels and fixed phrases
TINT = HexColor("#e8edf5")  # backgrounds of table heads and notes
RULE = HexColor("#9aa7bd")  # hairlines
ASCENT = 1.02   # baseline below the top of a line box, in font sizes (room for stacked marks)
LEADING = 1.5   # line box height in font sizes (Lao and Thai stack marks above and below)


@dataclass
class Flow:
    """Draws blocks of text downwards from `y`, the top of the next line box."""

    canvas: object
    y: float

    def skip(self, distance: float) -> None:
        self.y -= distance

    def lines(self, lines: Sequence[text.Line], x: float, size: float, align: str = "left",
              color: Color = black, leading: float = LEADING) -> None:
        self.canvas.setFillColor(color)
        for line in lines:
            text.draw_line(self.canvas, line, x, self.y - ASCENT * size, size, align)
            self.y -= leading * size

    def text(self, value: str, x: float, width: float, size: float, *,
             min_size: float | None = None, bold: bool = False, align: str = "left",
             max_lines: int = 1, color: Color = black, leading: float = LEADING) -> float:
        """Fit *value* into *width* (shrinking down to *min_size*, then wrapping) and draw it.
        *x* is the left edge; the text is aligned within [x, x + width]. Returns the size used."""
        used, lines = text.fit(value, width, size, min_size, bold, max_lines)
        anchor = {"left": x, "centre": x + width / 2, "right": x + width}[align]
        self.lines(lines, anchor, used, align, color, leading)
        return used


@dataclass(frozen=True)
class Cell:
    size: float
    lines: tuple[text.Line, ...]
    bold: bool = False
    color: Color = black
    leading: float = LEADING

    def height(self) -> float:
        return len(self.lines) * self.leading * self.size


def cell(value: str, width: float, size: float, min_size: float, *, bold: bool = False,
         max_lines: int = 2, color: Color = black, leading: float = LEADING) -> Cell:
    used, lines = text.fit(value, width, size, min_size, bold, max_lines)
    return Cell(used, tuple(lines), bold, color, leading)


@dataclass(frozen=True)
class Row:
    cells: tuple[Cell, ...]
    height: float
    padding: float


def row(cells: Sequence[Cell], padding: float) -> Row:
    return Row(tuple(cells), max(c.height() for c in cells) + 2 * padding, padding)


def draw_row(canvas, r: Row, x: float, top: float, widths: Sequence[float], padding: float,
             inset: float) -> None:
    """Draw the cells of *r* left-aligned in columns of *widths*, *padding* below *top* and
    *inset* from each column's left edge."""
    for c, width in zip(r.cells, widths, strict=True):
        draw_stack(canvas, (c,), x + inset, top - padding)
        x += width


def stack_height(cells: Sequence[Cell]) -> float:
    return sum(c.height() for c in cells)


def draw_stack(canvas, cells: Sequence[Cell], x: float, top: float, align: str = "left") -> float:
    """Draw *cells* one below the other from *top*; returns the y below the last one."""
    y = top
    for c in cells:
        canvas.setFillColor(c.color)
        for line in c.lines:
            text.draw_line(canvas, line, x, y - ASCENT * c.size, c.size, align)
            y -= c.leading * c.size
    return y
