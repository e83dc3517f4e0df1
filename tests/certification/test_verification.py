"""The employer's side: every verdict state, the two findings, logging, manual lookup, privacy."""

import datetime as dt

import pytest
import sqlalchemy as sa
from certificate_fixtures import issued, verify_path
from helpers import translated

from skills_cert.certification import signing
from skills_cert.certification.models import Certificate, VerificationEvent
from skills_cert.extensions import db

EN = {"Accept-Language": "en"}
PERSONAL = ["P1234567", "1990-03-14", "+856", "2055512345", "0123456789", "1995-07-02"]


@pytest.fixture()
def certs(app):
    return issued(app)


def _facts(app, certificate_id):
    with app.app_context():
        certificate = db.session.get(Certificate, certificate_id)
        return signing.decode_payload(certificate.payload)


def _verdict(client, path):
    page = client.get(path, headers=EN)
    assert page.status_code == 200
    return page.get_data(as_text=True)


def test_genuine_shows_both_findings_and_no_personal_data(app, client, certs):
    page = _verdict(client, verify_path(app, certs[1]))
    assert "Genuine and valid" in page
    assert "The facts in this link carry the signature of Skills Development Institute" in page
    assert "printed facts match" not in page
    assert "The registry says this certificate is valid today." in page
    assert not [p for p in PERSONAL if p in page]


def test_expired(app, certs):
    from skills_cert.certification.verification import verify_token

    token = verify_path(app, certs[1]).rsplit("/", 1)[1]
    with app.app_context():
        verdict = verify_token(db.session, token, today=dt.date.today() + dt.timedelta(days=6 * 366))
        assert verdict.outcome == "expired" and verdict.signature == "valid"


def test_unknown_certificate_signed_by_the_real_key(app, client, certs, tmp_path):
    """A validly signed token that the registry never issued (e.g. a stolen key)."""
    import dataclasses
    from pathlib import Path

    facts = _facts(app, certs[1])
    fake = dataclasses.replace(facts, number="LA-2026-999999", public_id="a" * 26)
    key = signing.load_private_key(Path(app.config["SIGNING_KEY_DIR"]), "LA-SDI", facts.key_id)
    payload = signing.encode_payload(fake)
    token = signing.make_token(payload, signing.sign(key, payload))
    assert "Unknown certificate" in _verdict(client, "/v/" + token)


def test_signed_by_an_unknown_key(app, client, certs):
    import dataclasses

    other = signing.generate_private_key()
    facts = dataclasses.replace(_facts(app, certs[1]), key_id=signing.key_id_for(other.public_key()))
    payload = signing.encode_payload(facts)
    assert "Signed by an unknown key" in _verdict(client, "/v/" + signing.make_token(payload, signing.sign(other, payload)))


@pytest.mark.parametrize("token", ["", "x", "not a token", "%00%ff", "A" * 5000, "../../etc/passwd"])
def test_malformed_links_get_a_clear_page_not_an_error(client, certs, token):
    response = client.get("/v/" + token, headers=EN)
    assert response.status_code in (200, 404)
    if response.status_code == 200:
        assert "Not a certificate link" in response.get_data(as_text=True)


def test_every_position_of_the_token_matters_on_the_page(app, client, certs):
    token = verify_path(app, certs[1]).rsplit("/", 1)[1]
    for position in range(0, len(token), max(1, len(token) // 25)):
        swapped = token[:position] + ("B" if token[position] != "B" else "C") + token[position + 1:]
        assert "Genuine and valid" not in _verdict(client, "/v/" + swapped), position


def test_verifications_are_logged_without_addresses(app, client, certs):
    client.get(verify_path(app, certs[1]), environ_base={"REMOTE_ADDR": "203.0.113.7"})
    client.get(verify_path(app, certs[1]), environ_base={"REMOTE_ADDR": "198.51.100.9"})
    with app.app_context():
        events = db.session.scalars(sa.select(VerificationEvent)).all()
        assert [(e.channel, e.verdict) for e in events] == [("qr", "genuine")] * 2
        assert len({e.client_hash for e in events}) == 2
        assert all("203.0.113" not in e.client_hash and len(e.client_hash) == 16 for e in events)


def test_manual_lookup_needs_number_and_birth_date(app, client, certs):
    with app.app_context():
        number = db.session.get(Certificate, certs[1]).number
    client.get("/lang/en")
    wrong = client.submit("/verify", {"number": number, "date_of_birth": "1990-03-15"})
    assert "No certificate matches this number and date of birth." in wrong.get_data(as_text=True)
    right = client.submit("/verify", {"number": number, "date_of_birth": "1990-03-14"})
    page = right.get_data(as_text=True)
    assert "Genuine and valid" in page and "P1234567" not in page and "1990-03-14" not in page
    with app.app_context():
        assert db.session.scalar(sa.select(VerificationEvent.channel)) == "manual"


def test_office_sees_verification_counts(app, certs):
    from helpers import WebClient

    setup = certs[0]
    anonymous = WebClient(app.test_client())
    for _ in range(3):  # one client checking again and again within minutes: one check
        anonymous.get(verify_path(app, certs[1]))
    for address in ("198.51.100.7", "2001:db8:1:2::5"):
        app.test_client().get(verify_path(app, certs[1]), environ_base={"REMOTE_ADDR": address})
    app.test_client().get(verify_path(app, certs[1]), environ_base={"REMOTE_ADDR": "2001:db8:1:2::99"})  # same /64
    officer = WebClient(app.test_client())
    officer.login(setup.officer.username)
    officer.get("/lang/en")
    page = officer.get(f"/certificates/{certs[1]}").get_data(as_text=True)
    assert "Checked 3 times." in page and "3 different clients in the last 24 hours." in page


def test_verdict_in_lao_and_thai(app, client, certs):
    for locale in ("lo", "th"):
        page = client.get(verify_path(app, certs[1]), headers={"Accept-Language": locale}).get_data(as_text=True)
        assert translated(app, locale, "Genuine and valid") in page


def _durability(connection) -> str:
    if connection.dialect.name == "sqlite":
        return {0: "off", 1: "normal", 2: "full", 3: "extra"}[connection.exec_driver_sql("PRAGMA synchronous").scalar()]
    return connection.exec_driver_sql("SHOW synchronous_commit").scalar()


def test_only_the_verification_event_commit_is_relaxed(app, client, certs):
    """The verification log does not wait for the disk; nothing else ever inherits that."""
    from skills_cert.database import relax_durability

    with app.app_context():
        db.engine.dispose()  # one connection in the pool from here on: the one used below
        with db.engine.connect() as connection:
            normal = _durability(connection)
        assert normal in ("full", "on")
        relax_durability(db.session)
        assert _durability(db.session.connection()) in ("normal", "off")
        db.session.commit()
        db.session.close()
        assert db.engine.pool.checkedin() == 1
        with db.engine.connect() as connection:
            assert _durability(connection) == normal
    client.get(verify_path(app, certs[1]))
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(VerificationEvent.id))) == 1
        assert _durability(db.session.connection()) == normal
        if db.engine.dialect.name == "sqlite":
            # A transaction that has already written is not relaxed (SQLite could not, in any case).
            db.session.execute(sa.update(VerificationEvent).values(channel="qr"))
            relax_durability(db.session)
            assert _durability(db.session.connection()) == "full"
            db.session.rollback()


def test_the_qr_page_is_rate_limited_per_client(app, certs, monkeypatch):
    monkeypatch.setitem(app.config, "VERIFY_RATE_LIMIT", "5 per minute")
    path, one = verify_path(app, certs[1]), {"REMOTE_ADDR": "203.0.113.7"}
    codes = [app.test_client().get(path, environ_base=one, headers=EN).status_code for _ in range(7)]
    assert codes == [200] * 5 + [429] * 2
    assert app.test_client().get(path, environ_base={"REMOTE_ADDR": "203.0.113.8"}).status_code == 200


def test_repeated_checks_by_one_client_are_one_event_and_do_not_raise_the_misuse_warning(app, certs, monkeypatch):
    from helpers import WebClient

    monkeypatch.setitem(app.config, "VERIFY_RATE_LIMIT", "1000 per minute")
    path = verify_path(app, certs[1])
    for n in range(500):  # one address, then twelve of one IPv6 /64 (one subscriber's)
        app.test_client().get(path, environ_base={"REMOTE_ADDR": "203.0.113.7"})
    for n in range(12):
        app.test_client().get(path, environ_base={"REMOTE_ADDR": f"2001:db8:5:6::{n + 1:x}"})
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(VerificationEvent)) == 2
    officer = WebClient(app.test_client())
    officer.login(certs[0].officer.username)
    officer.get("/lang/en")
    page = officer.get(f"/certificates/{certs[1]}").get_data(as_text=True)
    assert "Checked 2 times." in page and "may be being copied or misused" not in page
    for n in range(10):  # ten different clients in a day do raise it
        app.test_client().get(path, environ_base={"REMOTE_ADDR": f"198.51.100.{n + 1}"})
    assert "may be being copied or misused" in officer.get(f"/certificates/{certs[1]}").get_data(as_text=True)
