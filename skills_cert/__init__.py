"""skills_cert: competency-based skills testing and verifiable, MRS-recognised certificates."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from skills_cert.config import ROOT, load_config

if TYPE_CHECKING:  # Flask is imported when an app is made, so `skills_cert.certification.signing` and
    from flask import Flask  # `skills_cert.certification.offline` run without it.


def create_app(config: dict | None = None) -> "Flask":
    """Create the application. *config* overrides what the environment sets."""
    from flask import Flask

    instance_path = os.environ.get("SKILLS_CERT_INSTANCE", str(ROOT / "instance"))
    app = Flask(
        __name__,
        instance_path=instance_path,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.update(load_config(app.instance_path, config))
    os.makedirs(app.instance_path, exist_ok=True)
    if "PASSWORD_HASH_TIME_COST" in app.config:
        from skills_cert.accounts import passwords

        passwords.configure(time_cost=app.config["PASSWORD_HASH_TIME_COST"],
                            memory_cost=app.config["PASSWORD_HASH_MEMORY_COST"])

    from skills_cert.certification.keys import check_key_dir

    check_key_dir(app.config["SIGNING_KEY_DIR"], production=app.config["ENV_NAME"] == "production")
    from skills_cert.config import check_limiter_store, trusted_networks
    from skills_cert.web.proxy import TrustedProxies

    check_limiter_store(app.config)
    proxies = trusted_networks(app.config["TRUSTED_PROXIES"])
    if proxies:
        app.wsgi_app = TrustedProxies(app.wsgi_app, proxies)
    register_extensions(app)
    register_url_parameters(app)
    register_blueprints(app)
    register_hooks(app)

    from skills_cert.cli import register_commands
    from skills_cert.web.error_pages import register_error_handlers

    register_error_handlers(app)
    register_commands(app)
    return app


def register_extensions(app: "Flask") -> None:
    from skills_cert import database
    from skills_cert.extensions import babel, csrf, db, limiter, login_manager, migrate
    from skills_cert.i18n import install_template_gettext, select_locale

    db.init_app(app)
    with app.app_context():
        database.configure_engine(db.engine)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(
        app,
        locale_selector=select_locale,
        default_translation_directories=str(ROOT / "skills_cert" / "translations"),
    )
    install_template_gettext(app.jinja_env)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message_category = "info"
    from flask_babel import lazy_gettext as _l

    login_manager.login_message = _l("Please log in to open this page.")
    login_manager.session_protection = "basic"

    from skills_cert.accounts.loader import load_user

    login_manager.user_loader(load_user)


def register_url_parameters(app: "Flask") -> None:
    """What a path parameter or a page number may hold (`web/urls.py`); before the blueprints
    add their rules."""
    from skills_cert.web import urls

    urls.register_url_parameters(app)


def register_blueprints(app: "Flask") -> None:
    """Each feature's views attach its pages to the URL namespaces of `web.blueprints` as they are
    imported; then the namespaces are registered."""
    from skills_cert.accounts import views as accounts_views  # noqa: F401
    from skills_cert.api import routes as api_routes  # noqa: F401
    from skills_cert.appeals import views as appeals_views  # noqa: F401
    from skills_cert.assessment import views as assessment_views  # noqa: F401
    from skills_cert.certification import views as certification_views  # noqa: F401
    from skills_cert.recognition import views as recognition_views  # noqa: F401
    from skills_cert.standards import views as standards_views  # noqa: F401
    from skills_cert.statistics import views as statistics_views  # noqa: F401
    from skills_cert.web import home  # noqa: F401
    from skills_cert.web.blueprints import ALL

    for bp in ALL:
        app.register_blueprint(bp)


def register_hooks(app: "Flask") -> None:
    from flask import abort, request, url_for
    from flask_babel import get_locale, get_translations
    from flask_login import current_user
    from jinja2 import pass_context

    from skills_cert.i18n import LANGUAGE_TITLES, LANGUAGES, localized
    from skills_cert.web.access import require_login_unless_public
    from skills_cert.web.navigation import navigation_for

    app.before_request(require_login_unless_public)

    @app.before_request
    def refuse_nul_characters():
        """No text field anywhere may hold U+0000: PostgreSQL cannot store it, and no person types it.
        The form is parsed only if there is one (parsing an empty one costs more than the scan)."""
        has_form = request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data")
        for values in (request.args, request.form) if has_form else (request.args,):
            if any("\x00" in key or "\x00" in value for key, value in values.items(multi=True)):
                abort(400)

    @app.template_filter("num")
    def plain_number(value):
        """70.0 -> 70, 62.5 -> 62.5."""
        return int(value) if float(value).is_integer() else value

    @app.template_filter("tr")
    @pass_context
    def translate_map(context, text_map):
        """`{{ standard.title|tr }}`: the reader's language from a {lo, th, en} map (the page's
        `current_locale`, set once per page by `layout_context`)."""
        return localized(text_map, context.get("current_locale") or str(get_locale()))

    from skills_cert.standards.labels import country_name, sector_name

    def page_url(number: int) -> str:
        """The current page's URL, its query kept, at page *number* of a listing."""
        args = {**request.args.to_dict(), **(request.view_args or {}), "page": number}
        return url_for(request.endpoint, **args)

    @app.context_processor
    def layout_context():
        return {
            "bound_translations": get_translations(),
            "page_url": page_url,
            "country_name": country_name,
            "sector_name": sector_name,
            "languages": LANGUAGES,
            "language_titles": LANGUAGE_TITLES,
            "current_locale": str(get_locale()),
            "navigation": navigation_for(current_user),
        }

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            "frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
        )
        if app.config["ENV_NAME"] == "production":
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response
