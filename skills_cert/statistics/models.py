"""The statistics snapshot: the registry aggregated ahead of time, so that the dashboard reads a
few thousand rows, not a million (see snapshot.py for how it is built, cells.py for how it is read).

A cell counts the assessments, certificates or verification checks that share every dimension a
filter or a table can name (month, centre, standard version, pathway, sex and the family's own
facets), and the distinct people among them. People in two or more cells of a family would be
counted twice when cells are added up; an overlap records one such set of cells and how many
people share exactly that set, so that the double counting can be taken off exactly.
No row here names a person.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
import sqlalchemy.orm as so

from skills_cert.columns import UTCDateTime
from skills_cert.extensions import db


class StatsSnapshot(db.Model):
    """When the cells were built, and for which day (expiry and validity are as of that day)."""

    __tablename__ = "stats_snapshots"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    built_at: so.Mapped[dt.datetime] = so.mapped_column(UTCDateTime)
    built_for: so.Mapped[dt.date] = so.mapped_column(sa.Date)
    seconds: so.Mapped[float] = so.mapped_column(sa.Float)
    cells: so.Mapped[int] = so.mapped_column(sa.Integer)


class StatsCell(db.Model):
    """One cell of a family (testing, reasons, certificates, recognition, verifications). Unknown
    ids are 0 and unknown words '' (a check of a number that matches no certificate), so that
    cells join on plain equality."""

    __tablename__ = "stats_cells"
    __table_args__ = (sa.Index("ix_stats_cells_family_month", "family", "month"),
                      # finds a row's cell while the overlaps are built
                      sa.Index("ix_stats_cells_dims", "family", "month", "centre_id", "standard_id", "pathway",
                               "sex", "facet", "detail"))

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    family: so.Mapped[str] = so.mapped_column(sa.String(16))
    month: so.Mapped[str] = so.mapped_column(sa.String(7))  # YYYY-MM
    centre_id: so.Mapped[int] = so.mapped_column(sa.Integer)
    standard_id: so.Mapped[int] = so.mapped_column(sa.Integer)
    pathway: so.Mapped[str] = so.mapped_column(sa.String(8))
    sex: so.Mapped[str] = so.mapped_column(sa.String(8))
    facet: so.Mapped[str] = so.mapped_column(sa.String(40))
    detail: so.Mapped[str] = so.mapped_column(sa.Text)
    n: so.Mapped[int] = so.mapped_column(sa.Integer)
    people: so.Mapped[int] = so.mapped_column(sa.Integer)


class StatsOverlap(db.Model):
    """*weight* people are each in exactly the cells listed in StatsOverlapCell for this id."""

    __tablename__ = "stats_overlaps"
    __table_args__ = (sa.Index("ix_stats_overlaps_family_size", "family", "size"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    family: so.Mapped[str] = so.mapped_column(sa.String(16))
    domain: so.Mapped[str] = so.mapped_column(sa.Text)  # cells a table adds up together (see _domain)
    size: so.Mapped[int] = so.mapped_column(sa.Integer)  # cells in the set
    weight: so.Mapped[int] = so.mapped_column(sa.Integer)
    representative: so.Mapped[int] = so.mapped_column(sa.Integer)  # used while building only


class StatsOverlapCell(db.Model):
    __tablename__ = "stats_overlap_cells"

    overlap_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("stats_overlaps.id", ondelete="CASCADE"),
                                                  primary_key=True)
    cell_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("stats_cells.id", ondelete="CASCADE"),
                                               primary_key=True, index=True)


class StatsPair(db.Model):
    """Scratch space while building: (person, cell) for people who may be in several cells.
    Empty between builds."""

    __tablename__ = "stats_pairs"

    candidate_id: so.Mapped[int] = so.mapped_column(sa.Integer, primary_key=True)
    cell_id: so.Mapped[int] = so.mapped_column(sa.Integer, primary_key=True)
    domain: so.Mapped[str] = so.mapped_column(sa.Text)


# Scratch space while building: one row per thing counted, with every dimension worked out once,
# so that the registry's joins run once per family (and the planner joins plain columns).
stats_rows = sa.Table(
    "stats_rows", db.metadata,
    sa.Column("month", sa.String(7), nullable=False),
    sa.Column("centre_id", sa.Integer, nullable=False),
    sa.Column("standard_id", sa.Integer, nullable=False),
    sa.Column("pathway", sa.String(8), nullable=False),
    sa.Column("sex", sa.String(8), nullable=False),
    sa.Column("facet", sa.String(40), nullable=False),
    sa.Column("detail", sa.Text, nullable=False),
    sa.Column("item", sa.Integer, nullable=False),
    sa.Column("candidate_id", sa.Integer),
)
