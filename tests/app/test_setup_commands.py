"""What `make run` does before serving, run twice on one SQLite database: nothing is lost."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from skills_cert.config import ROOT

FLASK = str(Path(sys.executable).parent / "flask")


def _run(args, instance):
    env = {**os.environ, "FLASK_APP": "skills_cert", "SKILLS_CERT_INSTANCE": str(instance),
           "SKILLS_CERT_ENV": "development"}
    env.pop("DATABASE_URL", None)
    env.pop("SKILLS_CERT_ADMIN_PASSWORD", None)
    return subprocess.run([FLASK, *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)


def _setup(instance):
    outputs = []
    for args in (["db", "upgrade"], ["standards", "import"], ["users", "ensure-admin"]):
        result = _run(args, instance)
        assert result.returncode == 0, result.stdout + result.stderr
        outputs.append(result.stdout)
    return outputs


def test_setup_twice_reuses_the_database(tmp_path):
    first = _setup(tmp_path)
    assert "Created administrator 'admin' with password:" in first[2]
    database = tmp_path / "skills_cert.sqlite3"
    with sqlite3.connect(database) as conn:
        conn.execute("INSERT INTO users (username, full_name, role, password_hash, is_active, "
                     "session_version, created_at, password_changed_at) VALUES "
                     "('kept', 'Kept User', 'assessor', 'x', 1, 1, '2026-01-01', '2026-01-01')")
        before = {table: conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
                  for table in ("users", "standards", "units", "checklist_items")}
    second = _setup(tmp_path)
    assert "nothing changed" in second[1]
    assert "with password" not in second[2]
    with sqlite3.connect(database) as conn:
        after = {table: conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
                 for table in before}
    assert after == before and before["standards"] >= 4
