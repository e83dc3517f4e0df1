"""What a URL's parameters may hold, decided once for every route: the URL converters, and the
page number of listings.

A value the converter refuses does not match the rule, so the answer is a plain 404 before any
hook or view runs:
- `<int:...>` is a database id: 1 to 2,147,483,647 (PostgreSQL's `integer`), written in ASCII
  digits without leading zeros. Werkzeug's own matches any length and any script's digits.
- `<name>`, `<string:...>` and `<path:...>` never hold a control character (U+0000 to U+001F,
  U+007F to U+009F): PostgreSQL cannot store NUL, a newline breaks headers and logs, and no
  link of ours holds one.

The page number of a listing (`?page=`, read by `db.paginate`) is bounded the same way by the
`refuse_page_out_of_range` hook: its offset must fit the database's integer.
"""

from __future__ import annotations

from flask import Flask, abort, request
from werkzeug.routing import IntegerConverter, PathConverter, UnicodeConverter

MAX_ID = 2**31 - 1
_NO_CONTROL = r"[^/\x00-\x1f\x7f-\x9f]"


class IdConverter(IntegerConverter):
    regex = r"[1-9][0-9]{0,9}"

    def __init__(self, map, fixed_digits: int = 0, min: int = 1, max: int = MAX_ID) -> None:
        super().__init__(map, fixed_digits, min, max)


class TextConverter(UnicodeConverter):
    def __init__(self, map, minlength: int = 1, maxlength: int | None = None,
                 length: int | None = None) -> None:
        super().__init__(map, minlength, maxlength, length)
        self.regex = _NO_CONTROL + self.regex.removeprefix("[^/]")


class TextPathConverter(PathConverter):
    regex = _NO_CONTROL + r"[^\x00-\x1f\x7f-\x9f]*?"


CONVERTERS = {"default": TextConverter, "string": TextConverter, "path": TextPathConverter,
              "int": IdConverter}


def refuse_page_out_of_range() -> None:
    """`before_request` hook: a `page` beyond MAX_ID is a 404. Other values are left to
    `db.paginate`, which shows page 1 for a page it cannot read."""
    for value in request.args.getlist("page"):
        try:
            number = int(value)
        except ValueError:  # not a number, or more digits than int() reads
            continue
        if number > MAX_ID:
            abort(404)


def register_url_parameters(app: Flask) -> None:
    """Before any blueprint: a rule picks its converters when it is added."""
    app.url_map.converters.update(CONVERTERS)
    app.before_request(refuse_page_out_of_range)
