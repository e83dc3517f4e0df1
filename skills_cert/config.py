"""Configuration read from the environment, with safe defaults for development."""

from __future__ import annotations

import base64
import binascii
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SECRET_KEY = "dev-only-secret-key-change-me"  # noqa: S105 - refused in production
ENVIRONMENTS = ("development", "production", "testing")


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
        "PUBLIC_BASE_URL": os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000"),
        # Directory holding the issuing authorities' Ed25519 private keys (never the database).
        "SIGNING_KEY_DIR": os.environ.get("SIGNING_KEY_DIR", str(Path(instance_path) / "keys")),
        "STANDARDS_DIR": os.environ.get("STANDARDS_DIR", str(ROOT / "standards")),
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
        # Rate limits are kept in memory per process unless a shared store is configured, e.g.
        # redis://localhost:6379 when several gunicorn workers must share them.
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_HEADERS_ENABLED": True,
        "API_RATE_LIMIT": os.environ.get("API_RATE_LIMIT", "120 per minute"),
        "LOOKUP_RATE_LIMIT": os.environ.get("LOOKUP_RATE_LIMIT", "10 per minute;50 per hour"),
        # Seconds after which the statistics snapshot is rebuilt when someone opens the dashboard
        # (it is also rebuilt on a new day); `flask statistics refresh` from cron keeps it fresh.
        "STATISTICS_MAX_AGE": _env_int("STATISTICS_MAX_AGE", 3600),
        # ... but not when its last rebuild took longer than this: the page then shows the older
        # figures, saying so, until `flask statistics refresh` runs.
        "STATISTICS_INLINE_REBUILD_SECONDS": _env_int("STATISTICS_INLINE_REBUILD_SECONDS", 10),
    }
    if env == "testing":
        config["TESTING"] = True
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


def check_config(config: dict) -> None:
    """Refuse settings that are unsafe for the chosen environment."""
    key = config.get("TOTP_ENCRYPTION_KEY")
    if key and not _is_fernet_key(key):
        raise ConfigError(
            "TOTP_ENCRYPTION_KEY must be a Fernet key: 32 random bytes in URL-safe base64 (44 "
            "characters), e.g. `python -c 'from cryptography.fernet import Fernet; "
            "print(Fernet.generate_key().decode())'`. Leave it unset to derive one from SECRET_KEY."
        )
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
