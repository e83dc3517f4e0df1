"""`make security` (`.ci/security`): one summary line per tool, a loud failure when a tool cannot
run, loopback only, and sqlmap targets that reach the pages they are meant to attack.

The tools themselves (bandit, pip-audit, sqlmap) are extras that `make test` does not install; the
script is run here as `make security` runs it, by a Python whose folder has none of them, and its
sqlmap targets are checked against a real instance it starts itself.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / ".ci" / "security"
TOOLS = ("bandit", "pip-audit", "sqlmap")


def _run(args: list[str], python: str = sys.executable) -> subprocess.CompletedProcess:
    return subprocess.run([python, str(SCRIPT), *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})


def _summary(output: str) -> dict[str, str]:
    """The summary block: {tool: its line}."""
    lines = [line for line in output.splitlines() if line.split(":")[0] in TOOLS]
    found = {line.split(":")[0]: line for line in lines}
    assert len(found) == len(lines), f"a tool has more than one summary line:\n{output}"
    return found


def test_a_tool_that_cannot_run_is_one_loud_line_and_fails_the_command(tmp_path):
    """A Python in a folder without bandit and pip-audit (as after a plain install): each says
    COULD NOT RUN in one line, and the command fails instead of passing quietly."""
    folder = tmp_path / "bin"
    folder.mkdir()
    python = folder / "python3"
    python.symlink_to(Path(sys.executable).resolve())
    done = _run(["--skip-sqlmap"], python=str(python))
    lines = _summary(done.stdout)
    assert set(lines) == set(TOOLS), done.stdout
    assert lines["bandit"] == "bandit: COULD NOT RUN (not installed)"
    assert lines["pip-audit"] == "pip-audit: COULD NOT RUN (not installed)"
    assert lines["sqlmap"] == "sqlmap: skipped (--skip-sqlmap)"
    assert done.returncode == 1
    assert "make security FAILED" in done.stdout and "bandit is not installed" in done.stdout


@pytest.mark.parametrize("target", ["http://192.0.2.10:5000", "http://example.org", "http://10.0.0.1"])
def test_only_loopback_may_be_attacked(target):
    done = _run(["--skip-sqlmap", "--target", target])
    assert done.returncode != 0
    assert f"refusing to attack {target}" in done.stderr
    assert not _summary(done.stdout), "nothing ran before the refusal"


_TARGETS = textwrap.dedent("""
    import importlib.machinery, importlib.util, json, sys, tempfile, urllib.request
    from pathlib import Path
    loader = importlib.machinery.SourceFileLoader("ci_security", sys.argv[1])
    spec = importlib.util.spec_from_loader("ci_security", loader)
    security = sys.modules["ci_security"] = importlib.util.module_from_spec(spec)
    loader.exec_module(security)
    base, user, password, sample = security.start_instance(Path(sys.argv[2]))
    cookie = security.login_cookie(base, user, password)
    found = {}
    for label, args in security.sqlmap_targets(base, cookie, sample):
        security.require_loopback(args[1])
        if "--cookie" in args:
            found[label] = [security.answers_without_redirect(args[1], cookie),
                            sample.name in urllib.request.urlopen(urllib.request.Request(
                                args[1], headers={"Cookie": cookie})).read().decode().lower()]
        elif "Content-Type: application/json" in args:
            request = urllib.request.Request(args[1], data=args[args.index("--data") + 1].encode(),
                                             headers={"Content-Type": "application/json"})
            found[label] = [200, json.load(urllib.request.urlopen(request))["verdict"]]
        else:
            found[label] = [urllib.request.urlopen(args[1]).status, None]
    print(json.dumps(found))
""")


def test_the_sqlmap_targets_reach_their_pages_and_find_the_sample(tmp_path):
    """Each target of sqlmap, on the instance the script starts: the logged-in searches answer
    themselves (not the login page) and list the seeded sample; the JSON lookup finds it."""
    done = subprocess.run([sys.executable, "-c", _TARGETS, str(SCRIPT), str(tmp_path)], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert set(found) == {"login form", "certificate lookup", "manual verification",
                          "JSON lookup (POST /api/v1/verify)", "standards search",
                          "office's certificate search", "candidate search"}
    assert found["JSON lookup (POST /api/v1/verify)"] == [200, "genuine"]
    for label in ("office's certificate search", "candidate search"):
        assert found[label] == [200, True], label
    assert found["standards search"][0] == 200
    for label in ("login form", "certificate lookup", "manual verification"):
        assert found[label][0] == 200, label
