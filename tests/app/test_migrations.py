"""Alembic is the only source of the schema: one head, and it matches the models."""

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade

from skills_cert.config import ROOT


def _script():
    from alembic.config import Config

    config = Config(str(ROOT / "migrations" / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    return ScriptDirectory.from_config(config)


def test_single_head():
    assert len(_script().get_heads()) == 1


def test_migrated_schema_matches_models(app, db):
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert context.get_current_revision() == _script().get_current_head()
        diff = compare_metadata(context, db.metadata)
    assert diff == []


def test_downgrade_to_base_and_back(app, db):
    downgrade(revision="base")
    try:
        with db.engine.connect() as conn:
            tables = set(sa.inspect(conn).get_table_names()) - {"alembic_version"}
        assert tables == set()
    finally:
        upgrade()
    with db.engine.connect() as conn:
        assert set(db.metadata.tables) <= set(sa.inspect(conn).get_table_names())


PLAIN = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def _stored_secret(db, user_id):
    with db.engine.connect() as conn:
        return conn.execute(sa.text("SELECT totp_secret FROM users WHERE id = :id"),
                            {"id": user_id}).scalar_one()


def _officer_at_0007(app, db) -> int:
    """An officer with a plaintext secret as 0007 stored it, and an audit entry naming them
    (a row of another table referring to `users`, which SQLite's table rebuild must keep)."""
    from helpers import make_user

    from skills_cert.accounts import users as user_service
    from skills_cert.accounts.models import User
    from skills_cert.roles import Role

    officer = make_user(app, Role.CERTIFYING_OFFICER, "officer")
    user_service.unlock(db.session, db.session.get(User, officer.id),
                        actor=db.session.get(User, officer.id))
    db.session.commit()
    db.session.close()
    downgrade(revision="0007")
    with db.engine.begin() as conn:
        conn.execute(sa.text("UPDATE users SET totp_secret = :s WHERE id = :id"),
                     {"s": PLAIN, "id": officer.id})
    return officer.id


def test_0008_encrypts_plaintext_secrets_and_its_downgrade_restores_them(app, db):
    from skills_cert.accounts import totp
    from skills_cert.accounts.models import User

    officer_id = _officer_at_0007(app, db)
    try:
        upgrade(revision="0008")
        stored = _stored_secret(db, officer_id)
        assert stored != PLAIN and PLAIN not in stored
        as_read = totp.read_secret(User(totp_secret=stored), key=totp.encryption_key(app.config))
        assert as_read == PLAIN
        downgrade(revision="0007")
        assert _stored_secret(db, officer_id) == PLAIN
    finally:
        upgrade()
    with db.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM audit_log")).scalar_one() >= 2
        if conn.dialect.name == "sqlite":
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar_one() == 1


def test_0008_downgrade_with_a_wrong_key_stops_and_says_why(app, db, monkeypatch, capsys):
    import pytest
    from cryptography.fernet import Fernet

    officer_id = _officer_at_0007(app, db)
    try:
        upgrade(revision="0008")
        encrypted = _stored_secret(db, officer_id)
        with monkeypatch.context() as patch:
            patch.setitem(app.config, "TOTP_ENCRYPTION_KEY", Fernet.generate_key().decode())
            with pytest.raises(SystemExit):
                downgrade(revision="0007")
        assert f"The TOTP secret of user {officer_id} does not decrypt" in capsys.readouterr().err
        assert _stored_secret(db, officer_id) == encrypted
        with db.engine.connect() as conn:
            assert MigrationContext.configure(conn).get_current_revision() == "0008"
    finally:
        upgrade()
