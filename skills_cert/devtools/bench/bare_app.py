"""The floor for the verification benchmark: a bare Flask app whose one route returns a static body
of a given size, served by the same gunicorn command as the real app.

`GET /bare/<size>.html` and `GET /bare/<size>.json` return *size* bytes as text/html or JSON.
"""

from flask import Flask, Response

app = Flask(__name__)
_BODIES: dict[int, bytes] = {}


@app.get("/bare/<int:size>.<any(html, json):kind>")
def bare(size: int, kind: str) -> Response:
    body = _BODIES.get(size)
    if body is None:
        body = _BODIES.setdefault(size, b"x" * min(size, 10_000_000))
    return Response(body, content_type="text/html; charset=utf-8" if kind == "html" else "application/json")
