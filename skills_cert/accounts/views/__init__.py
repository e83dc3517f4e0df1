"""The log-in, password and two-factor pages (`auth.*`) and user administration (`admin.*`)."""

from skills_cert.accounts.views import admin, login, two_factor  # noqa: F401
