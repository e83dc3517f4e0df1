import pytest

from skills_cert import create_app
from skills_cert.config import DEFAULT_SECRET_KEY, ConfigError


def test_production_refuses_default_secret_key(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app({"ENV_NAME": "production", "PUBLIC_BASE_URL": "https://cert.example.la"})


def test_production_refuses_short_secret_key():
    with pytest.raises(ConfigError, match="32 characters"):
        create_app({"ENV_NAME": "production", "SECRET_KEY": "short",
                    "PUBLIC_BASE_URL": "https://cert.example.la"})


def test_production_refuses_plain_http_public_url():
    with pytest.raises(ConfigError, match="https://"):
        create_app({"ENV_NAME": "production", "SECRET_KEY": "x" * 40,
                    "PUBLIC_BASE_URL": "http://cert.example.la"})


def test_production_sets_secure_cookies(tmp_path):
    app = create_app({
        "ENV_NAME": "production", "SECRET_KEY": "s" * 48,
        "PUBLIC_BASE_URL": "https://cert.example.la",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.db'}",
        "SIGNING_KEY_DIR": str(tmp_path / "keys"),  # not the test instance's development keys
    })
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    response = app.test_client().get("/auth/login")
    assert "max-age" in response.headers["Strict-Transport-Security"]


def test_environment_configures_the_app(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'env.db'}")
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://verify.example.la")
    monkeypatch.setenv("SIGNING_KEY_DIR", str(tmp_path / "keys"))
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("env.db")
    assert app.config["PUBLIC_BASE_URL"] == "https://verify.example.la"
    assert app.config["SIGNING_KEY_DIR"] == str(tmp_path / "keys")
    assert app.config["SECRET_KEY"] == DEFAULT_SECRET_KEY  # allowed in development only


def test_unknown_environment_is_refused():
    with pytest.raises(ConfigError, match="SKILLS_CERT_ENV"):
        create_app({"ENV_NAME": "staging"})


def test_healthz_reports_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}


def test_healthz_reports_unreachable_database():
    app = create_app({"ENV_NAME": "testing",
                      "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://nobody@127.0.0.1:9/none"})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["database"] == "unavailable"


def test_sqlite_runs_in_wal_mode_with_foreign_keys(app, db):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite pragmas")
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


def test_security_headers_on_every_page(client):
    response = client.get("/")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
