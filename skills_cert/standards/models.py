"""Competency standards and their assessor guidelines, versioned.

A `Standard` row is one version of a qualification standard. Its units, elements, criteria and
guideline hang below it and are never shared between versions, so an endorsed version can be
frozen while a new draft is edited.
"""

from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l

from skills_cert.columns import UTCDateTime, str_enum, utcnow
from skills_cert.extensions import db

Text3 = dict[str, str]  # {"lo": ..., "th": ..., "en": ...}


class StandardStatus(enum.Enum):
    DRAFT = "draft"
    ENDORSED = "endorsed"
    SUPERSEDED = "superseded"

    @property
    def label(self) -> str:
        return str(STATUS_LABELS[self])


STATUS_LABELS = {
    StandardStatus.DRAFT: _l("Draft"),
    StandardStatus.ENDORSED: _l("Endorsed"),
    StandardStatus.SUPERSEDED: _l("Superseded"),
}



class Authority(db.Model):
    __tablename__ = "authorities"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    code: so.Mapped[str] = so.mapped_column(sa.String(40), unique=True)
    country: so.Mapped[str] = so.mapped_column(sa.String(2))
    name: so.Mapped[Text3] = so.mapped_column(sa.JSON)


class Standard(db.Model):
    __tablename__ = "standards"
    __table_args__ = (sa.UniqueConstraint("code", "version"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    authority_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("authorities.id"), index=True)
    code: so.Mapped[str] = so.mapped_column(sa.String(40), index=True)
    version: so.Mapped[int]
    status: so.Mapped[StandardStatus] = so.mapped_column(str_enum(StandardStatus))
    country: so.Mapped[str] = so.mapped_column(sa.String(2), index=True)
    sector: so.Mapped[str] = so.mapped_column(sa.String(40))
    title: so.Mapped[Text3] = so.mapped_column(sa.JSON)
    occupation_isco: so.Mapped[str] = so.mapped_column(sa.String(4), index=True)
    occupation_title: so.Mapped[Text3] = so.mapped_column(sa.JSON)
    level: so.Mapped[int]
    nqf_level: so.Mapped[int]
    aqrf_level: so.Mapped[int]
    effective_date: so.Mapped[dt.date]
    certificate_validity_years: so.Mapped[int]
    packaging_electives: so.Mapped[int] = so.mapped_column(default=0)
    is_illustrative: so.Mapped[bool] = so.mapped_column(default=True)
    note: so.Mapped[Text3] = so.mapped_column(sa.JSON)
    # Case-folded titles, codes and occupation in all three languages, for search.
    search_text: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    created_at: so.Mapped[dt.datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    endorsed_at: so.Mapped[dt.datetime | None] = so.mapped_column(UTCDateTime)
    endorsed_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))

    authority: so.Mapped[Authority] = so.relationship()
    units: so.Mapped[list[Unit]] = so.relationship(
        back_populates="standard", order_by="Unit.position", cascade="all, delete-orphan")
    guideline: so.Mapped[Guideline] = so.relationship(
        back_populates="standard", cascade="all, delete-orphan", uselist=False)

    @property
    def is_frozen(self) -> bool:
        return self.status is not StandardStatus.DRAFT

    def __repr__(self) -> str:
        return f"<Standard {self.code} v{self.version} {self.status.value}>"


class Unit(db.Model):
    __tablename__ = "units"
    __table_args__ = (sa.UniqueConstraint("standard_id", "code"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    standard_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("standards.id"), index=True)
    position: so.Mapped[int]
    code: so.Mapped[str] = so.mapped_column(sa.String(40), index=True)
    version: so.Mapped[int]
    is_core: so.Mapped[bool]
    nominal_hours: so.Mapped[int]
    title: so.Mapped[Text3] = so.mapped_column(sa.JSON)
    application: so.Mapped[Text3] = so.mapped_column(sa.JSON)
    prerequisites: so.Mapped[list[str]] = so.mapped_column(sa.JSON, default=list)
    knowledge_evidence: so.Mapped[list[Text3]] = so.mapped_column(sa.JSON)
    assessment_conditions: so.Mapped[Text3] = so.mapped_column(sa.JSON)
    tools_and_materials: so.Mapped[list[Text3]] = so.mapped_column(sa.JSON)

    standard: so.Mapped[Standard] = so.relationship(back_populates="units")
    elements: so.Mapped[list[Element]] = so.relationship(
        back_populates="unit", order_by="Element.number", cascade="all, delete-orphan")


class Element(db.Model):
    __tablename__ = "elements"
    __table_args__ = (sa.UniqueConstraint("unit_id", "number"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    unit_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("units.id"), index=True)
    number: so.Mapped[int]
    title: so.Mapped[Text3] = so.mapped_column(sa.JSON)

    unit: so.Mapped[Unit] = so.relationship(back_populates="elements")
    criteria: so.Mapped[list[Criterion]] = so.relationship(
        back_populates="element", order_by="Criterion.position", cascade="all, delete-orphan")


class Criterion(db.Model):
    """A performance criterion, numbered `<element>.<n>` within its unit."""

    __tablename__ = "criteria"
    __table_args__ = (sa.UniqueConstraint("element_id", "number"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    element_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("elements.id"), index=True)
    position: so.Mapped[int]
    number: so.Mapped[str] = so.mapped_column(sa.String(8))
    is_critical: so.Mapped[bool] = so.mapped_column(default=False)
    text: so.Mapped[Text3] = so.mapped_column(sa.JSON)

    element: so.Mapped[Element] = so.relationship(back_populates="criteria")

    @property
    def reference(self) -> str:
        return f"{self.element.unit.code}/{self.number}"


checklist_item_criteria = sa.Table(
    "checklist_item_criteria",
    db.metadata,
    sa.Column("item_id", sa.ForeignKey("checklist_items.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("criterion_id", sa.ForeignKey("criteria.id", ondelete="CASCADE"), primary_key=True),
)


# Days to appeal when a guideline does not say (14, as in TESDA and Australian RTO practice).
DEFAULT_APPEAL_DAYS = 14


class Guideline(db.Model):
    """How a standard version is assessed, including the decision rules the engine reads."""

    __tablename__ = "guidelines"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    standard_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("standards.id"), unique=True)
    version: so.Mapped[int]
    assessor_qualifications: so.Mapped[list[Text3]] = so.mapped_column(sa.JSON)
    knowledge_questions: so.Mapped[int]
    knowledge_duration_minutes: so.Mapped[int]
    knowledge_pass_mark: so.Mapped[float]
    knowledge_gates_practical: so.Mapped[bool]
    # {"criteria": [{"code", "title", "max_points"}], "pass_mark": 70} or None
    scoring: so.Mapped[dict | None] = so.mapped_column(sa.JSON)
    decision_rules: so.Mapped[list[str]] = so.mapped_column(sa.JSON)
    # Days after the decision within which a candidate may appeal; None: the file does not say, and
    # DEFAULT_APPEAL_DAYS applies (see `appeal_period`).
    appeal_days: so.Mapped[int | None]
    # {"credit": [{"unit", "min_evidence", "all_elements", "demonstration"}]} or None (no RPL credit)
    rpl: so.Mapped[dict | None] = so.mapped_column(sa.JSON)

    standard: so.Mapped[Standard] = so.relationship(back_populates="guideline")
    tasks: so.Mapped[list[PracticalTask]] = so.relationship(
        back_populates="guideline", order_by="PracticalTask.position", cascade="all, delete-orphan")

    @property
    def appeal_period(self) -> int:
        """Days a candidate has to appeal a decision taken under this guideline."""
        return self.appeal_days or DEFAULT_APPEAL_DAYS


class PracticalTask(db.Model):
    __tablename__ = "practical_tasks"
    __table_args__ = (sa.UniqueConstraint("guideline_id", "code"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    guideline_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("guidelines.id"), index=True)
    position: so.Mapped[int]
    code: so.Mapped[str] = so.mapped_column(sa.String(20))
    title: so.Mapped[Text3] = so.mapped_column(sa.JSON)
    description: so.Mapped[Text3] = so.mapped_column(sa.JSON)
    time_allowed_minutes: so.Mapped[int]
    tools: so.Mapped[list[Text3]] = so.mapped_column(sa.JSON)
    materials: so.Mapped[list[Text3]] = so.mapped_column(sa.JSON)
    safety_rules: so.Mapped[list[Text3]] = so.mapped_column(sa.JSON)

    guideline: so.Mapped[Guideline] = so.relationship(back_populates="tasks")
    items: so.Mapped[list[ChecklistItem]] = so.relationship(
        back_populates="task", order_by="ChecklistItem.position", cascade="all, delete-orphan")


class ChecklistItem(db.Model):
    """One satisfactory / not-satisfactory tick on the assessor's checklist."""

    __tablename__ = "checklist_items"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    task_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("practical_tasks.id"), index=True)
    position: so.Mapped[int]
    code: so.Mapped[str] = so.mapped_column(sa.String(20))
    text: so.Mapped[Text3] = so.mapped_column(sa.JSON)
    is_safety_critical: so.Mapped[bool] = so.mapped_column(default=False)

    task: so.Mapped[PracticalTask] = so.relationship(back_populates="items")
    criteria: so.Mapped[list[Criterion]] = so.relationship(
        secondary=checklist_item_criteria, order_by="Criterion.id")
