"""Every CSV file the app writes, safe to open in a spreadsheet (OWASP, "CSV Injection").

A cell that begins with = + - @, a tab or a carriage return is read by Excel or LibreOffice as a
formula, so a title such as `=cmd|' /C calc'!A0` would run when the file is opened. `writer`
prefixes such text cells with one single quote ('), which spreadsheets show as text. Only text is
changed: an int or a float, a negative number included, is written as the number it is.

Every module that writes CSV uses `writer` (tests/app/test_csv_injection.py checks that none calls
csv.writer itself). A file the app reads back uses `restore` on each value, which removes exactly
the one quote `writer` added.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"


def neutralise(value: Any) -> Any:
    """*value*, with a quote before it if it is text that a spreadsheet would take for a formula."""
    if isinstance(value, str) and value.startswith(DANGEROUS):
        return QUOTE + value
    return value


def restore(text: str) -> str:
    """What `neutralise` was given: one leading quote before a dangerous character is removed."""
    if text.startswith(QUOTE) and text[1:].startswith(DANGEROUS):
        return text[1:]
    return text


class Writer:
    """csv.writer's interface, every cell neutralised."""

    def __init__(self, stream, **options):
        self._writer = csv.writer(stream, **options)

    def writerow(self, row: Iterable[Any]):
        return self._writer.writerow([neutralise(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(stream, **options) -> Writer:
    return Writer(stream, **options)
