"""Verification reads the registry in plain SQL, keeps the key set per process, and knows a token
is canonical from the digest kept when it was issued: the verdicts stay those of the full check."""

import base64
import datetime as dt
import zlib

import pytest
import sqlalchemy as sa
from certificate_fixtures import issued, verify_path

from skills_cert.certification import signing
from skills_cert.certification.models import Certificate
from skills_cert.extensions import db

EN = {"Accept-Language": "en"}


@pytest.fixture()
def certs(app):
    return issued(app)


def _token(app, certificate_id):
    return verify_path(app, certificate_id).rsplit("/", 1)[1]


def _verdict(app, token):
    from skills_cert.certification.verification import verify_token

    with app.app_context():
        return verify_token(db.session, token, today=dt.date.today()).outcome


def test_the_shortcuts_give_the_verdicts_of_the_full_check(app, client, certs):
    from skills_cert.certification import keys

    token = _token(app, certs[1])
    with app.app_context():
        assert db.session.get(Certificate, certs[1]).token_digest == signing.token_digest(token)
    page = client.get("/v/" + token, headers=EN).get_data(as_text=True)
    assert "Genuine and valid" in page and "Somphone Keomany" in page and "Units of competency achieved" in page
    assert client.get("/api/v1/verify/" + token).get_json()["certificate"]["units"]

    # Another deflate stream of the issued payload: readable, signed, but not the token issued.
    payload, signature = signing.parse_token(token)
    packer = zlib.compressobj(9, zlib.DEFLATED, -15, 9, zlib.Z_DEFAULT_STRATEGY, signing.ZDICT)
    stream = packer.compress(payload) + packer.flush()
    other = base64.urlsafe_b64encode(stream + signature).decode().rstrip("=")
    assert signing.read_token(other) == (payload, signature)
    assert _verdict(app, other) == "malformed"

    # Without the digest, the full check: the same verdicts.
    with app.app_context():
        db.session.execute(sa.update(Certificate).values(token_digest=None))
        db.session.commit()
    assert _verdict(app, token) == "genuine"
    assert _verdict(app, token[:40] + ("B" if token[40] != "B" else "C") + token[41:]) in ("malformed", "altered")

    # The key set is kept per process, and a key marked compromised is seen at the next check.
    with app.app_context():
        keys.mark_compromised(db.session, db.session.get(Certificate, certs[1]).key_id, today=dt.date.today())
        db.session.commit()
    assert _verdict(app, token) == "compromised_key"


def test_the_migration_gives_existing_certificates_their_digest(app, certs):
    from flask_migrate import downgrade, upgrade

    with app.app_context():
        tokens = {c.id: signing.make_token(c.payload, c.signature) for c in db.session.scalars(sa.select(Certificate))}
        db.session.remove()
        downgrade(revision="0016")
        try:
            with db.engine.begin() as conn:
                assert "token_digest" not in {c["name"] for c in sa.inspect(conn).get_columns("certificates")}
        finally:
            upgrade()
        with db.engine.connect() as conn:
            stored = dict(conn.execute(sa.select(Certificate.id, Certificate.token_digest)).all())
    assert stored == {row_id: signing.token_digest(token) for row_id, token in tokens.items()}
