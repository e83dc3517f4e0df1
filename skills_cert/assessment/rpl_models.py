"""Recognition of prior learning: the candidate's self-assessment and the evidence portfolio.

Both belong to one assessment, so to one standard version: a rating or an item names a unit
("LA-CON-BRL-02") or one of its elements ("LA-CON-BRL-02/3"). Evidence files are stored outside
the database and the web root (`evidence_files.py`); a row keeps their name, kind and checksum.
"""

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


class Frequency(enum.Enum):
    """How often the candidate says they do the work of a unit or element."""

    REGULARLY = "regularly"
    SOMETIMES = "sometimes"
    NEVER = "never"

    @property
    def label(self) -> str:
        return str({Frequency.REGULARLY: _l("I do this regularly"),
                    Frequency.SOMETIMES: _l("I do this sometimes"),
                    Frequency.NEVER: _l("I have never done this")}[self])


class EvidenceKind(enum.Enum):
    PHOTO = "photo"
    REFERENCE = "reference"
    TRAINING = "training"
    WORK_HISTORY = "work_history"
    OTHER = "other"

    @property
    def label(self) -> str:
        return str({EvidenceKind.PHOTO: _l("Photos of work"),
                    EvidenceKind.REFERENCE: _l("Employer reference"),
                    EvidenceKind.TRAINING: _l("Training certificate"),
                    EvidenceKind.WORK_HISTORY: _l("Work history"),
                    EvidenceKind.OTHER: _l("Other evidence")}[self])


class Judgement(enum.Enum):
    ACCEPTED = "accepted"
    NOT_ACCEPTED = "not_accepted"
    NEEDS_CONFIRMATION = "needs_confirmation"

    @property
    def label(self) -> str:
        return str({Judgement.ACCEPTED: _l("Accepted"),
                    Judgement.NOT_ACCEPTED: _l("Not accepted"),
                    Judgement.NEEDS_CONFIRMATION: _l("Needs confirmation")}[self])


class SelfRating(db.Model):
    """The candidate's own rating of one unit or element, before the assessment."""

    __tablename__ = "self_ratings"
    __table_args__ = (sa.UniqueConstraint("assessment_id", "target"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    assessment_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("assessments.id"), index=True)
    target: so.Mapped[str] = so.mapped_column(sa.String(60))  # "UNIT" or "UNIT/element"
    rating: so.Mapped[Frequency] = so.mapped_column(str_enum(Frequency, 12))
    recorded_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"))
    recorded_at: so.Mapped[dt.datetime] = so.mapped_column(UTCDateTime, default=utcnow)


class PortfolioItem(db.Model):
    """One item of evidence, numbered from 1 within its assessment, and the assessor's judgement."""

    __tablename__ = "portfolio_items"
    __table_args__ = (sa.UniqueConstraint("assessment_id", "number"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    assessment_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("assessments.id"), index=True)
    number: so.Mapped[int]
    kind: so.Mapped[EvidenceKind] = so.mapped_column(str_enum(EvidenceKind, 16))
    title: so.Mapped[str] = so.mapped_column(sa.String(200))
    source: so.Mapped[str | None] = so.mapped_column(sa.String(200))  # employer, training provider
    place: so.Mapped[str | None] = so.mapped_column(sa.String(200))
    date_from: so.Mapped[dt.date | None]
    date_to: so.Mapped[dt.date | None]
    description: so.Mapped[str | None] = so.mapped_column(sa.Text)
    supports: so.Mapped[list[str]] = so.mapped_column(sa.JSON, default=list)  # units and elements
    judgement: so.Mapped[Judgement | None] = so.mapped_column(str_enum(Judgement, 20))
    judgement_note: so.Mapped[str | None] = so.mapped_column(sa.String(500))
    judged_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    judged_at: so.Mapped[dt.datetime | None] = so.mapped_column(UTCDateTime)
    created_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"))
    created_at: so.Mapped[dt.datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    assessment: so.Mapped[Assessment] = so.relationship()
    judged_by: so.Mapped[User | None] = so.relationship(foreign_keys=[judged_by_id])
    files: so.Mapped[list[EvidenceFile]] = so.relationship(
        back_populates="item", cascade="all, delete-orphan", order_by="EvidenceFile.id")


class EvidenceFile(db.Model):
    """A file of a portfolio item: a re-encoded JPEG or a PDF rewritten by pikepdf, stored under
    EVIDENCE_DIR as `stored_name` (random, never derived from what the uploader sent)."""

    __tablename__ = "evidence_files"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    item_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("portfolio_items.id"), index=True)
    stored_name: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    media_type: so.Mapped[str] = so.mapped_column(sa.String(40))
    size: so.Mapped[int]
    pages: so.Mapped[int | None]
    sha256: so.Mapped[str] = so.mapped_column(sa.String(64))
    original_name: so.Mapped[str] = so.mapped_column(sa.String(200))
    uploaded_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"))
    created_at: so.Mapped[dt.datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    item: so.Mapped[PortfolioItem] = so.relationship(back_populates="files")


def accepted_evidence(session: so.Session, assessment_id: int) -> dict[str, tuple[int, ...]]:
    """The numbers of the accepted portfolio items per unit or element they support: what the
    rule engine credits units on (`decisions.Evidence.portfolio`)."""
    found: dict[str, list[int]] = {}
    rows = session.execute(sa.select(PortfolioItem.number, PortfolioItem.supports).where(
        PortfolioItem.assessment_id == assessment_id, PortfolioItem.judgement == Judgement.ACCEPTED)
        .order_by(PortfolioItem.number))
    for number, supports in rows:
        for target in supports or ():
            found.setdefault(target, []).append(number)
    return {target: tuple(numbers) for target, numbers in found.items()}
