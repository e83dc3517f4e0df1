"""The table of units achieved: the unit code, then its title in Lao, Thai and English."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from skills_cert.certification.wording import COLUMN_HEADS, LABELS, LANGS, RPL_CREDITED
from skills_cert.pdf.layout import MM, NAVY, RULE, TINT, Row, cell, draw_row, row

# (font size, cell padding), tried in turn until every unit fits on the first page
STEPS = ((8, 1.1 * MM), (7.5, 1.0 * MM), (7, 0.9 * MM), (6.5, 0.8 * MM))
LEADING = 1.4
PAD = 1.1 * MM  # left and right of the text in each cell
# Thai gets the widest title column: it has no spaces to break lines at.
CODE, LAO, THAI = 25 * MM, 48 * MM, 53 * MM


@dataclass(frozen=True)
class UnitsTable:
    x: float
    width: float

    @property
    def columns(self) -> tuple[float, float, float, float]:
        return CODE, LAO, THAI, self.width - CODE - LAO - THAI

    def head(self) -> Row:
        widths = self.columns
        code = " / ".join(LABELS["code"][lang] for lang in LANGS)
        cells = [cell(code, widths[0] - 2 * PAD, 7, 5.5, bold=True, color=NAVY)]
        cells += [cell(head, w - 2 * PAD, 7.5, 6, bold=True, color=NAVY)
                  for head, w in zip(COLUMN_HEADS, widths[1:], strict=True)]
        return row(cells, 0.9 * MM)

    def rows(self, units: Sequence[tuple[str, Mapping[str, str]]], size: float,
             pad: float, credited: frozenset[str] = frozenset()) -> list[Row]:
        """A row per unit: the code, then the title in each language (two lines at most, else the
        cell's font shrinks by up to 1 pt, then the title wraps further). A unit in *credited*
        says, in each language, that it was credited through RPL."""
        widths = self.columns
        rows = []
        for code, title in units:
            note = RPL_CREDITED if code in credited else None
            cells = [cell(code, widths[0] - 2 * PAD, size, 6, bold=True, leading=LEADING)]
            cells += [cell(f"{title[lang]} ({note[lang]})" if note else title[lang], w - 2 * PAD, size,
                           size - 1, leading=LEADING)
                      for lang, w in zip(LANGS, widths[1:], strict=True)]
            rows.append(row(cells, pad))
        return rows

    def draw(self, canvas, head: Row, rows: Sequence[Row], top: float) -> float:
        """The header row (tinted) and *rows*, ruled; returns the table's bottom."""
        x, right = self.x, self.x + self.width
        height = head.height + sum(r.height for r in rows)
        canvas.saveState()
        canvas.setFillColor(TINT)
        canvas.rect(x, top - head.height, self.width, head.height, stroke=0, fill=1)
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.4)
        y = top
        for r in (head, *rows):
            draw_row(canvas, r, x, y, self.columns, r.padding, PAD)
            y -= r.height
            canvas.line(x, y, right, y)
        for width in self.columns[:-1]:
            x += width
            canvas.line(x, top, x, top - height)
        canvas.setStrokeColor(NAVY)
        canvas.setLineWidth(0.7)
        canvas.rect(self.x, top - height, self.width, height)
        canvas.restoreState()
        return top - height


def paginate(rows: Sequence[Row], room: float) -> list[list[Row]]:
    """Rows for each further page, *room* points of rows per page."""
    pages: list[list[Row]] = []
    used = 0.0
    for r in rows:
        if not pages or used + r.height > room:
            pages.append([])
            used = 0.0
        pages[-1].append(r)
        used += r.height
    return pages
