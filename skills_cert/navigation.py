"""The navigation each role sees. Areas add their entries here as they are built."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from skills_cert.models import Role, User


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: object  # a lazy string, rendered in the reader's language
    roles: frozenset[Role]


ALL_ROLES = frozenset(Role)
# Analysts see aggregate statistics only: not even standards, which staff read for their work.
STAFF_ROLES = ALL_ROLES - {Role.ANALYST}
STATISTICS_READERS = frozenset({Role.ANALYST, Role.ADMINISTRATOR})
OFFICE_AND_ASSESSORS = frozenset({Role.ADMINISTRATOR, Role.ASSESSOR, Role.CERTIFYING_OFFICER})

NAV_ITEMS = (
    NavItem("main.index", _l("Home"), ALL_ROLES),
    NavItem("assessments.approvals", _l("Approvals"), frozenset({Role.CERTIFYING_OFFICER})),
    NavItem("assessments.sessions", _l("Test sessions"), OFFICE_AND_ASSESSORS),
    NavItem("certificates.index", _l("Certificates"),
            frozenset({Role.CERTIFYING_OFFICER, Role.ADMINISTRATOR})),
    NavItem("assessments.candidates", _l("Candidates"), OFFICE_AND_ASSESSORS),
    NavItem("standards.index", _l("Standards"), STAFF_ROLES),
    NavItem("mrs.index", _l("Mutual recognition"), frozenset({Role.STANDARDS_OFFICER, Role.ADMINISTRATOR})),
    NavItem("admin.centres", _l("Testing centres"), frozenset({Role.ADMINISTRATOR})),
    NavItem("admin.accreditations", _l("Accreditations"), frozenset({Role.ADMINISTRATOR})),
    NavItem("admin.users", _l("Users"), frozenset({Role.ADMINISTRATOR})),
    NavItem("stats.dashboard", _l("Statistics"), STATISTICS_READERS),
)


def navigation_for(user: User | None) -> list[NavItem]:
    if user is None or not user.is_authenticated:
        return []
    return [item for item in NAV_ITEMS if user.role in item.roles]
