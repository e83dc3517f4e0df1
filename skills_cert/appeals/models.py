"""An appeal against one approved assessment decision, and the people who decide it."""

from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l

from skills_cert.accounts.models import User
from skills_cert.assessment.models import Assessment
from skills_cert.columns import UTCDateTime, str_enum, utcnow
from skills_cert.extensions import db


class AppealStatus(enum.Enum):
    LODGED = "lodged"  # waiting for the office to name who decides
    WITH_PANEL = "with_panel"  # waiting for the decision
    UPHELD = "upheld"  # the decision stands
    OVERTURNED = "overturned"  # the corrected decision goes to a certifying officer
    REASSESSMENT = "reassessment"  # the candidate is assessed again

    @property
    def label(self) -> str:
        return str(APPEAL_STATUS_LABELS[self])


APPEAL_STATUS_LABELS = {
    AppealStatus.LODGED: _l("Lodged, waiting for a decider"),
    AppealStatus.WITH_PANEL: _l("Being decided"),
    AppealStatus.UPHELD: _l("Decision upheld"),
    AppealStatus.OVERTURNED: _l("Decision overturned"),
    AppealStatus.REASSESSMENT: _l("Reassessment ordered"),
}
RULINGS = (AppealStatus.UPHELD, AppealStatus.OVERTURNED, AppealStatus.REASSESSMENT)


class Appeal(db.Model):
    """One appeal per assessment decision. `proposal` is the ruling a panel member proposed and
    the others have not all agreed to yet: {"ruling", "reasons", "evidence", "by"}."""

    __tablename__ = "appeals"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    assessment_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("assessments.id"), unique=True)
    status: so.Mapped[AppealStatus] = so.mapped_column(
        str_enum(AppealStatus, 16), default=AppealStatus.LODGED, index=True)
    grounds: so.Mapped[str] = so.mapped_column(sa.Text)
    lodged_on: so.Mapped[dt.date] = so.mapped_column(index=True)
    deadline: so.Mapped[dt.date]  # the last day it could be lodged, kept as it was then
    lodged_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"))
    proposal: so.Mapped[dict | None] = so.mapped_column(sa.JSON)
    ruling_reasons: so.Mapped[str | None] = so.mapped_column(sa.Text)
    decided_at: so.Mapped[dt.datetime | None] = so.mapped_column(UTCDateTime)
    reassessment_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("assessments.id"), unique=True)
    created_at: so.Mapped[dt.datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    version: so.Mapped[int] = so.mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    assessment: so.Mapped[Assessment] = so.relationship(foreign_keys=[assessment_id])
    reassessment: so.Mapped[Assessment | None] = so.relationship(foreign_keys=[reassessment_id])
    lodged_by: so.Mapped[User] = so.relationship()
    members: so.Mapped[list[AppealMember]] = so.relationship(
        back_populates="appeal", cascade="all, delete-orphan", order_by="AppealMember.user_id")

    @property
    def is_decided(self) -> bool:
        return self.status in RULINGS


class AppealMember(db.Model):
    """A person who decides the appeal: the only one, or one of a panel. `agreed` is whether they
    agreed to the current proposal."""

    __tablename__ = "appeal_members"

    appeal_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("appeals.id", ondelete="CASCADE"),
                                                 primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"), primary_key=True, index=True)
    agreed: so.Mapped[bool] = so.mapped_column(default=False)

    appeal: so.Mapped[Appeal] = so.relationship(back_populates="members")
    user: so.Mapped[User] = so.relationship()
