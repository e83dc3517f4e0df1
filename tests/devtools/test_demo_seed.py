"""`flask demo seed`: a registry built with bulk inserts whose certificates verify as genuine."""

import datetime as dt
import random
from pathlib import Path

import sqlalchemy as sa

from skills_cert.assessment.models import Candidate, TestSession
from skills_cert.audit.log import verify_chain
from skills_cert.audit.models import AuditEntry
from skills_cert.certification import signing
from skills_cert.certification.issuing import token_of
from skills_cert.certification.models import Certificate, CertificateCounter
from skills_cert.devtools import demo
from skills_cert.devtools.demo_cli import demo_cli
from skills_cert.extensions import db

EN = {"Accept-Language": "en"}


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_seed_command_adds_signed_certificates_and_is_additive(app, runner):
    first = runner.invoke(demo_cli, ["seed", "--certificates", "7"])
    assert first.exit_code == 0, first.output
    assert "added 7 candidates" in first.output and "7 certificates" in first.output
    second = runner.invoke(demo_cli, ["seed", "--certificates", "30"])
    assert second.exit_code == 0, second.output
    with app.app_context():
        assert _count(Candidate) == _count(Certificate) == 37
        assert _count(TestSession) == 1 + 2  # 25 candidates per session
        numbers = db.session.scalars(sa.select(Certificate.number)).all()
        assert len(set(numbers)) == 37
        # The counters continue after the seeded blocks: the next real issue gets a fresh number.
        used = {}
        for number in numbers:
            country, year, serial = number.split("-")
            used[year] = max(used.get(year, 0), int(serial))
        counters = {str(c.year): c.last_number for c in db.session.scalars(sa.select(CertificateCounter))}
        assert counters == used
        for certificate in db.session.scalars(sa.select(Certificate)):
            facts = signing.decode_payload(certificate.payload)
            assert (facts.number, facts.public_id, facts.name_latin) == (
                certificate.number, certificate.public_id, certificate.name_latin)
            assert certificate.issued_on <= dt.date.today() < certificate.expires_on
        assert verify_chain(db.session)[1] == []
        assert db.session.scalar(sa.select(sa.func.count()).where(AuditEntry.action == "demo.seed")) == 2


def test_a_seeded_certificate_verifies_as_genuine(app, client):
    with app.app_context():
        demo.seed(db.session, 5, key_dir=Path(app.config["SIGNING_KEY_DIR"]),
                  standards_dir=Path(app.config["STANDARDS_DIR"]), today=dt.date.today(),
                  rng=random.Random(1))
        db.session.commit()
        paths = ["/v/" + token_of(c) for c in db.session.scalars(sa.select(Certificate).order_by(Certificate.id))]
    for path in (paths[0], paths[-1]):
        page = client.get(path, headers=EN)
        assert page.status_code == 200
        assert "Genuine and valid" in page.get_data(as_text=True)
    answer = client.get("/api/v1" + paths[2].replace("/v/", "/verify/"))
    assert answer.json["verdict"] == "genuine"


def test_seed_refuses_production(app, runner):
    app.config["ENV_NAME"] = "production"
    try:
        result = runner.invoke(demo_cli, ["seed", "--certificates", "1"])
    finally:
        app.config["ENV_NAME"] = "testing"
    assert result.exit_code == 1 and "production" in result.output


def test_keys_made_by_the_seeder_are_development_keys_that_production_refuses(app):
    import pytest

    from skills_cert.certification.keys import check_key_dir, key_dir_problems
    from skills_cert.config import ConfigError

    key_dir = Path(app.config["SIGNING_KEY_DIR"])
    with app.app_context():
        demo.seed(db.session, 2, key_dir=key_dir, standards_dir=Path(app.config["STANDARDS_DIR"]),
                  today=dt.date.today(), rng=random.Random(2))
        db.session.commit()
    problems = [p for p in key_dir_problems(key_dir) if "is a development key" in p]
    token_keys = [p for p in problems if "/seal/" not in p]
    seal_keys = [p for p in problems if "/seal/" in p]
    assert token_keys and seal_keys, key_dir_problems(key_dir)
    with pytest.raises(ConfigError, match="development key"):
        check_key_dir(key_dir, production=True)
