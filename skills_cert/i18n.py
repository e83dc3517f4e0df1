"""Language choice: the user's own choice, then the browser's Accept-Language, then Lao."""

from __future__ import annotations

from flask import current_app, has_request_context, request, session
from flask_babel import lazy_gettext as _l
from flask_login import current_user

LANGUAGES = {"lo": "ພາສາລາວ", "th": "ภาษาไทย", "en": "English"}
DEFAULT_LOCALE = "lo"
# Shown in the switcher under each language's own name; these are for screen readers.
LANGUAGE_TITLES = {"lo": _l("Lao"), "th": _l("Thai"), "en": _l("English")}


def select_locale() -> str:
    if not has_request_context():  # CLI commands and background work
        return current_app.config["CLI_LOCALE"]
    chosen = session.get("lang")
    if chosen in LANGUAGES:
        return chosen
    if current_user and current_user.is_authenticated and current_user.locale in LANGUAGES:
        return current_user.locale
    best = request.accept_languages.best_match(list(LANGUAGES))
    return best or DEFAULT_LOCALE


def localized(text_map: dict[str, str] | None, locale: str) -> str:
    """Pick *locale* from a {lo, th, en} map, falling back to English, then Lao."""
    if not text_map:
        return ""
    return text_map.get(locale) or text_map.get("en") or text_map.get("lo") or ""
