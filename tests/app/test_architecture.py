"""The layout's rules that import-linter cannot state: size, views only on top, no import cycles.
The contracts in setup.cfg (`lint-imports`, run by `make test`) check which package may import
which; ARCHITECTURE.md explains both."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "skills_cert"
MAX_LINES = 400
FEATURES = ("accounts", "standards", "assessment", "certification", "recognition", "statistics")


@pytest.fixture(scope="module")
def graph():
    return grimp.build_graph("skills_cert", exclude_type_checking_imports=True)


def test_no_module_passes_400_lines():
    long = {str(path.relative_to(ROOT)): lines for path in PACKAGE.rglob("*.py")
            if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}


def test_every_feature_has_its_views_package():
    for feature in FEATURES:
        assert (PACKAGE / feature / "views" / "__init__.py").is_file(), feature


def _is_view(module: str) -> bool:
    return ".views" in module or module.startswith("skills_cert.web.")


def test_only_views_and_the_app_factory_import_views(graph):
    """Services, models and commands never reach up into a page: a feature's views import its
    services, never the other way round."""
    wrong = set()
    for feature in FEATURES:
        for view in graph.find_descendants(f"skills_cert.{feature}.views"):
            for importer in graph.find_modules_that_directly_import(view):
                if not _is_view(importer) and importer != "skills_cert":
                    wrong.add((importer, view))
    assert wrong == set()


def test_no_import_cycles(graph):
    """No module reaches itself through imports, whether at the top of a file or in a function."""
    cycles = set()
    for importer in graph.modules:
        for imported in graph.find_modules_directly_imported_by(importer):
            if graph.chain_exists(imported, importer, as_packages=False):
                cycles.add(tuple(sorted((importer, imported))))
    assert cycles == set()


def test_the_running_app_imports_no_devtools(tmp_path):
    """Importing the app and creating it loads nothing from devtools (the bench and the demo
    seeder): they are found only through `make bench` and the `flask demo` entry point."""
    script = ("import sys, skills_cert; skills_cert.create_app({'TESTING': True}); "
              "print(sorted(m for m in sys.modules if m.startswith('skills_cert.devtools')))")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT,
                            env={**os.environ, "SKILLS_CERT_INSTANCE": str(tmp_path / "instance")}, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[]"


def test_lint_imports_contracts_hold():
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint), "--config", str(ROOT / "setup.cfg")], capture_output=True,
                            text=True, cwd=ROOT, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "0 broken" in result.stdout


def test_flask_demo_comes_through_the_entry_point(tmp_path):
    """`flask demo seed` is still there for a developer, found through `flask.commands`."""
    flask = Path(sys.executable).with_name("flask")
    result = subprocess.run([str(flask), "demo", "--help"], capture_output=True, text=True, cwd=tmp_path,
                            env={**os.environ, "FLASK_APP": "skills_cert",
                                 "SKILLS_CERT_INSTANCE": str(tmp_path / "instance")}, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "seed" in result.stdout
