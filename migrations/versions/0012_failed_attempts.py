"""Failed attempts at a secret counted per thing attacked (a certificate number with a date of
birth, a user name without an account), not per client or per worker.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "failed_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=16), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_at", sa.DateTime(), nullable=False),
        sa.Column("paused_until", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_failed_attempts")),
        sa.UniqueConstraint("scope", "key_hash", name="uq_failed_attempts_scope_key"),
    )
    op.create_index(op.f("ix_failed_attempts_last_at"), "failed_attempts", ["last_at"])


def downgrade():
    op.drop_index(op.f("ix_failed_attempts_last_at"), table_name="failed_attempts")
    op.drop_table("failed_attempts")
