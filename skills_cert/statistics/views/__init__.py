"""The statistics dashboard and its exports (`stats.*`)."""

from skills_cert.statistics.views import dashboard, refresh  # noqa: F401
