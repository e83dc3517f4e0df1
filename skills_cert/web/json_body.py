"""Reading a JSON request body: the one way every route that accepts JSON reads it.

Python's parser recurses once per level of nesting, so about a thousand `[` would raise
RecursionError (a 500). The nesting is measured first, without recursion, and a body nested
deeper than any of ours is refused with a 400 in the client's language.
"""

from __future__ import annotations

import re
from typing import Any

from flask import abort, make_response, request
from flask_babel import gettext as _

from skills_cert.web.error_pages import render_error

MAX_DEPTH = 32
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKET = re.compile(r"[\[\]{}]")


def nesting_depth(text: str) -> int:
    """How deeply arrays and objects nest in *text* (brackets inside strings do not count)."""
    depth = deepest = 0
    for bracket in _BRACKET.findall(_STRING.sub("", text)):
        depth = depth + 1 if bracket in "[{" else depth - 1
        deepest = max(deepest, depth)
    return deepest


def json_body(max_depth: int = MAX_DEPTH) -> Any:
    """The request's JSON body, or None if it is not JSON. Nested deeper than *max_depth*: 400."""
    text = request.get_data(cache=True).decode("utf-8", errors="replace")
    if nesting_depth(text) > max_depth:
        abort(make_response(render_error(400, _("The JSON body is nested more than %(depth)d levels "
                                                "deep. Send a flat JSON object.", depth=max_depth))))
    return request.get_json(silent=True)
