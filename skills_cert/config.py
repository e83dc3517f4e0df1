"""Configuration read from the environment, with safe defaults for development."""

from __future__ import annotations

import base64
import binascii
import ipaddress
import logging
import os
from pathlib import Path

from limits import parse_many

from skills_cert.roles import Role

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SECRET_KEY = "dev-only-secret-key-change-me"  # noqa: S105 - refused in production
ENVIRONMENTS = ("development", "production", "testing")
# The roles that can set up two-factor authentication (accounts/totp.py), and so the only ones it
# can be required of; production requires it of both unless told otherwise.
TWO_FACTOR_CAPABLE = frozenset({Role.ADMINISTRATOR, Role.CERTIFYING_OFFICER})


class ConfigError(RuntimeError):
    """The configuration cannot be used; the message says what to change."""


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}") from exc


def _env_number(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return float(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a number, got {raw!r}") from exc


def two_factor_roles(raw: str | None, production: bool) -> frozenset[Role]:
    """REQUIRE_TWO_FACTOR_ROLES as roles: comma-separated role names; unset, both capable roles
    in production and none elsewhere; empty, none."""
    if raw is None:
        return TWO_FACTOR_CAPABLE if production else frozenset()
    roles = set()
    for name in filter(None, (part.strip().lower() for part in raw.split(","))):
        try:
            roles.add(Role(name))
        except ValueError:
            raise ConfigError(f"REQUIRE_TWO_FACTOR_ROLES: {name!r} is not a role; the roles are "
                              f"{', '.join(role.value for role in Role)}") from None
    return frozenset(roles)


def _served_at() -> str:
    """Where `make run` serves (its HOST and PORT), for QR codes and links in development."""
    host = os.environ.get("HOST") or "127.0.0.1"
    if host in ("0.0.0.0", "::"):  # every interface: this machine's own address still reaches it
        host = "127.0.0.1"
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{os.environ.get('PORT') or 5000}"


def load_config(instance_path: str, overrides: dict | None = None) -> dict:
    """Build the Flask config from environment variables, then apply *overrides*."""
    env = os.environ.get("SKILLS_CERT_ENV", "development")
    if overrides and "ENV_NAME" in overrides:
        env = overrides["ENV_NAME"]
    if env not in ENVIRONMENTS:
        raise ConfigError(f"SKILLS_CERT_ENV must be one of {', '.join(ENVIRONMENTS)}, got {env!r}")
    production = env == "production"
    sqlite_path = Path(instance_path) / "skills_cert.sqlite3"
    config = {
        "ENV_NAME": env,
        "SECRET_KEY": os.environ.get("SECRET_KEY", DEFAULT_SECRET_KEY),
        # Fernet key encrypting TOTP secrets; unset, one is derived from SECRET_KEY (accounts/totp.py).
        "TOTP_ENCRYPTION_KEY": os.environ.get("TOTP_ENCRYPTION_KEY") or None,
        "SQLALCHEMY_DATABASE_URI": os.environ.get("DATABASE_URL", f"sqlite:///{sqlite_path}"),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        # The URL printed in QR codes and links that leave the system.
        "PUBLIC_BASE_URL": os.environ.get("PUBLIC_BASE_URL") or _served_at(),
        # Directory holding the issuing authorities' Ed25519 private keys (never the database).
        "SIGNING_KEY_DIR": os.environ.get("SIGNING_KEY_DIR", str(Path(instance_path) / "keys")),
        "STANDARDS_DIR": os.environ.get("STANDARDS_DIR", str(ROOT / "standards")),
        # RPL evidence files (photos, PDFs): outside the web root, never served statically.
        "EVIDENCE_DIR": os.environ.get("EVIDENCE_DIR", str(Path(instance_path) / "evidence")),
        # An RFC 3161 timestamp authority: certificate PDFs are then sealed at PAdES B-T, not B-B.
        "TSA_URL": os.environ.get("TSA_URL") or None,
        "MAX_CONTENT_LENGTH": _env_int("MAX_CONTENT_LENGTH", 16 * 1024 * 1024),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "PREFERRED_URL_SCHEME": "https" if production else "http",
        "WTF_CSRF_TIME_LIMIT": 8 * 3600,
        "BABEL_DEFAULT_LOCALE": "lo",
        # Language of messages printed by `flask` commands.
        "CLI_LOCALE": os.environ.get("SKILLS_CERT_CLI_LOCALE", "en"),
        "BABEL_DEFAULT_TIMEZONE": "Asia/Vientiane",
        "PASSWORD_MIN_LENGTH": 10,
        # Roles whose users must set up two-factor authentication at their next log-in before any
        # other page opens (web/access.py): comma-separated role names. Unset, production requires
        # "administrator,certifying_officer" and elsewhere nobody; empty means nobody in production
        # too, which start-up logs as a warning.
        "REQUIRE_TWO_FACTOR_ROLES": two_factor_roles(os.environ.get("REQUIRE_TWO_FACTOR_ROLES"),
                                                     production),
        # Rate limits are kept in memory per process unless a shared store is configured, e.g.
        # redis://localhost:6379 when several gunicorn workers must share them.
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_HEADERS_ENABLED": True,
        "API_RATE_LIMIT": os.environ.get("API_RATE_LIMIT", "120 per minute"),
        "LOOKUP_RATE_LIMIT": os.environ.get("LOOKUP_RATE_LIMIT", "10 per minute;50 per hour"),
        # Failed date-of-birth guesses per certificate number, from every client together, before
        # that number's lookups pause (certification/lookups.py).
        "LOOKUP_GUESS_LIMIT": os.environ.get("LOOKUP_GUESS_LIMIT", "5 per 7 days"),
        # The QR verification page, per client: generous, for an employer checking a whole crew.
        "VERIFY_RATE_LIMIT": os.environ.get("VERIFY_RATE_LIMIT", "60 per minute;600 per hour"),
        "LOGIN_RATE_LIMIT": os.environ.get("LOGIN_RATE_LIMIT", "20 per minute;200 per hour"),
        # Addresses (or networks) of the reverse proxies whose X-Forwarded-For and
        # X-Forwarded-Proto are believed, comma-separated, e.g. "127.0.0.1" for nginx on the same
        # machine. Empty: no forwarded header is read, and every client is the proxy's address.
        "TRUSTED_PROXIES": os.environ.get("TRUSTED_PROXIES", ""),
        # Seconds after which the statistics snapshot is rebuilt when someone opens the dashboard
        # (it is also rebuilt on a new day); `flask statistics refresh` from cron keeps it fresh.
        "STATISTICS_MAX_AGE": _env_int("STATISTICS_MAX_AGE", 3600),
        # ... but not when its last rebuild took longer than this: the page then shows the older
        # figures, saying so, until `flask statistics refresh` runs.
        "STATISTICS_INLINE_REBUILD_SECONDS": _env_int("STATISTICS_INLINE_REBUILD_SECONDS", 10),
        # Moderation (assessment/moderation.py): the share of submitted results drawn at random
        # for a certifying officer's item-by-item review before approval (percent, 0 to 100), the
        # margin around a pass mark within which a score is borderline and flagged too (percentage
        # points, 0 turns it off), and whether an item changed after it was first saved is flagged.
        "MODERATION_SAMPLE_PERCENT": _env_number("MODERATION_SAMPLE_PERCENT", 10.0),
        "MODERATION_MARGIN": _env_number("MODERATION_MARGIN", 5.0),
        "MODERATION_CHANGED_ITEMS": os.environ.get("MODERATION_CHANGED_ITEMS", "1").strip().lower()
        not in ("0", "false", "no", "off"),
    }
    if env == "testing":
        config["TESTING"] = True
        # No result is flagged for moderation unless a test turns it on (tests/assessment/test_moderation.py).
        config.update(MODERATION_SAMPLE_PERCENT=0.0, MODERATION_MARGIN=0.0, MODERATION_CHANGED_ITEMS=False)
        # Cheap hashes for the test suite only; everywhere else argon2-cffi's defaults apply.
        config["PASSWORD_HASH_TIME_COST"] = 1
        config["PASSWORD_HASH_MEMORY_COST"] = 8 * 1024
        config["STATISTICS_MAX_AGE"] = 0  # tests see the registry as it is at every request
    if overrides:
        config.update(overrides)
    check_config(config)
    return config


def _is_fernet_key(key: str | bytes) -> bool:
    try:
        return len(base64.b64decode(key, altchars=b"-_", validate=True)) == 32
    except (binascii.Error, ValueError):
        return False


def trusted_networks(value: str) -> tuple:
    """TRUSTED_PROXIES as networks; a ConfigError names the entry that is not an address."""
    networks = []
    for entry in filter(None, (part.strip() for part in value.split(","))):
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError as exc:
            raise ConfigError(f"TRUSTED_PROXIES: {entry!r} is not an IP address or network "
                              "(e.g. 127.0.0.1, 10.0.0.0/8 or ::1)") from exc
    return tuple(networks)


def _one_limit(name: str, value: str) -> None:
    try:
        one = len(parse_many(value)) == 1
    except ValueError:
        one = False
    if not one:
        raise ConfigError(f"{name} must be one limit such as \"5 per 7 days\", got {value!r}")


def _check_two_factor_roles(config: dict) -> None:
    """Only roles that can set up two-factor authentication may be required to; production
    says loudly which of them log in with a password alone."""
    required = config["REQUIRE_TWO_FACTOR_ROLES"]
    if not isinstance(required, (set, frozenset)) or not all(isinstance(r, Role) for r in required):
        raise ConfigError("REQUIRE_TWO_FACTOR_ROLES must be a set of roles, as load_config makes "
                          f"it from the environment, got {required!r}")
    unable = sorted(role.value for role in required - TWO_FACTOR_CAPABLE)
    if unable:
        raise ConfigError(
            f"REQUIRE_TWO_FACTOR_ROLES: {', '.join(unable)} cannot set up two-factor "
            "authentication, so these users could open no page at all. Only "
            f"{', '.join(sorted(role.value for role in TWO_FACTOR_CAPABLE))} can be required to.")
    exempt = sorted(role.value for role in TWO_FACTOR_CAPABLE - required)
    if config["ENV_NAME"] == "production" and exempt:
        logging.getLogger(__name__).warning(
            "REQUIRE_TWO_FACTOR_ROLES leaves out %s: in production these users log in with a "
            "password alone. Unset REQUIRE_TWO_FACTOR_ROLES to require two-factor authentication "
            "of them.", ", ".join(exempt))


def _check_moderation(config: dict) -> None:
    for name, top in (("MODERATION_SAMPLE_PERCENT", 100), ("MODERATION_MARGIN", 50)):
        value = config.get(name, 0)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= top:
            raise ConfigError(f"{name} must be a number from 0 to {top}, got {value!r}")


def check_config(config: dict) -> None:
    """Refuse settings that are unsafe for the chosen environment."""
    _check_moderation(config)
    key = config.get("TOTP_ENCRYPTION_KEY")
    if key and not _is_fernet_key(key):
        raise ConfigError(
            "TOTP_ENCRYPTION_KEY must be a Fernet key: 32 random bytes in URL-safe base64 (44 "
            "characters), e.g. `python -c 'from cryptography.fernet import Fernet; "
            "print(Fernet.generate_key().decode())'`. Leave it unset to derive one from SECRET_KEY."
        )
    trusted_networks(config["TRUSTED_PROXIES"])
    _one_limit("LOOKUP_GUESS_LIMIT", config["LOOKUP_GUESS_LIMIT"])
    _check_two_factor_roles(config)
    if config["ENV_NAME"] != "production":
        return
    if config["SECRET_KEY"] in ("", DEFAULT_SECRET_KEY) or len(config["SECRET_KEY"]) < 32:
        raise ConfigError(
            "Refusing to start in production: SECRET_KEY is unset, the development default, or "
            "shorter than 32 characters. Session cookies and CSRF tokens would be forgeable. "
            "Set SECRET_KEY to a long random value, e.g. "
            "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`."
        )
    if not config["PUBLIC_BASE_URL"].startswith("https://"):
        raise ConfigError(
            "Refusing to start in production: PUBLIC_BASE_URL must be an https:// URL, because it "
            "is printed in certificate QR codes that employers open on their phones."
        )


def gunicorn_workers() -> int | None:
    """How many workers the gunicorn running this process has, read with gunicorn's own
    configuration parser (command line, GUNICORN_CMD_ARGS, WEB_CONCURRENCY, config file); None
    outside gunicorn or when it cannot be told."""
    if not os.environ.get("SERVER_SOFTWARE", "").startswith("gunicorn/"):
        return None
    try:
        from gunicorn.app.wsgiapp import WSGIApplication

        return WSGIApplication("%(prog)s [OPTIONS] [APP_MODULE]").cfg.workers
    except (Exception, SystemExit):  # gunicorn parsed its command line once already; this is a second look
        return None


def check_limiter_store(config: dict) -> None:
    """Production refuses rate limits kept in one process's memory when gunicorn runs several:
    each worker would count apart, so every limit would be as many times higher."""
    if config["ENV_NAME"] != "production" or not config["RATELIMIT_STORAGE_URI"].startswith("memory://"):
        return
    workers = gunicorn_workers()
    if workers is not None and workers > 1:
        raise ConfigError(
            f"Refusing to start in production: gunicorn runs {workers} workers, but the rate limits are "
            "kept in each worker's memory (RATELIMIT_STORAGE_URI=memory://), so each worker would count "
            f"apart and every limit would be {workers} times higher. Set RATELIMIT_STORAGE_URI to a "
            "shared store, e.g. redis://127.0.0.1:6379/0, or run one worker.")
