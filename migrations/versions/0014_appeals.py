"""Appeals against an approved assessment decision, the people who decide them, and each
guideline's appeal period.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("guidelines", sa.Column("appeal_days", sa.Integer(), nullable=True))
    op.create_table(
        "appeals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("grounds", sa.Text(), nullable=False),
        sa.Column("lodged_on", sa.Date(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("lodged_by_id", sa.Integer(), nullable=False),
        sa.Column("proposal", sa.JSON(), nullable=True),
        sa.Column("ruling_reasons", sa.Text(), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("reassessment_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["assessment_id"], ["assessments.id"],
                                name=op.f("fk_appeals_assessment_id_assessments")),
        sa.ForeignKeyConstraint(["reassessment_id"], ["assessments.id"],
                                name=op.f("fk_appeals_reassessment_id_assessments")),
        sa.ForeignKeyConstraint(["lodged_by_id"], ["users.id"], name=op.f("fk_appeals_lodged_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appeals")),
        sa.UniqueConstraint("assessment_id", name=op.f("uq_appeals_assessment_id")),
        sa.UniqueConstraint("reassessment_id", name=op.f("uq_appeals_reassessment_id")),
    )
    op.create_index(op.f("ix_appeals_status"), "appeals", ["status"])
    op.create_index(op.f("ix_appeals_lodged_on"), "appeals", ["lodged_on"])
    op.create_table(
        "appeal_members",
        sa.Column("appeal_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("agreed", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["appeal_id"], ["appeals.id"], ondelete="CASCADE",
                                name=op.f("fk_appeal_members_appeal_id_appeals")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_appeal_members_user_id_users")),
        sa.PrimaryKeyConstraint("appeal_id", "user_id", name=op.f("pk_appeal_members")),
    )
    op.create_index(op.f("ix_appeal_members_user_id"), "appeal_members", ["user_id"])


def downgrade():
    op.drop_index(op.f("ix_appeal_members_user_id"), table_name="appeal_members")
    op.drop_table("appeal_members")
    op.drop_index(op.f("ix_appeals_lodged_on"), table_name="appeals")
    op.drop_index(op.f("ix_appeals_status"), table_name="appeals")
    op.drop_table("appeals")
    with op.batch_alter_table("guidelines") as batch:
        batch.drop_column("appeal_days")
