"""No PDF the app makes draws a character without a glyph (issue 23).

Every PDF (certificates, the statistics report with its charts, the benchmarking report) draws its
text through `pdf.text`, which gives each character a font of the stack in `pdf.fonts` that has it
(Noto Sans Lao or Thai, else Noto Sans, Noto Sans Math, Noto Sans Symbols 2) and reports a
character none has before drawing it. So the check is done on the character maps, string by
string, without drawing: every string the catalogues and the standards files hold, and the
certificate's fixed wording, must find a glyph in the font its run is given, regular and bold.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest
import yaml
from babel.messages.pofile import read_po

from skills_cert.certification import wording
from skills_cert.pdf import fonts, text
from skills_cert.provinces import PROVINCES

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "skills_cert"


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list | tuple):
        return [s for v in value for s in _strings(v)]
    return []


def _catalogue_texts() -> list[str]:
    texts = []
    for path in sorted((PACKAGE / "translations").glob("*/LC_MESSAGES/messages.po")):
        with path.open("rb") as handle:
            for message in read_po(handle):
                texts += _strings(message.id) + _strings(message.string)
    return [t for t in texts if t]


def _standards_texts() -> list[str]:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return [s for path in sorted((ROOT / "standards").rglob("*.yaml"))
            for s in _strings(yaml.load(path.read_text(encoding="utf-8"), Loader=loader))]


def _fixed_texts() -> list[str]:
    constants = [v for name, v in vars(wording).items() if name.isupper()]
    return _strings(constants) + _strings(PROVINCES)


def test_every_string_of_the_catalogues_and_the_standards_has_a_glyph():
    texts = _catalogue_texts() + _standards_texts() + _fixed_texts()
    assert len(texts) > 5000
    gaps = {}
    for value in texts:
        for ch in text.glyph_gaps(text.clean(value)):
            gaps.setdefault(fonts.describe(ch), value[:80])
    assert gaps == {}
    symbols = [value for value in texts if any(ord(ch) > 0x2000 or 0xA0 < ord(ch) < 0x400 for ch in value)]
    families = {family for value in symbols for family, _run in text.script_runs(text.clean(value))}
    assert {"lao", "thai", "sans", "math"} <= families  # ± ² Ω need Noto Sans, → Noto Sans Math


@pytest.mark.parametrize("sample, family", [("±", "sans"), ("²", "sans"), ("Ω", "sans"), ("→", "math"),
                                            ("≤", "math"), ("✓", "symbols2"), ("☐", "symbols2"),
                                            ("⚠", "symbols2"), ("⌀", "symbols"), ("①", "symbols")])
def test_symbols_fall_back_to_a_font_that_has_them(sample, family):
    runs = text.script_runs(f"ຄາດເຄື່ອນ {sample}5 ມມ")
    assert any(f == family and run.startswith(sample) for f, run in runs), runs
    assert text.glyph_gaps(f"ຄາດເຄື່ອນ {sample}5 ມມ") == []
    for bold in (False, True):
        font, _shaped, advance, _run = next(r for r in text.layout(text.clean(sample), bold).runs)
        assert font == fonts.FONTS[family, bold] and advance > 0


def test_a_character_no_font_has_fails_in_tests_and_is_logged_in_production(caplog):
    with pytest.raises(fonts.MissingGlyph, match=r"U\+1780 KHMER LETTER KA"):
        text.draw_text(None, 0, 0, "ສົມພອນ ក", 10)
    previous = fonts.raise_on_missing_glyph(False)
    try:
        with caplog.at_level(logging.WARNING, logger="skills_cert.pdf.fonts"):
            line = text.layout(text.clean("ສົມພອນ ក ແກ້ວ"))
    finally:
        fonts.raise_on_missing_glyph(previous)
    assert "U+1780 KHMER LETTER KA" in caplog.text
    assert "ສົມພອນ" not in caplog.text  # the character's code only: the text may be a name
    assert line.runs  # the rest of the line is still drawn


def test_text_reaches_pdfs_only_through_the_font_stack():
    """No module draws text on a canvas itself: every PDF's text goes through `pdf.text`, so the
    glyph check above covers every PDF the app makes."""
    drawing = re.compile(r"\.(drawString|drawCentredString|drawRightString|drawText|beginText|setFont)\(")
    offenders = [str(path.relative_to(PACKAGE)) for path in PACKAGE.rglob("*.py")
                 if path.relative_to(PACKAGE).as_posix() != "pdf/text.py" and "devtools" not in path.parts
                 and drawing.search(path.read_text(encoding="utf-8"))]
    assert offenders == []
