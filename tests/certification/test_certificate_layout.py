"""The first page of a certificate spreads its spare height: no large empty band between the
units table and the recognition box (a screenshot review found one)."""

import re
import subprocess

from certificate_fixtures import issued
from helpers import WebClient

MM = 72 / 25.4


def _words(pdf: bytes, tmp_path) -> list[tuple[float, float, str]]:
    path = tmp_path / "certificate.pdf"
    path.write_bytes(pdf)
    html = subprocess.run(["pdftotext", "-bbox", "-f", "1", "-l", "1", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout
    return [(float(top), float(bottom), word) for top, bottom, word in re.findall(
        r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>', html)]


def test_the_spare_height_is_shared_above_and_below_the_units(app, tmp_path):
    setup, certificate_id, _statement = issued(app)
    officer = WebClient(app.test_client())
    officer.login(setup.officer.username)
    words = _words(officer.get(f"/certificates/{certificate_id}/pdf").data, tmp_path)
    last_unit = max(bottom for top, bottom, word in words if word.startswith("LA-CON-BRL-0"))
    caption = min(top for top, bottom, word in words if "Units of competency achieved" in word)
    facts = max(bottom for top, bottom, word in words if bottom < caption)
    after_table = min(top for top, bottom, word in words if top > last_unit)
    above, below = caption - facts, after_table - last_unit
    assert below < 15 * MM and abs(below - above) < 8 * MM, (above / MM, below / MM)
