"""Signing keys are checked when the app starts: owner-only files, and no development key in
production; a compromised key makes its certificates report as such."""

import datetime as dt
import os
from pathlib import Path

import pytest
from certificate_fixtures import issued, verify_path

from skills_cert import create_app
from skills_cert.certification import seals, signing
from skills_cert.certification.keys import DEVELOPMENT_MARK, key_dir_problems
from skills_cert.config import ConfigError

PRODUCTION = {"ENV_NAME": "production", "SECRET_KEY": "k" * 40,
              "PUBLIC_BASE_URL": "https://verify.sdi.gov.la", "SQLALCHEMY_DATABASE_URI": "sqlite://"}


def _key(key_dir: Path, development: bool = False) -> Path:
    path = signing.write_private_key(key_dir, "LA-SDI", signing.generate_private_key())
    if development:
        path.with_suffix(DEVELOPMENT_MARK).touch(mode=0o600)
    return path


def _seal(key_dir: Path) -> None:
    seals.rotate_seal(key_dir, "LA-SDI", "LA", {"lo": "ສະຖາບັນພັດທະນາສີມືແຮງງານ", "en": "Skills Development Institute"},
                      now=dt.datetime.now(dt.timezone.utc))


def test_production_starts_with_owner_only_keys(tmp_path):
    _key(tmp_path / "keys")
    _seal(tmp_path / "keys")
    create_app({**PRODUCTION, "SIGNING_KEY_DIR": str(tmp_path / "keys")})


def test_production_refuses_to_start_without_a_document_seal_key(tmp_path):
    _key(tmp_path / "keys")
    with pytest.raises(ConfigError, match="no document-seal key"):
        create_app({**PRODUCTION, "SIGNING_KEY_DIR": str(tmp_path / "keys")})


def test_production_refuses_a_development_seal_key(tmp_path):
    _key(tmp_path / "keys")
    seals.ensure_seal(tmp_path / "keys", "LA-SDI", "LA", {"en": "Skills Development Institute"},
                      now=dt.datetime.now(dt.timezone.utc), allow_generation=True)
    with pytest.raises(ConfigError, match="development key"):
        create_app({**PRODUCTION, "SIGNING_KEY_DIR": str(tmp_path / "keys")})


def test_production_refuses_a_key_readable_by_others(tmp_path):
    path = _key(tmp_path / "keys")
    os.chmod(path, 0o644)
    with pytest.raises(ConfigError, match="chmod 600"):
        create_app({**PRODUCTION, "SIGNING_KEY_DIR": str(tmp_path / "keys")})


def test_production_refuses_a_key_folder_writable_by_others(tmp_path):
    _key(tmp_path / "keys")
    os.chmod(tmp_path / "keys" / "LA-SDI", 0o777)
    with pytest.raises(ConfigError, match="writable by other users"):
        create_app({**PRODUCTION, "SIGNING_KEY_DIR": str(tmp_path / "keys")})


def test_production_refuses_a_development_key(tmp_path):
    _key(tmp_path / "keys", development=True)
    with pytest.raises(ConfigError, match="development key"):
        create_app({**PRODUCTION, "SIGNING_KEY_DIR": str(tmp_path / "keys")})


def test_development_only_warns(tmp_path, caplog):
    path = _key(tmp_path / "keys", development=True)
    os.chmod(path, 0o640)
    create_app({"ENV_NAME": "development", "SQLALCHEMY_DATABASE_URI": "sqlite://",
                "SIGNING_KEY_DIR": str(tmp_path / "keys")})
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert any("development key" in w for w in warnings)
    assert any("readable or writable by other users" in w for w in warnings)


def test_keys_made_on_the_fly_are_marked_as_development_keys(app):
    issued(app)
    problems = key_dir_problems(Path(app.config["SIGNING_KEY_DIR"]))
    assert problems and all("development key" in p for p in problems)


def test_a_missing_key_folder_is_no_problem(tmp_path):
    assert key_dir_problems(tmp_path / "nothing") == []


def test_certificates_of_a_compromised_key_say_compromised_key(app, runner, client):
    _setup, full, _ = issued(app)
    path = verify_path(app, full)
    from skills_cert.certification.models import Certificate
    from skills_cert.extensions import db

    with app.app_context():
        key_id = db.session.get(Certificate, full).key_id
    result = runner.invoke(args=["keys", "compromise", key_id])
    assert result.exit_code == 0, result.output
    token = path.rsplit("/", 1)[1]
    body = client.get(f"/api/v1/verify/{token}").json
    assert (body["verdict"], body["signature"], body["valid"]) == ("compromised_key", "compromised_key", False)
