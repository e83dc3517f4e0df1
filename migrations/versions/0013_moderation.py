"""Moderation (flags on submitted results, reviewed item by item), the first mark saved per item
and when recording started, and whole-session approval runs.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("item_results") as batch_op:
        batch_op.add_column(sa.Column("first_satisfactory", sa.Boolean(), nullable=True))
    with op.batch_alter_table("assessments") as batch_op:
        batch_op.add_column(sa.Column("recording_started_at", sa.DateTime(), nullable=True))
    op.create_table(
        "moderation_flags",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("reviewed_by_id", sa.Integer(), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["assessment_id"], ["assessments.id"],
                                name=op.f("fk_moderation_flags_assessment_id_assessments")),
        sa.ForeignKeyConstraint(["reviewed_by_id"], ["users.id"],
                                name=op.f("fk_moderation_flags_reviewed_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_moderation_flags")),
    )
    op.create_index(op.f("ix_moderation_flags_assessment_id"), "moderation_flags", ["assessment_id"])
    op.create_table(
        "moderation_item_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("flag_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("marked", sa.Boolean(), nullable=True),
        sa.Column("agrees", sa.Boolean(), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(["flag_id"], ["moderation_flags.id"],
                                name=op.f("fk_moderation_item_reviews_flag_id_moderation_flags")),
        sa.ForeignKeyConstraint(["item_id"], ["checklist_items.id"],
                                name=op.f("fk_moderation_item_reviews_item_id_checklist_items")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_moderation_item_reviews")),
        sa.UniqueConstraint("flag_id", "item_id", name=op.f("uq_moderation_item_reviews_flag_id_item_id")),
    )
    op.create_index(op.f("ix_moderation_item_reviews_flag_id"), "moderation_item_reviews", ["flag_id"])
    op.create_table(
        "session_approvals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("officer_id", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("queue", sa.JSON(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("certificates", sa.Integer(), nullable=False),
        sa.Column("attainments", sa.Integer(), nullable=False),
        sa.Column("without_certificate", sa.Integer(), nullable=False),
        sa.Column("skipped", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["session_id"], ["test_sessions.id"],
                                name=op.f("fk_session_approvals_session_id_test_sessions")),
        sa.ForeignKeyConstraint(["officer_id"], ["users.id"], name=op.f("fk_session_approvals_officer_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_session_approvals")),
    )
    op.create_index(op.f("ix_session_approvals_session_id"), "session_approvals", ["session_id"])


def downgrade():
    op.drop_index(op.f("ix_session_approvals_session_id"), table_name="session_approvals")
    op.drop_table("session_approvals")
    op.drop_index(op.f("ix_moderation_item_reviews_flag_id"), table_name="moderation_item_reviews")
    op.drop_table("moderation_item_reviews")
    op.drop_index(op.f("ix_moderation_flags_assessment_id"), table_name="moderation_flags")
    op.drop_table("moderation_flags")
    with op.batch_alter_table("assessments") as batch_op:
        batch_op.drop_column("recording_started_at")
    with op.batch_alter_table("item_results") as batch_op:
        batch_op.drop_column("first_satisfactory")
