"""Staff roles, and the sets of roles that pages and services name. Workers and employers never
have accounts, so they have no role."""

from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l


class Role(enum.Enum):
    ADMINISTRATOR = "administrator"
    STANDARDS_OFFICER = "standards_officer"
    ASSESSOR = "assessor"
    CERTIFYING_OFFICER = "certifying_officer"
    ANALYST = "analyst"  # read-only: the statistics dashboard, never personal data

    @property
    def label(self) -> str:
        return str(ROLE_LABELS[self])


ROLE_LABELS = {
    Role.ADMINISTRATOR: _l("Administrator"),
    Role.STANDARDS_OFFICER: _l("Standards officer"),
    Role.ASSESSOR: _l("Assessor"),
    Role.CERTIFYING_OFFICER: _l("Certifying officer"),
    Role.ANALYST: _l("Statistics analyst"),
}


ALL_ROLES = frozenset(Role)
# Analysts see aggregate statistics only: not even standards, which staff read for their work.
STAFF_ROLES = ALL_ROLES - {Role.ANALYST}
STATISTICS_READERS = frozenset({Role.ANALYST, Role.ADMINISTRATOR})
OFFICE_AND_ASSESSORS = frozenset({Role.ADMINISTRATOR, Role.ASSESSOR, Role.CERTIFYING_OFFICER})
