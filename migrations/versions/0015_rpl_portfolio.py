"""Recognition of prior learning: self-assessment ratings, the evidence portfolio and its files,
the units credited on an assessment, and each guideline's RPL rules. The work history and
portfolio notes typed at a candidate's registration are copied into the portfolio of each of
their RPL assessments as items still to be judged (the candidate's columns are kept).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05
"""

import datetime as dt

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("guidelines", sa.Column("rpl", sa.JSON(), nullable=True))
    op.add_column("assessments", sa.Column("credited_units", sa.JSON(), nullable=False,
                                           server_default="[]"))
    op.create_table(
        "self_ratings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("target", sa.String(length=60), nullable=False),
        sa.Column("rating", sa.String(length=12), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["assessment_id"], ["assessments.id"],
                                name=op.f("fk_self_ratings_assessment_id_assessments")),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["users.id"], name=op.f("fk_self_ratings_recorded_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_self_ratings")),
        sa.UniqueConstraint("assessment_id", "target", name=op.f("uq_self_ratings_assessment_id_target")),
    )
    op.create_index(op.f("ix_self_ratings_assessment_id"), "self_ratings", ["assessment_id"])
    op.create_table(
        "portfolio_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=True),
        sa.Column("place", sa.String(length=200), nullable=True),
        sa.Column("date_from", sa.Date(), nullable=True),
        sa.Column("date_to", sa.Date(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("supports", sa.JSON(), nullable=False),
        sa.Column("judgement", sa.String(length=20), nullable=True),
        sa.Column("judgement_note", sa.String(length=500), nullable=True),
        sa.Column("judged_by_id", sa.Integer(), nullable=True),
        sa.Column("judged_at", sa.DateTime(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["assessment_id"], ["assessments.id"],
                                name=op.f("fk_portfolio_items_assessment_id_assessments")),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_portfolio_items_created_by_id_users")),
        sa.ForeignKeyConstraint(["judged_by_id"], ["users.id"], name=op.f("fk_portfolio_items_judged_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portfolio_items")),
        sa.UniqueConstraint("assessment_id", "number", name=op.f("uq_portfolio_items_assessment_id_number")),
    )
    op.create_index(op.f("ix_portfolio_items_assessment_id"), "portfolio_items", ["assessment_id"])
    op.create_table(
        "evidence_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("stored_name", sa.String(length=64), nullable=False),
        sa.Column("media_type", sa.String(length=40), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("pages", sa.Integer(), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("original_name", sa.String(length=200), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["item_id"], ["portfolio_items.id"], name=op.f("fk_evidence_files_item_id_portfolio_items")),
        sa.ForeignKeyConstraint(["uploaded_by_id"], ["users.id"], name=op.f("fk_evidence_files_uploaded_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence_files")),
        sa.UniqueConstraint("stored_name", name=op.f("uq_evidence_files_stored_name")),
    )
    op.create_index(op.f("ix_evidence_files_item_id"), "evidence_files", ["item_id"])
    _copy_registration_notes()


def _copy_registration_notes():
    """Each RPL assessment gets its candidate's registration notes as portfolio items 1 and 2."""
    connection = op.get_bind()
    rows = connection.execute(sa.text(
        "SELECT a.id, c.rpl_work_history, c.rpl_portfolio, c.created_by_id FROM assessments a "
        "JOIN candidates c ON c.id = a.candidate_id WHERE a.pathway = 'rpl' ORDER BY a.id")).all()
    items = sa.table("portfolio_items", sa.column("supports", sa.JSON()), *(sa.column(name) for name in (
        "assessment_id", "number", "kind", "title", "description", "created_by_id", "created_at")))
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    values = []
    for assessment_id, history, portfolio, created_by in rows:
        notes = [(kind, title, text) for kind, title, text in (
            ("work_history", "Work history given at registration", history),
            ("other", "Portfolio described at registration", portfolio)) if text and text.strip()]
        values += [{"assessment_id": assessment_id, "number": number, "kind": kind, "title": title,
                    "description": text.strip(), "supports": [], "created_by_id": created_by,
                    "created_at": now} for number, (kind, title, text) in enumerate(notes, start=1)]
    if values:
        op.bulk_insert(items, values)


def downgrade():
    op.drop_index(op.f("ix_evidence_files_item_id"), table_name="evidence_files")
    op.drop_table("evidence_files")
    op.drop_index(op.f("ix_portfolio_items_assessment_id"), table_name="portfolio_items")
    op.drop_table("portfolio_items")
    op.drop_index(op.f("ix_self_ratings_assessment_id"), table_name="self_ratings")
    op.drop_table("self_ratings")
    with op.batch_alter_table("assessments") as batch:
        batch.drop_column("credited_units")
    with op.batch_alter_table("guidelines") as batch:
        batch.drop_column("rpl")
