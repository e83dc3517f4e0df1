"""Candidates, testing centres, test sessions and the assessments recorded in them."""

from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l

from skills_cert.accounts.models import User
from skills_cert.columns import UTCDateTime, str_enum, utcnow
from skills_cert.extensions import db
from skills_cert.standards.models import ChecklistItem, Standard, Text3


class Sex(enum.Enum):
    FEMALE = "female"
    MALE = "male"

    @property
    def label(self) -> str:
        return str({Sex.FEMALE: _l("Female"), Sex.MALE: _l("Male")}[self])


class Pathway(enum.Enum):
    REGULAR = "regular"
    RPL = "rpl"

    @property
    def label(self) -> str:
        return str({Pathway.REGULAR: _l("Regular test"),
                    Pathway.RPL: _l("Recognition of prior learning (RPL)")}[self])


class AssessmentStatus(enum.Enum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    APPROVED = "approved"

    @property
    def label(self) -> str:
        return str(ASSESSMENT_STATUS_LABELS[self])


ASSESSMENT_STATUS_LABELS = {
    AssessmentStatus.DRAFT: _l("Being recorded"),
    AssessmentStatus.SUBMITTED: _l("Awaiting approval"),
    AssessmentStatus.RETURNED: _l("Returned for correction"),
    AssessmentStatus.APPROVED: _l("Approved"),
}


class Outcome(enum.Enum):
    COMPETENT = "competent"
    NOT_YET_COMPETENT = "not_yet_competent"

    @property
    def label(self) -> str:
        return str({Outcome.COMPETENT: _l("Competent"),
                    Outcome.NOT_YET_COMPETENT: _l("Not yet competent")}[self])


class TestingCentre(db.Model):
    __tablename__ = "testing_centres"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    code: so.Mapped[str] = so.mapped_column(sa.String(20), unique=True)
    name: so.Mapped[Text3] = so.mapped_column(sa.JSON)
    province: so.Mapped[str] = so.mapped_column(sa.String(8), index=True)
    is_active: so.Mapped[bool] = so.mapped_column(default=True)


class Candidate(db.Model):
    """A person tested. Personal data here never appears on a public page."""

    __tablename__ = "candidates"
    __table_args__ = (sa.UniqueConstraint("id_type", "id_number"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    name_lao: so.Mapped[str] = so.mapped_column(sa.String(120))
    name_latin: so.Mapped[str] = so.mapped_column(sa.String(120))
    # The name in Thai script, as a Thai work permit writes it (proposed from the Lao name).
    name_thai: so.Mapped[str | None] = so.mapped_column(sa.String(120))
    sex: so.Mapped[Sex] = so.mapped_column(str_enum(Sex, 8))
    date_of_birth: so.Mapped[dt.date] = so.mapped_column(index=True)
    nationality: so.Mapped[str] = so.mapped_column(sa.String(2))
    id_type: so.Mapped[str] = so.mapped_column(sa.String(20))
    id_number: so.Mapped[str] = so.mapped_column(sa.String(32))
    phone: so.Mapped[str | None] = so.mapped_column(sa.String(20))
    photo: so.Mapped[bytes | None] = so.mapped_column(sa.LargeBinary, deferred=True)
    has_photo: so.Mapped[bool] = so.mapped_column(default=False)
    pathway: so.Mapped[Pathway] = so.mapped_column(str_enum(Pathway, 8))
    rpl_work_history: so.Mapped[str | None] = so.mapped_column(sa.Text)
    rpl_portfolio: so.Mapped[str | None] = so.mapped_column(sa.Text)
    # Case-folded Lao and romanised names, for search and duplicate detection.
    search_name: so.Mapped[str] = so.mapped_column(sa.String(250), index=True)
    created_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"))
    created_at: so.Mapped[dt.datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    created_by: so.Mapped[User] = so.relationship()


class Accreditation(db.Model):
    """An assessor may assess a standard (any version of its code) until the expiry date."""

    __tablename__ = "accreditations"
    __table_args__ = (sa.UniqueConstraint("user_id", "standard_code"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"), index=True)
    standard_code: so.Mapped[str] = so.mapped_column(sa.String(40))
    expires_on: so.Mapped[dt.date]
    granted_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"))
    created_at: so.Mapped[dt.datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    user: so.Mapped[User] = so.relationship(foreign_keys=[user_id])

    def is_valid_on(self, day: dt.date) -> bool:
        return day <= self.expires_on


session_assessors = sa.Table(
    "session_assessors",
    db.metadata,
    sa.Column("session_id", sa.ForeignKey("test_sessions.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("user_id", sa.ForeignKey("users.id"), primary_key=True),
)


class TestSession(db.Model):
    """One day of testing at a centre against one standard version."""

    __tablename__ = "test_sessions"
    __table_args__ = (
        # Statistics find a period's sessions, with their centre and standard, from the index alone.
        sa.Index("ix_test_sessions_date_centre_standard", "test_date", "centre_id", "standard_id"),
    )
    __test__ = False  # not a pytest test class

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    centre_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("testing_centres.id"), index=True)
    standard_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("standards.id"), index=True)
    test_date: so.Mapped[dt.date]
    created_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"))
    created_at: so.Mapped[dt.datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    centre: so.Mapped[TestingCentre] = so.relationship()
    standard: so.Mapped[Standard] = so.relationship()
    assessors: so.Mapped[list[User]] = so.relationship(secondary=session_assessors, order_by=User.username)
    assessments: so.Mapped[list[Assessment]] = so.relationship(
        back_populates="session", order_by="Assessment.id")


class Assessment(db.Model):
    """A candidate's test in a session: the recorded evidence and the computed decision."""

    __tablename__ = "assessments"
    __table_args__ = (
        sa.UniqueConstraint("session_id", "candidate_id"),
        # Statistics read approved assessments by session from this index alone, never the rows;
        # it also serves every lookup by status.
        sa.Index("ix_assessments_status_session", "status", "session_id", "outcome", "candidate_id"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    session_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("test_sessions.id"), index=True)
    candidate_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("candidates.id"), index=True)
    pathway: so.Mapped[Pathway] = so.mapped_column(str_enum(Pathway, 8))
    status: so.Mapped[AssessmentStatus] = so.mapped_column(
        str_enum(AssessmentStatus, 20), default=AssessmentStatus.DRAFT)
    knowledge_percent: so.Mapped[float | None]
    practical_points: so.Mapped[dict] = so.mapped_column(sa.JSON, default=dict)
    # The decision as computed at the last submission, kept for the approver and the trail.
    outcome: so.Mapped[Outcome | None] = so.mapped_column(str_enum(Outcome, 20))
    achieved_units: so.Mapped[list[str]] = so.mapped_column(sa.JSON, default=list)
    # Units of achieved_units credited through RPL on portfolio evidence (crediting.py).
    credited_units: so.Mapped[list[str]] = so.mapped_column(sa.JSON, default=list)
    reasons: so.Mapped[list] = so.mapped_column(sa.JSON, default=list)
    recorded_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    submitted_at: so.Mapped[dt.datetime | None] = so.mapped_column(UTCDateTime)
    decided_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    decided_at: so.Mapped[dt.datetime | None] = so.mapped_column(UTCDateTime)
    return_reason: so.Mapped[str | None] = so.mapped_column(sa.Text)
    # When the first result was saved, for the assessor report's time per candidate (moderation).
    recording_started_at: so.Mapped[dt.datetime | None] = so.mapped_column(UTCDateTime)
    updated_at: so.Mapped[dt.datetime] = so.mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: so.Mapped[int] = so.mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    session: so.Mapped[TestSession] = so.relationship(back_populates="assessments")
    candidate: so.Mapped[Candidate] = so.relationship()
    recorded_by: so.Mapped[User | None] = so.relationship(foreign_keys=[recorded_by_id])
    decided_by: so.Mapped[User | None] = so.relationship(foreign_keys=[decided_by_id])
    results: so.Mapped[list[ItemResult]] = so.relationship(
        back_populates="assessment", cascade="all, delete-orphan", order_by="ItemResult.item_id")
    photos: so.Mapped[list[EvidencePhoto]] = so.relationship(
        back_populates="assessment", cascade="all, delete-orphan", order_by="EvidencePhoto.id")

    @property
    def is_editable(self) -> bool:
        return self.status in (AssessmentStatus.DRAFT, AssessmentStatus.RETURNED)


class ItemResult(db.Model):
    """One checklist tick: satisfactory, not satisfactory, or not yet recorded (None)."""

    __tablename__ = "item_results"
    __table_args__ = (sa.UniqueConstraint("assessment_id", "item_id"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    assessment_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("assessments.id"), index=True)
    item_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("checklist_items.id"))
    satisfactory: so.Mapped[bool | None]
    # The first mark ever saved: an item changed after it was first saved is flagged for moderation.
    first_satisfactory: so.Mapped[bool | None]
    note: so.Mapped[str | None] = so.mapped_column(sa.String(500))

    assessment: so.Mapped[Assessment] = so.relationship(back_populates="results")
    item: so.Mapped[ChecklistItem] = so.relationship()


class EvidencePhoto(db.Model):
    __tablename__ = "evidence_photos"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    assessment_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("assessments.id"), index=True)
    image: so.Mapped[bytes] = so.mapped_column(sa.LargeBinary, deferred=True)
    uploaded_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"))
    created_at: so.Mapped[dt.datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    assessment: so.Mapped[Assessment] = so.relationship(back_populates="photos")


class ModerationStatus(enum.Enum):
    OPEN = "open"
    CONFIRMED = "confirmed"
    DISAGREED = "disagreed"
    SUPERSEDED = "superseded"

    @property
    def label(self) -> str:
        return str({ModerationStatus.OPEN: _l("Awaiting moderation review"),
                    ModerationStatus.CONFIRMED: _l("Reviewed: the marks are confirmed"),
                    ModerationStatus.DISAGREED: _l("Reviewed: the officer disagrees with some marks"),
                    ModerationStatus.SUPERSEDED: _l("Replaced by a later submission")}[self])


class ModerationFlag(db.Model):
    """A submitted result flagged for moderation (sampled, borderline or changed): a certifying
    officer reviews it item by item before it can be approved (assessment/moderation.py)."""

    __tablename__ = "moderation_flags"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    assessment_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("assessments.id"), index=True)
    # [{"code": "sample" | "knowledge_margin" | "practical_margin" | "item_changed", "params": {...}}]
    reasons: so.Mapped[list] = so.mapped_column(sa.JSON, default=list)
    status: so.Mapped[ModerationStatus] = so.mapped_column(
        str_enum(ModerationStatus, 12), default=ModerationStatus.OPEN)
    created_at: so.Mapped[dt.datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    reviewed_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    reviewed_at: so.Mapped[dt.datetime | None] = so.mapped_column(UTCDateTime)
    note: so.Mapped[str | None] = so.mapped_column(sa.Text)

    assessment: so.Mapped[Assessment] = so.relationship()
    reviewed_by: so.Mapped[User | None] = so.relationship()
    item_reviews: so.Mapped[list[ModerationItemReview]] = so.relationship(
        back_populates="flag", cascade="all, delete-orphan", order_by="ModerationItemReview.id")


class ModerationItemReview(db.Model):
    """The reviewing officer's verdict on one checklist item of a flagged result."""

    __tablename__ = "moderation_item_reviews"
    __table_args__ = (sa.UniqueConstraint("flag_id", "item_id"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    flag_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("moderation_flags.id"), index=True)
    item_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("checklist_items.id"))
    marked: so.Mapped[bool | None]  # the assessor's mark as the officer saw it
    agrees: so.Mapped[bool]
    note: so.Mapped[str | None] = so.mapped_column(sa.String(500))

    flag: so.Mapped[ModerationFlag] = so.relationship(back_populates="item_reviews")
    item: so.Mapped[ChecklistItem] = so.relationship()
