"""The fonts every PDF draws with, and which of them has a glyph for a character.

A font stack, tried in this order for a character that is not Lao or Thai:
- Noto Sans Lao and Noto Sans Thai (Lao, Thai, Latin, digits, common punctuation);
- Noto Sans (the rest of Latin-1 and Latin Extended, Greek, superscripts, fractions, letterlike
  symbols: ± ² ½ Ω ℃ № …);
- Noto Sans Math (arrows, mathematical operators, technical symbols: → ≤ ≥ ⌀ …);
- Noto Sans Symbols 2 (ballot boxes, check marks, warning signs, geometric shapes: ☐ ✓ ⚠ ■ …);
- Noto Sans Symbols (the technical symbols and numbers in circles the others lack: ⌀ ① …).

The last four are subsets of Debian's fonts-noto-core (static/fonts/README.md says how they
were cut). ReportLab embeds only the glyphs a PDF uses.

A character that no font of the stack has would be drawn as an empty box or nothing at all.
`no_glyph` is called for it before drawing: it logs a warning (with the character's code, never
the text around it, which may be someone's name), and raises `MissingGlyph` where
`raise_on_missing_glyph(True)` was called (the test suite does).
"""

from __future__ import annotations

import logging
import threading
import unicodedata
from functools import lru_cache

from fontTools.ttLib import TTFont as _FontFile
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from skills_cert.config import ROOT

log = logging.getLogger(__name__)

FONT_DIR = ROOT / "static" / "fonts"
LAO, LAO_BOLD = "SDI-NotoSansLao", "SDI-NotoSansLao-Bold"
THAI, THAI_BOLD = "SDI-NotoSansThai", "SDI-NotoSansThai-Bold"
SANS, SANS_BOLD = "SDI-NotoSans", "SDI-NotoSans-Bold"
MATH = "SDI-NotoSansMath"  # one weight: bold text draws these symbols regular
SYMBOLS2, SYMBOLS = "SDI-NotoSansSymbols2", "SDI-NotoSansSymbols"  # likewise
FONT_FILES = {LAO: "NotoSansLao-Regular.ttf", LAO_BOLD: "NotoSansLao-Bold.ttf",
              THAI: "NotoSansThai-Regular.ttf", THAI_BOLD: "NotoSansThai-Bold.ttf",
              SANS: "NotoSans-Regular.ttf", SANS_BOLD: "NotoSans-Bold.ttf",
              MATH: "NotoSansMath-Regular.ttf", SYMBOLS2: "NotoSansSymbols2-Regular.ttf",
              SYMBOLS: "NotoSansSymbols-Regular.ttf"}
# (family, bold) -> font; the families in the order they are tried
FONTS = {("lao", False): LAO, ("lao", True): LAO_BOLD, ("thai", False): THAI, ("thai", True): THAI_BOLD,
         ("sans", False): SANS, ("sans", True): SANS_BOLD, ("math", False): MATH, ("math", True): MATH,
         ("symbols2", False): SYMBOLS2, ("symbols2", True): SYMBOLS2,
         ("symbols", False): SYMBOLS, ("symbols", True): SYMBOLS}
STACK = ("lao", "thai", "sans", "math", "symbols2", "symbols")
FALLBACKS = STACK[2:]

_lock = threading.Lock()
_registered = False
_raise_on_missing = False


class MissingGlyph(ValueError):
    """No font of the stack can draw a character."""


def register_fonts() -> None:
    """Register the stack's fonts with ReportLab once per process (thread-safe, idempotent)."""
    global _registered
    if _registered:
        return
    with _lock:
        if _registered:
            return
        for name, filename in FONT_FILES.items():
            try:
                pdfmetrics.getFont(name)
            except KeyError:
                font = TTFont(name, str(FONT_DIR / filename))
                _reserve_private_codes(font)
                pdfmetrics.registerFont(font)
        _registered = True


def _reserve_private_codes(font: TTFont) -> None:
    """Give every glyph without a character (mark variants, ligatures) its private-use code now.

    ReportLab hands those codes out on first use while shaping, so without this the codes (and the
    PDF's ToUnicode map) would depend on what the process happened to render before: the same
    certificate would not give the same bytes in two worker processes. Shaping would also mutate
    the font from several threads at once.
    """
    hb_font = font.hbFont(10)
    for gid in range(1, font.hbFace.glyph_count):
        if gid not in font.face.glyphToChar:
            font.hbAddPrivate(hb_font.glyph_to_string(gid), gid, hb_font.get_glyph_h_advance(gid))


@lru_cache(maxsize=1)
def cmaps() -> dict[str, frozenset[int]]:
    """Characters each family can draw in both its weights, read with fontTools (once per process)."""
    def chars(name: str) -> frozenset[int]:
        return frozenset(_FontFile(str(FONT_DIR / FONT_FILES[name]), lazy=True).getBestCmap())
    return {family: chars(FONTS[family, False]) & chars(FONTS[family, True]) for family in STACK}


def can_draw(family: str, ch: str) -> bool:
    return ord(ch) in cmaps()[family]


def fallback(ch: str) -> str | None:
    """The first fallback family with a glyph for *ch*, or None."""
    return next((family for family in FALLBACKS if can_draw(family, ch)), None)


def raise_on_missing_glyph(on: bool) -> bool:
    """Make `no_glyph` raise (tests) or only warn (production); returns the previous setting."""
    global _raise_on_missing
    previous, _raise_on_missing = _raise_on_missing, on
    return previous


def describe(ch: str) -> str:
    return f"U+{ord(ch):04X} {unicodedata.name(ch, 'unnamed')}"


def no_glyph(characters: list[str]) -> None:
    """*characters* are about to be drawn and no font has them: say so, never silently."""
    described = ", ".join(describe(ch) for ch in characters)
    if _raise_on_missing:
        raise MissingGlyph(f"no bundled font can draw {described}")
    log.warning("No bundled PDF font can draw %s: it is printed as an empty box. Add a font that has "
                "it to skills_cert/pdf/fonts.py.", described)
