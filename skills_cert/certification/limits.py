"""Rate limits of the public lookups, read from the configuration as each request comes in."""

from flask import current_app


def lookup_limit() -> str:
    """Lookups by certificate number and date of birth, per client (`LOOKUP_RATE_LIMIT`)."""
    return current_app.config["LOOKUP_RATE_LIMIT"]
