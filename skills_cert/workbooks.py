"""Exported tables (`exports.Table`) as an Excel workbook (.xlsx), for people to open in a
spreadsheet program: one sheet per table.

Each sheet has the table's title and subtitle, then its header row in the reader's language
(frozen, and repeated on every printed page), then the rows: numbers as numbers, dates as dates,
a `Coded` value as what people read. Text is always text: a title such as "=cmd|..." is written
as a string, never as a formula. Cells in Lao or Thai name a font that has the script (Phetsarath
OT, the Lao government's font; Leelawadee UI, Windows' Thai and Lao font), and the workbook's
language is set, so a spreadsheet program picks the right fonts and line breaking. Columns are
as wide as their longest value (within limits); longer text wraps.

Cells are formatted through named styles made once per workbook (`_Styles`): giving each of ten
thousand cells its own font object would take openpyxl over a minute.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
import unicodedata
from functools import lru_cache
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter

from skills_cert.exports import Coded, Column, Table

try:
    from icu4py.breakers import LineBreaker
except ImportError:  # pragma: no cover - icu4py is a dependency; without it tab names are cut anywhere
    LineBreaker = None

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LANGUAGE_TAGS = {"lo": "lo-LA", "th": "th-TH", "en": "en"}
LAO_FONT, THAI_FONT, LATIN_FONT = "Phetsarath OT", "Leelawadee UI", "Calibri"
SIZE = 11
HEADER_ROW = 3  # title, subtitle, then the header
MIN_WIDTH, MAX_WIDTH = 8, 60
NAVY, WARN, GREY = "1C3461", "A61B1B", "4D4D4D"
NUMBER_FORMATS = {int: "#,##0", float: "0.0##"}
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
_SHEET_NAME = re.compile(r"[\[\]:*?/\\]")


@lru_cache(maxsize=4096)
def font_name(text: str) -> str:
    """A font with the script of *text*: Lao, Thai, or the spreadsheet's usual Latin font."""
    if any("\u0e80" <= ch <= "\u0eff" for ch in text):
        return LAO_FONT
    if any("\u0e00" <= ch <= "\u0e7f" for ch in text):
        return THAI_FONT
    return LATIN_FONT


class _Styles:
    """Named styles, each made once per workbook and then given to cells by name."""

    def __init__(self, book: Workbook):
        self.book, self.made = book, {}

    def __call__(self, *, font: str = LATIN_FONT, size: int = SIZE, bold: bool = False, color: str | None = None,
                 number_format: str = "General", wrap: bool = False, right: bool = False,
                 head: bool = False) -> str:
        key = (font, size, bold, color, number_format, wrap, right, head)
        if key not in self.made:
            words = [font, str(size), "bold" * bold, "wrapped" * wrap, "right" * right, "header" * head,
                     {WARN: "marked", GREY: "note", NAVY: "heading"}.get(color or "", ""),
                     "" if number_format == "General" else number_format]
            style = NamedStyle(name=" ".join(w for w in words if w),
                               font=Font(name=font, size=size, bold=bold, color=color),
                               number_format=number_format,
                               alignment=Alignment(wrap_text=wrap, vertical="top", horizontal="right" if right else None))
            if head:
                style.fill = PatternFill("solid", fgColor="E8EDF5")
                style.border = Border(bottom=Side(style="thin", color="9AA7BD"))
            self.book.add_named_style(style)
            self.made[key] = style.name
        return self.made[key]


@lru_cache(maxsize=4096)
def _length(text: str) -> float:
    """Roughly how many Latin characters wide *text* is: marks above and below take no room, and
    Lao and Thai letters are a little wider."""
    width = 0.0
    for ch in text:
        if unicodedata.category(ch) in ("Mn", "Me", "Cf"):
            continue
        width += 1.2 if "\u0e00" <= ch <= "\u0eff" else 1.0
    return width


def _shown(value: Any) -> Any:
    return value.shown if isinstance(value, Coded) else value


def _text(sheet, row: int, col: int, text: str, style: str) -> None:
    cell = sheet.cell(row=row, column=col, value=ILLEGAL_CHARACTERS_RE.sub("", text))
    cell.data_type = "s"  # never a formula, whatever the text begins with
    cell.style = style


def _put(sheet, styles: _Styles, row: int, col: int, value: Any, column: Column, *, bold: bool = False,
         wrap: bool = False) -> None:
    shown = _shown(value)
    if isinstance(value, Coded) and value.code == "suppressed":
        _text(sheet, row, col, str(shown), styles(bold=True, color=WARN, right=True))
        return
    if isinstance(shown, str):
        _text(sheet, row, col, shown, styles(font=font_name(shown), bold=bold, wrap=wrap))
        return
    cell = sheet.cell(row=row, column=col)
    number_format = "General"
    if isinstance(shown, dt.datetime):
        cell.value = (shown.astimezone(dt.UTC) if shown.tzinfo else shown).replace(tzinfo=None)
        number_format = DATETIME_FORMAT
    elif isinstance(shown, dt.date):
        cell.value, number_format = shown, column.date_format
    elif isinstance(shown, int | float) and not isinstance(shown, bool):
        cell.value, number_format = shown, NUMBER_FORMATS[type(shown)]
    elif shown is not None:
        _text(sheet, row, col, str(shown), styles(bold=bold))
        return
    cell.style = styles(bold=bold, number_format=number_format)


def _widths(table: Table) -> list[float]:
    widths = []
    for index, column in enumerate(table.columns):
        values = [_shown(row[index]) for row in table.rows]
        longest = max([_length(v) if isinstance(v, str) else 12 if isinstance(v, dt.date) else len(str(v))
                       for v in values if v is not None] or [0])
        head = min(_length(column.head), 24)  # a long head wraps
        widths.append(min(max(longest, head, MIN_WIDTH - 2) + 2, MAX_WIDTH))
    return widths


def _cut(text: str, length: int) -> str:
    """*text* cut to *length* characters: between words if that keeps most of it (ICU knows where
    Lao and Thai words end), and never between a letter and its vowel or tone mark."""
    if len(text) <= length:
        return text
    ends = [end for _start, end in LineBreaker(text, "und").segments()] if LineBreaker else []
    end = max((e for e in ends if e <= length), default=0)
    if end >= length // 2:
        return text[:end].rstrip(" ,;(")
    while length > 1 and unicodedata.category(text[length])[0] == "M":
        length -= 1
    return text[:length].rstrip()


def sheet_name(title: str, taken: set[str]) -> str:
    """A tab name from *title*: at most 31 characters, none of []:*?/\\, unique in the workbook."""
    base = _SHEET_NAME.sub(" ", title).strip() or "Sheet"
    name, n = _cut(base, 31), 1
    while name.casefold() in taken:
        n += 1
        suffix = f" ({n})"
        name = _cut(base, 31 - len(suffix)) + suffix
    taken.add(name.casefold())
    return name


def _heading(sheet, styles: _Styles, table: Table) -> None:
    _text(sheet, 1, 1, table.title, styles(font=font_name(table.title), size=SIZE + 2, bold=True, color=NAVY))
    if table.subtitle:
        _text(sheet, 2, 1, table.subtitle, styles(font=font_name(table.subtitle), color=GREY))


def _notes(sheet, styles: _Styles, table: Table, row: int) -> None:
    for note in table.notes:
        row += 1
        _text(sheet, row, 1, note, styles(font=font_name(note), color=GREY))


def _grid(sheet, styles: _Styles, table: Table) -> int:
    """The header row and the rows; returns the last row used."""
    for col, column in enumerate(table.columns, start=1):
        _text(sheet, HEADER_ROW, col, column.head,
              styles(font=font_name(column.head), bold=True, color=NAVY, wrap=True, head=True))
    widths = _widths(table)
    first_total = len(table.rows) - table.totals
    for index, values in enumerate(table.rows):
        for col, (value, column) in enumerate(zip(values, table.columns, strict=True), start=1):
            shown = _shown(value)
            _put(sheet, styles, HEADER_ROW + 1 + index, col, value, column, bold=index >= first_total,
                 wrap=isinstance(shown, str) and _length(shown) > widths[col - 1] - 2)
    for col, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(col)].width = width
    sheet.freeze_panes = sheet.cell(row=HEADER_ROW + 1, column=1)
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    return HEADER_ROW + len(table.rows)


def _record(sheet, styles: _Styles, table: Table) -> int:
    """A one-record table as rows of head | value; returns the last row used."""
    [values] = table.rows or [tuple(None for _ in table.columns)]
    for r, (column, value) in enumerate(zip(table.columns, values, strict=True), start=HEADER_ROW):
        _text(sheet, r, 1, column.head, styles(font=font_name(column.head), bold=True, color=NAVY))
        _put(sheet, styles, r, 2, value, column, wrap=True)
    sheet.column_dimensions["A"].width = min(max((_length(c.head) for c in table.columns), default=10) + 2, MAX_WIDTH)
    sheet.column_dimensions["B"].width = MAX_WIDTH
    return HEADER_ROW + len(table.columns) - 1


def _for_people(table: Table) -> Table:
    """*table* without its machine-only columns."""
    keep = [i for i, c in enumerate(table.columns) if c.in_workbook]
    if len(keep) == len(table.columns):
        return table
    return dataclasses.replace(table, columns=tuple(table.columns[i] for i in keep),
                               rows=tuple(tuple(row[i] for i in keep) for row in table.rows))


def workbook(tables: list[Table], *, locale: str, title: str) -> bytes:
    """The tables as one .xlsx file, one sheet each, in the reader's *locale* ("lo", "th", "en")."""
    book = Workbook()
    book.remove(book.active)
    book.properties.language = LANGUAGE_TAGS.get(locale, locale)
    book.properties.title = title
    book.properties.creator = "skills_cert"
    styles = _Styles(book)
    taken: set[str] = set()
    for table in map(_for_people, tables):
        sheet = book.create_sheet(sheet_name(table.sheet or table.title, taken))
        sheet.page_setup.orientation = "landscape"
        sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
        sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        _heading(sheet, styles, table)
        last = _record(sheet, styles, table) if table.vertical else _grid(sheet, styles, table)
        _notes(sheet, styles, table, last + 1)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
