"""Tables the app exports, as CSV for machines and as an Excel workbook for people (`workbooks`).

A feature describes each table once (`Table`: its columns with a stable English key and a head in
the reader's language, and its rows of plain values), and gets both files from it:
- CSV: one table per file, UTF-8 with a byte-order mark (Excel on Windows reads the file as
  UTF-8 only with it), the column keys as the header row, every cell through `csv_cells`;
  several tables go into one ZIP, one CSV file each;
- Excel: `workbooks.workbook`, one sheet per table.

A value is text, an int, a float, a date, a datetime (UTC), None, or `Coded`: a machine code for
the CSV file and what people read in the workbook (a relation "partial" and "Partial", a
suppressed figure "suppressed" and "×", a month "2026-05" and a date shown as 2026-05).
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from dataclasses import dataclass
from typing import Any

from skills_cert import csv_cells

BOM = "\ufeff"
CSV_TYPE = "text/csv; charset=utf-8"
ZIP_TYPE = "application/zip"
ZIP_STAMP = (2026, 1, 1, 0, 0, 0)  # every member's time: the same tables give the same bytes


@dataclass(frozen=True)
class Coded:
    """*code* in CSV files, *shown* (text, a number or a date) in workbooks."""

    code: str
    shown: Any


@dataclass(frozen=True)
class Column:
    key: str                  # the CSV header: stable, English, snake_case
    head: str                 # the workbook's header, in the reader's language
    date_format: str = "yyyy-mm-dd"  # how a date in this column is shown in the workbook
    in_workbook: bool = True  # False for a machine key that people need not read


@dataclass(frozen=True)
class Table:
    key: str                  # names the CSV file and keeps sheets apart
    title: str                # in the reader's language: the sheet's first row and its tab
    columns: tuple[Column, ...]
    rows: tuple[tuple[Any, ...], ...]
    subtitle: str = ""        # under the title (the filters, the agreement...)
    notes: tuple[str, ...] = ()  # under the table (the suppression legend, footnotes)
    totals: int = 0           # the last *totals* rows are totals (bold in the workbook)
    vertical: bool = False    # one record: the workbook lists it as head | value rows
    sheet: str = ""           # a short tab name, if the title is too long for one

    def __post_init__(self):
        for row in self.rows:
            if len(row) != len(self.columns):
                raise ValueError(f"{self.key}: a row has {len(row)} values for {len(self.columns)} columns")


def csv_value(value: Any) -> Any:
    """What a CSV cell holds: codes, ISO dates, numbers as they are, nothing for None."""
    if isinstance(value, Coded):
        return value.code
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if value.tzinfo else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return int(value) if value.is_integer() else repr(value)
    return value


def to_csv(table: Table) -> str:
    """*table* as one CSV text, starting with the byte-order mark."""
    out = io.StringIO()
    out.write(BOM)
    writer = csv_cells.writer(out)
    writer.writerow([c.key for c in table.columns])
    for row in table.rows:
        writer.writerow([csv_value(v) for v in row])
    return out.getvalue()


def csv_name(base: str, table: Table) -> str:
    return f"{base}-{table.key}.csv"


def to_zip(base: str, tables: list[Table]) -> bytes:
    """The tables as `<base>-<key>.csv` files in one ZIP."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for table in tables:
            info = zipfile.ZipInfo(csv_name(base, table), ZIP_STAMP)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, to_csv(table).encode("utf-8"))
    return out.getvalue()


def attachment(name: str) -> dict[str, str]:
    """The Content-Disposition header of a download called *name* (ASCII: codes and numbers)."""
    return {"Content-Disposition": f'attachment; filename="{name}"'}
