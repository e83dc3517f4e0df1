"""The holder's name in Thai script, for Thai employers: on the candidate (proposed from the Lao
name, corrected by the assessor) and on the certificate as issued.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("candidates") as batch:
        batch.add_column(sa.Column("name_thai", sa.String(length=120), nullable=True))
    with op.batch_alter_table("certificates") as batch:
        batch.add_column(sa.Column("name_thai", sa.String(length=120), nullable=True))


def downgrade():
    with op.batch_alter_table("certificates") as batch:
        batch.drop_column("name_thai")
    with op.batch_alter_table("candidates") as batch:
        batch.drop_column("name_thai")
