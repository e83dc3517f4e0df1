"""The data model. Import models from here so Alembic sees every table."""

from skills_cert.models.user import ROLE_LABELS, Role, User

__all__ = ["ROLE_LABELS", "Role", "User"]
