"""Mutual recognition of skills (MRS): agreements, standard mappings and unit mappings.

An `Agreement` is one version of an agreement between an origin and a destination country for a
sector. Its status over time is a list of `AgreementEvent`s (in force from a date, suspended from a
date ...), so recognition can be computed for any day. A `StandardMapping` under it maps one origin
standard version to one destination standard version; its `UnitMapping`s say, unit by unit, what
covers what. Units are referred to by code: the standard versions they belong to are frozen once
endorsed, and a mapping can only be put in force between endorsed versions.
"""

from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l

from skills_cert.columns import UTCDateTime, str_enum, utcnow
from skills_cert.extensions import db
from skills_cert.standards.models import Standard, Text3


class AgreementStatus(enum.Enum):
    DRAFT = "draft"
    IN_FORCE = "in_force"
    SUSPENDED = "suspended"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return str(AGREEMENT_STATUS_LABELS[self])


AGREEMENT_STATUS_LABELS = {
    AgreementStatus.DRAFT: _l("Draft"),
    AgreementStatus.IN_FORCE: _l("In force"),
    AgreementStatus.SUSPENDED: _l("Suspended"),
    AgreementStatus.WITHDRAWN: _l("Withdrawn"),
}


class Relation(enum.Enum):
    EQUIVALENT = "equivalent"
    PARTIAL = "partial"
    NONE = "none"

    @property
    def label(self) -> str:
        return str(RELATION_LABELS[self])


RELATION_LABELS = {
    Relation.EQUIVALENT: _l("Equivalent"),
    Relation.PARTIAL: _l("Partial"),
    Relation.NONE: _l("No equivalent"),
}


class Agreement(db.Model):
    __tablename__ = "mrs_agreements"
    __table_args__ = (sa.UniqueConstraint("code", "version"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    code: so.Mapped[str] = so.mapped_column(sa.String(40), index=True)
    version: so.Mapped[int]
    origin_country: so.Mapped[str] = so.mapped_column(sa.String(2))
    destination_country: so.Mapped[str] = so.mapped_column(sa.String(2))
    sector: so.Mapped[str] = so.mapped_column(sa.String(40))
    title: so.Mapped[Text3] = so.mapped_column(sa.JSON)
    reference: so.Mapped[str] = so.mapped_column(sa.String(200))
    signed_on: so.Mapped[dt.date | None]
    effective_from: so.Mapped[dt.date]
    effective_until: so.Mapped[dt.date | None]
    status: so.Mapped[AgreementStatus] = so.mapped_column(str_enum(AgreementStatus))
    is_illustrative: so.Mapped[bool] = so.mapped_column(default=True)
    note: so.Mapped[Text3 | None] = so.mapped_column(sa.JSON)
    created_at: so.Mapped[dt.datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    mappings: so.Mapped[list[StandardMapping]] = so.relationship(
        back_populates="agreement", cascade="all, delete-orphan", order_by="StandardMapping.position")
    events: so.Mapped[list[AgreementEvent]] = so.relationship(
        back_populates="agreement", cascade="all, delete-orphan",
        order_by="(AgreementEvent.effective_on, AgreementEvent.id)")

    @property
    def name(self) -> str:
        return f"{self.code} v{self.version}"

    def status_on(self, day: dt.date) -> AgreementStatus:
        """The status that applies on *day*: the latest event that took effect by then."""
        status = AgreementStatus.DRAFT
        for event in self.events:
            if event.effective_on <= day:
                status = event.status
        return status

    def in_force_on(self, day: dt.date) -> bool:
        if day < self.effective_from or (self.effective_until and day > self.effective_until):
            return False
        return self.status_on(day) is AgreementStatus.IN_FORCE

    def status_since(self) -> dt.date | None:
        return self.events[-1].effective_on if self.events else None


class AgreementEvent(db.Model):
    """A change of an agreement's status that takes effect on a date (audited separately)."""

    __tablename__ = "mrs_agreement_events"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    agreement_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("mrs_agreements.id"), index=True)
    status: so.Mapped[AgreementStatus] = so.mapped_column(str_enum(AgreementStatus))
    effective_on: so.Mapped[dt.date]
    reason: so.Mapped[str] = so.mapped_column(sa.String(500), default="")
    recorded_at: so.Mapped[dt.datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    recorded_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))

    agreement: so.Mapped[Agreement] = so.relationship(back_populates="events")


class StandardMapping(db.Model):
    __tablename__ = "mrs_standard_mappings"
    __table_args__ = (sa.UniqueConstraint("agreement_id", "origin_standard_id", "destination_standard_id",
                                          name="uq_mrs_standard_mappings_pair"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    agreement_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("mrs_agreements.id"), index=True)
    position: so.Mapped[int] = so.mapped_column(default=0)
    origin_standard_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("standards.id"), index=True)
    destination_standard_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("standards.id"), index=True)
    compared_by: so.Mapped[str] = so.mapped_column(sa.String(300), default="")
    compared_on: so.Mapped[dt.date | None]
    # {destination unit code: {lo, th, en}}: what would close the gap for an uncovered unit.
    bridging: so.Mapped[dict[str, Text3]] = so.mapped_column(sa.JSON, default=dict)

    agreement: so.Mapped[Agreement] = so.relationship(back_populates="mappings")
    origin: so.Mapped[Standard] = so.relationship(foreign_keys=[origin_standard_id])
    destination: so.Mapped[Standard] = so.relationship(foreign_keys=[destination_standard_id])
    units: so.Mapped[list[UnitMapping]] = so.relationship(
        back_populates="mapping", cascade="all, delete-orphan", order_by="UnitMapping.position")


class UnitMapping(db.Model):
    """Origin unit(s) → destination unit(s). Several origin units mean "achieved together"."""

    __tablename__ = "mrs_unit_mappings"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    mapping_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("mrs_standard_mappings.id"), index=True)
    position: so.Mapped[int]
    origin_units: so.Mapped[list[str]] = so.mapped_column(sa.JSON)
    destination_units: so.Mapped[list[str]] = so.mapped_column(sa.JSON)
    relation: so.Mapped[Relation] = so.mapped_column(str_enum(Relation))
    gap: so.Mapped[Text3 | None] = so.mapped_column(sa.JSON)
    justification: so.Mapped[Text3] = so.mapped_column(sa.JSON)
    compared: so.Mapped[list[str]] = so.mapped_column(sa.JSON, default=list)  # "UNIT/1", "UNIT/1.2"
    compared_by: so.Mapped[str] = so.mapped_column(sa.String(300), default="")
    updated_at: so.Mapped[dt.datetime] = so.mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    updated_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))

    mapping: so.Mapped[StandardMapping] = so.relationship(back_populates="units")
