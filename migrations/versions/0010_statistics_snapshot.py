"""The statistics snapshot: the registry aggregated ahead of time for the dashboard.

stats_cells holds counts (rows and distinct people) by month, centre, standard version, pathway,
sex and each family's facets; stats_overlaps and stats_overlap_cells record the sets of cells
that people share, so that distinct people stay exact when cells are added up; stats_pairs is
scratch space while building (as is stats_rows); stats_snapshots says when and for which day it was built. The
tables start empty: the first dashboard view, or `flask statistics refresh`, fills them.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "stats_snapshots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("built_at", sa.DateTime(), nullable=False),
        sa.Column("built_for", sa.Date(), nullable=False),
        sa.Column("seconds", sa.Float(), nullable=False),
        sa.Column("cells", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stats_snapshots")),
    )
    op.create_table(
        "stats_cells",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("family", sa.String(length=16), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("centre_id", sa.Integer(), nullable=False),
        sa.Column("standard_id", sa.Integer(), nullable=False),
        sa.Column("pathway", sa.String(length=8), nullable=False),
        sa.Column("sex", sa.String(length=8), nullable=False),
        sa.Column("facet", sa.String(length=40), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("people", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stats_cells")),
    )
    op.create_index("ix_stats_cells_family_month", "stats_cells", ["family", "month"], unique=False)
    op.create_index("ix_stats_cells_dims", "stats_cells",
                    ["family", "month", "centre_id", "standard_id", "pathway", "sex", "facet", "detail"], unique=False)
    op.create_table(
        "stats_overlaps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("family", sa.String(length=16), nullable=False),
        sa.Column("domain", sa.Text(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("weight", sa.Integer(), nullable=False),
        sa.Column("representative", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stats_overlaps")),
    )
    op.create_index("ix_stats_overlaps_family_size", "stats_overlaps", ["family", "size"], unique=False)
    op.create_table(
        "stats_overlap_cells",
        sa.Column("overlap_id", sa.Integer(), nullable=False),
        sa.Column("cell_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["cell_id"], ["stats_cells.id"],
                                name=op.f("fk_stats_overlap_cells_cell_id_stats_cells"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["overlap_id"], ["stats_overlaps.id"],
                                name=op.f("fk_stats_overlap_cells_overlap_id_stats_overlaps"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("overlap_id", "cell_id", name=op.f("pk_stats_overlap_cells")),
    )
    op.create_index(op.f("ix_stats_overlap_cells_cell_id"), "stats_overlap_cells", ["cell_id"], unique=False)
    op.create_table(
        "stats_rows",
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("centre_id", sa.Integer(), nullable=False),
        sa.Column("standard_id", sa.Integer(), nullable=False),
        sa.Column("pathway", sa.String(length=8), nullable=False),
        sa.Column("sex", sa.String(length=8), nullable=False),
        sa.Column("facet", sa.String(length=40), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("item", sa.Integer(), nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=True),
    )
    op.create_table(
        "stats_pairs",
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("cell_id", sa.Integer(), nullable=False),
        sa.Column("domain", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("candidate_id", "cell_id", name=op.f("pk_stats_pairs")),
    )


def downgrade():
    op.drop_table("stats_pairs")
    op.drop_table("stats_rows")
    op.drop_index(op.f("ix_stats_overlap_cells_cell_id"), table_name="stats_overlap_cells")
    op.drop_table("stats_overlap_cells")
    op.drop_index("ix_stats_overlaps_family_size", table_name="stats_overlaps")
    op.drop_table("stats_overlaps")
    op.drop_index("ix_stats_cells_dims", table_name="stats_cells")
    op.drop_index("ix_stats_cells_family_month", table_name="stats_cells")
    op.drop_table("stats_cells")
    op.drop_table("stats_snapshots")
