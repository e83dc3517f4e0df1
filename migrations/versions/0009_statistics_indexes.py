"""Statistics indexes: the dashboard's scans read indexes, not rows.

Two composite indexes replace the single-column indexes that are their first column:
- ix_assessments_status_session (status, session_id, outcome, candidate_id) replaces
  ix_assessments_status. The testing and pass-rate queries scan the approved assessments in it
  without reading the rows, and with a period they reach it from that period's test sessions
  (status and session both equal); the reasons query reads only the rows not yet competent.
- ix_test_sessions_date_centre_standard (test_date, centre_id, standard_id) replaces
  ix_test_sessions_test_date: a period's sessions, with their centre and standard, from the index.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-22
"""

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_assessments_status_session", "assessments",
                    ["status", "session_id", "outcome", "candidate_id"], unique=False)
    op.drop_index("ix_assessments_status", table_name="assessments")
    op.create_index("ix_test_sessions_date_centre_standard", "test_sessions",
                    ["test_date", "centre_id", "standard_id"], unique=False)
    op.drop_index("ix_test_sessions_test_date", table_name="test_sessions")


def downgrade():
    op.create_index("ix_test_sessions_test_date", "test_sessions", ["test_date"], unique=False)
    op.drop_index("ix_test_sessions_date_centre_standard", table_name="test_sessions")
    op.create_index("ix_assessments_status", "assessments", ["status"], unique=False)
    op.drop_index("ix_assessments_status_session", table_name="assessments")
