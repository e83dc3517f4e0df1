"""Open Badges 3.0 credentials: one signed JSON document per certificate, made on first request,
with its position in the authority's revocation status list and the secret salt of the ID hash.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "issued_credentials",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("certificate_id", sa.Integer(), nullable=False),
        sa.Column("authority_code", sa.String(length=40), nullable=False),
        sa.Column("status_list", sa.Integer(), nullable=False),
        sa.Column("status_index", sa.Integer(), nullable=False),
        sa.Column("id_salt", sa.String(length=32), nullable=False),
        sa.Column("key_id", sa.String(length=16), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["certificate_id"], ["certificates.id"],
                                name=op.f("fk_issued_credentials_certificate_id_certificates")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_issued_credentials")),
        sa.UniqueConstraint("certificate_id", name=op.f("uq_issued_credentials_certificate_id")),
        sa.UniqueConstraint("authority_code", "status_list", "status_index",
                            name="uq_issued_credentials_status_position"),
    )


def downgrade():
    op.drop_table("issued_credentials")
