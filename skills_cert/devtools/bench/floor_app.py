"""The second floor of the verification benchmark: only the irreducible work of a verification,
as a plain WSGI app (no Flask, no ORM), served by the same gunicorn command on the same registry.

`GET /floor/html/<token>` and `GET /floor/api/<token>` do, for a token of the real format:
1. base64url decode, and raw inflate with the format's preset dictionary (no canonical check);
2. JSON parse of the payload;
3. one Ed25519 verification with the key the payload names (the published keys are read once
   per worker);
4. one SELECT of the certificate by its public id, through an index, with the sqlite3 module or
   psycopg;
5. a page of FLOOR_HTML_BYTES (or a JSON answer of FLOOR_API_BYTES) formatted from that row;
6. one INSERT of the verification event, committed without waiting for the disk (as the real
   app commits its events).

Anything else the real app does (choosing the language, rate limits, the registry's verdict,
recognition, templates, the repeated-check rule) is above this floor. A token that does not verify
gets 404, so the load generator counts it as an error.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import zlib

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from skills_cert.certification.signing import SIGNATURE_CONTEXT, ZDICT

SELECT = ("SELECT id, number, name_lao, name_latin, units, issued_on, expires_on, status "
          "FROM certificates WHERE public_id = ?")
INSERT = ("INSERT INTO verification_events (at, certificate_id, verdict, channel, client_hash) "
          "VALUES (?, ?, 'genuine', ?, 'floor00000000000')")
_HTML = ("<!doctype html><html lang=\"th\"><head><meta charset=\"utf-8\"><title>%(number)s</title></head>"
         "<body><h1>genuine</h1><dl><dt>number</dt><dd>%(number)s</dd><dt>holder</dt><dd>%(name_lao)s<br>"
         "%(name_latin)s</dd><dt>units</dt><dd>%(units)s</dd><dt>issued</dt><dd>%(issued_on)s</dd>"
         "<dt>valid until</dt><dd>%(expires_on)s</dd><dt>status</dt><dd>%(status)s</dd></dl>%(padding)s</body></html>")


class _Registry:
    """This worker's connection and the published keys, opened on the first request (after the fork)."""

    def __init__(self, url: str):
        if url.startswith("sqlite:///"):
            import sqlite3

            self.connection = sqlite3.connect(url[len("sqlite:///"):], check_same_thread=False)
            for pragma in ("journal_mode=WAL", "busy_timeout=10000", "synchronous=NORMAL"):
                self.connection.execute(f"PRAGMA {pragma}")
            self.select, self.insert = SELECT, INSERT
            self.when = lambda now: now.isoformat(" ")  # as SQLAlchemy stores it in SQLite
        else:
            import psycopg

            self.connection = psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://", 1))
            self.connection.execute("SET synchronous_commit TO OFF")
            self.connection.commit()
            self.select, self.insert = SELECT.replace("?", "%s"), INSERT.replace("?", "%s")
            self.when = lambda now: now
        rows = self.connection.execute("SELECT key_id, public_key FROM signing_keys").fetchall()
        self.connection.commit()
        self.keys = {key_id: Ed25519PublicKey.from_public_bytes(bytes(raw)) for key_id, raw in rows}


_registry: _Registry | None = None
_padding: dict[str, str] = {}
_SIZES = {"html": int(os.environ.get("FLOOR_HTML_BYTES", "10000")),
          "api": int(os.environ.get("FLOOR_API_BYTES", "4000"))}


def _verified(token: str) -> tuple[dict, bytes] | None:
    raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    payload = zlib.decompressobj(wbits=-15, zdict=ZDICT).decompress(raw[:-64])
    facts = json.loads(payload)
    key = _registry.keys.get(facts["kid"])
    try:
        key.verify(raw[-64:], SIGNATURE_CONTEXT + payload)
    except (InvalidSignature, AttributeError):
        return None
    return facts, payload


def _render(kind: str, fields: dict) -> bytes:
    return json.dumps(fields, ensure_ascii=False).encode() if kind == "api" else (_HTML % fields).encode()


def _body(kind: str, row: tuple) -> bytes:
    """The answer formatted from the row, padded to the real answer's size (the padding is worked
    out once per worker)."""
    fields = dict(zip(("id", "number", "name_lao", "name_latin", "units", "issued_on", "expires_on", "status"), row))
    fields.update(units=", ".join(json.loads(fields["units"]) if isinstance(fields["units"], str) else fields["units"]),
                  issued_on=str(fields["issued_on"]), expires_on=str(fields["expires_on"]))
    if kind not in _padding:
        _padding[kind] = "x" * max(0, _SIZES[kind] - len(_render(kind, {**fields, "padding": ""})))
    fields["padding"] = _padding[kind]
    return _render(kind, fields)


def app(environ, start_response):
    global _registry
    if _registry is None:
        _registry = _Registry(os.environ["DATABASE_URL"])
    kind, _slash, token = environ["PATH_INFO"].removeprefix("/floor/").partition("/")
    found = _verified(token) if kind in _SIZES else None
    row = None
    if found is not None:
        connection = _registry.connection
        row = connection.execute(_registry.select, (found[0]["id"],)).fetchone()
    if row is None:
        start_response("404 Not Found", [("Content-Type", "text/plain"), ("Content-Length", "9")])
        return [b"not found"]
    body = _body(kind, row)
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    connection.execute(_registry.insert, (_registry.when(now), row[0], "qr" if kind == "html" else "api"))
    connection.commit()
    content_type = "application/json" if kind == "api" else "text/html; charset=utf-8"
    start_response("200 OK", [("Content-Type", content_type), ("Content-Length", str(len(body)))])
    return [body]
