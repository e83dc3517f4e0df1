"""The digest of each certificate's token as issued, so that verification knows a token is
canonical without deflating its payload again (the pure-Python encoder is the slowest step of a
verification).

Existing certificates get theirs here: the token is made again from the stored payload and
signature with `skills_cert.certification.signing.make_token`. A migration does not import the
application as a rule; the signing package is the exception because it is token format 1 itself,
pure Python, frozen (a test pins it) and shared with the offline verifier. It costs about a
millisecond per certificate, a couple of minutes for a registry of a hundred thousand, once. A
certificate whose token cannot be made keeps NULL, and its verification does the full check.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

BATCH = 1000
certificates = sa.table("certificates", sa.column("id", sa.Integer), sa.column("payload", sa.LargeBinary),
                        sa.column("signature", sa.LargeBinary), sa.column("token_digest", sa.LargeBinary))


def upgrade():
    with op.batch_alter_table("certificates") as batch:
        batch.add_column(sa.Column("token_digest", sa.LargeBinary(length=32), nullable=True))
    _fill(op.get_bind())


def _fill(connection) -> None:
    from skills_cert.certification.signing import TokenError, make_token, token_digest

    c = certificates.c
    update = sa.update(certificates).where(c.id == sa.bindparam("row_id")).values(token_digest=sa.bindparam("digest"))
    last = 0
    while True:
        rows = connection.execute(sa.select(c.id, c.payload, c.signature).where(c.id > last)
                                  .order_by(c.id).limit(BATCH)).all()
        if not rows:
            return
        digests = []
        for row_id, payload, signature in rows:
            try:
                digests.append({"row_id": row_id, "digest": token_digest(make_token(payload, signature))})
            except TokenError:
                pass  # left NULL: verifying it does the full check
        if digests:
            connection.execute(update, digests)
        last = rows[-1][0]


def downgrade():
    with op.batch_alter_table("certificates") as batch:
        batch.drop_column("token_digest")
