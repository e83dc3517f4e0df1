"""The navigation each role sees: one entry per area, by endpoint name."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l

from skills_cert.roles import ALL_ROLES, OFFICE_AND_ASSESSORS, STAFF_ROLES, STATISTICS_READERS, Role

if TYPE_CHECKING:
    from flask_login import UserMixin


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: object  # a lazy string, rendered in the reader's language
    roles: frozenset[Role]


NAV_ITEMS = (
    NavItem("main.index", _l("Home"), ALL_ROLES),
    NavItem("assessments.approvals", _l("Approvals"), frozenset({Role.CERTIFYING_OFFICER})),
    NavItem("assessments.sessions", _l("Test sessions"), OFFICE_AND_ASSESSORS),
    NavItem("certificates.index", _l("Certificates"),
            frozenset({Role.CERTIFYING_OFFICER, Role.ADMINISTRATOR})),
    NavItem("assessments.candidates", _l("Candidates"), OFFICE_AND_ASSESSORS),
    NavItem("appeals.index", _l("Appeals"), OFFICE_AND_ASSESSORS),
    NavItem("standards.index", _l("Standards"), STAFF_ROLES),
    NavItem("mrs.index", _l("Mutual recognition"), frozenset({Role.STANDARDS_OFFICER, Role.ADMINISTRATOR})),
    NavItem("admin.centres", _l("Testing centres"), frozenset({Role.ADMINISTRATOR})),
    NavItem("admin.accreditations", _l("Accreditations"), frozenset({Role.ADMINISTRATOR})),
    NavItem("admin.users", _l("Users"), frozenset({Role.ADMINISTRATOR})),
    NavItem("stats.dashboard", _l("Statistics"), STATISTICS_READERS),
)


def navigation_for(user: UserMixin | None) -> list[NavItem]:
    if user is None or not user.is_authenticated:
        return []
    return [item for item in NAV_ITEMS if user.role in item.roles]
