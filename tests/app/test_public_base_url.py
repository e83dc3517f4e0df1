"""In development the links and QR codes follow where `make run` serves, unless PUBLIC_BASE_URL
is set."""

import subprocess
from pathlib import Path

import pytest

from skills_cert.config import load_config

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("host, port, expected", [
    (None, None, "http://127.0.0.1:5000"),
    ("127.0.0.1", "5050", "http://127.0.0.1:5050"),
    ("0.0.0.0", "8080", "http://127.0.0.1:8080"),
    ("::1", "5001", "http://[::1]:5001"),
])
def test_the_public_address_follows_host_and_port(tmp_path, monkeypatch, host, port, expected):
    monkeypatch.delenv("PUBLIC_BASE_URL", raising=False)
    for name, value in (("HOST", host), ("PORT", port)):
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    assert load_config(str(tmp_path), {"ENV_NAME": "development"})["PUBLIC_BASE_URL"] == expected


def test_a_set_public_address_wins(tmp_path, monkeypatch):
    monkeypatch.setenv("PORT", "5050")
    monkeypatch.setenv("PUBLIC_BASE_URL", "http://192.168.1.20:5050")
    assert load_config(str(tmp_path), {"ENV_NAME": "development"})["PUBLIC_BASE_URL"] == "http://192.168.1.20:5050"


def test_make_run_hands_its_port_to_the_app():
    commands = subprocess.run(["make", "-n", "run", "PORT=5123"], cwd=ROOT, capture_output=True, text=True,
                              check=True).stdout
    serve = next(line for line in commands.splitlines() if "flask run" in line)
    assert "PORT=5123" in serve and "--port 5123" in serve
