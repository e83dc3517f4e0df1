"""Security headers on every kind of page, and templates that a strict CSP can serve."""

import re
from pathlib import Path

import pytest

from skills_cert import create_app

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
PAGES = ["/", "/auth/login", "/certificate", "/verify", "/api/v1/openapi.json", "/no-such-page"]


def _csp(response) -> dict[str, str]:
    policy = response.headers["Content-Security-Policy"]
    return {part.split()[0]: " ".join(part.split()[1:]) for part in policy.split(";") if part.strip()}


@pytest.mark.parametrize("url", PAGES)
def test_every_response_has_the_headers(client, url):
    response = client.get(url)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    csp = _csp(response)
    assert csp["frame-ancestors"] == "'none'"
    assert csp["default-src"] == "'self'"
    assert csp["script-src"] == "'self'"  # no 'unsafe-inline', no 'unsafe-eval', no host
    assert csp["object-src" if "object-src" in csp else "default-src"] in ("'none'", "'self'")
    assert csp["base-uri"] == "'none'" and csp["form-action"] == "'self'"
    assert "unsafe" not in response.headers["Content-Security-Policy"]
    assert "Strict-Transport-Security" not in response.headers  # only in production


def test_production_sends_hsts(tmp_path):
    app = create_app({"ENV_NAME": "production", "SECRET_KEY": "k" * 40,
                      "PUBLIC_BASE_URL": "https://verify.sdi.gov.la",
                      "SQLALCHEMY_DATABASE_URI": "sqlite://", "SIGNING_KEY_DIR": str(tmp_path)})
    response = app.test_client().get("/healthz")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["SESSION_COOKIE_HTTPONLY"]


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
EVENT_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I)
JS_URL = re.compile(r"""(href|src|action)\s*=\s*["']?\s*javascript:""", re.I)
INLINE_STYLE = re.compile(r"<style[\s>]|\sstyle\s*=", re.I)


@pytest.mark.parametrize("path", sorted(TEMPLATES.rglob("*.html")), ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_templates_have_no_inline_script_or_handlers(path):
    text = path.read_text(encoding="utf-8")
    assert not INLINE_SCRIPT.search(text), "inline <script>: move it to static/js/"
    assert not EVENT_HANDLER.search(text), "on...= handler: attach it from static/js/"
    assert not JS_URL.search(text), "javascript: URL"
    assert not INLINE_STYLE.search(text), "inline style: the CSP has style-src 'self' only"
