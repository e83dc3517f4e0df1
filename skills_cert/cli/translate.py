"""`flask translate`: extract, update and compile the Lao and Thai message catalogues."""

import click
from babel.messages.frontend import CommandLineInterface
from flask.cli import AppGroup

from skills_cert.config import ROOT

translate_cli = AppGroup("translate", help="Extract, update and compile translations.")

PACKAGE = ROOT / "skills_cert"
TRANSLATIONS = PACKAGE / "translations"
POT = TRANSLATIONS / "messages.pot"


def _pybabel(*args: str) -> None:
    CommandLineInterface().run(["pybabel", *args])


def extract() -> None:
    _pybabel(
        "extract", "-F", str(PACKAGE / "babel.cfg"), "-k", "_l", "--no-location",
        "--sort-output", "--project", "skills_cert", "-o", str(POT), str(ROOT),
    )


@translate_cli.command("update")
def update():
    """Extract messages and merge them into every catalogue."""
    extract()
    _pybabel("update", "-i", str(POT), "-d", str(TRANSLATIONS), "--no-fuzzy-matching")
    click.echo("updated; translate the new entries, then run `flask translate compile`")


@translate_cli.command("init")
@click.argument("lang")
def init(lang):
    """Start a catalogue for a new language."""
    extract()
    _pybabel("init", "-i", str(POT), "-d", str(TRANSLATIONS), "-l", lang)


@translate_cli.command("compile")
def compile_catalogues():
    """Compile every catalogue to .mo."""
    _pybabel("compile", "--statistics", "-d", str(TRANSLATIONS))
