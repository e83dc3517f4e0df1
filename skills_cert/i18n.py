"""Language choice: the user's own choice, then the browser's Accept-Language, then Lao."""

from __future__ import annotations

from flask import current_app, has_request_context, request, session
from flask_babel import get_translations
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from jinja2 import pass_context
from markupsafe import Markup

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


def install_template_gettext(jinja_env) -> None:
    """Templates translate through the translations bound once per page: `bound_translations` in
    the template context, which the layout's context processor sets. Flask-Babel's own callables
    look the translations up again for every string (about 9 µs each, some 35 times on the
    verification page), and `_` reaches them through two more calls of Jinja's. Here `_` and
    `gettext` are one function with the same new-style behaviour (the text is always a %-format,
    its variables escaped when autoescaping). A template rendered without bound translations
    (outside a request) looks them up."""

    def bound(context):
        return context.get("bound_translations") or get_translations()

    jinja_env.install_gettext_callables(
        gettext=pass_context(lambda context, string: bound(context).ugettext(string)),
        ngettext=pass_context(lambda context, singular, plural, n: bound(context).ungettext(singular, plural, n)),
        pgettext=pass_context(lambda context, msgctxt, string: bound(context).upgettext(msgctxt, string)),
        npgettext=pass_context(lambda context, msgctxt, singular, plural, n: bound(context).unpgettext(
            msgctxt, singular, plural, n)),
        newstyle=True)

    @pass_context
    def gettext(context, string: str, **variables) -> str:
        text = bound(context).ugettext(string)
        if context.eval_ctx.autoescape:
            text = Markup(text)
        return text % variables

    jinja_env.globals.update(_=gettext, gettext=gettext)
