"""Lao, Thai and Latin text on a ReportLab canvas: fonts, script runs, shaping, measuring, wrapping.

ReportLab draws Lao and Thai wrongly unless every string is shaped (HarfBuzz via `shapeStr`) and
each string holds one script, so text is cut into script runs (Lao U+0E80-U+0EFF, Thai
U+0E00-U+0E7F, other), each run gets its font (Noto Sans Lao for Lao and for Latin, Noto Sans Thai
for Thai, and for a character neither has the first fallback of `fonts` that has it: ± → ✓), and
the runs are shaped and drawn one after another. A character no font has is reported before
drawing (`fonts.no_glyph`). Spaces, digits and punctuation
join the run they stand in. Shaped advances do not depend on the font size, so a run is shaped
once (cached) and measured at any size as `advance * size / 1000`.

Shaped glyphs (stacked marks, ligatures) have no character of their own, so a PDF reader
extracting the text would get private-use codes and split clusters. Every run is therefore drawn
inside marked content whose `/ActualText` is the run's text (with `/Lang` for Lao and Thai):
copying, searching and screen readers get exactly the characters that were printed.

Lines break where ICU's line breaker allows (icu4py, with its dictionaries for Lao and Thai,
which write words without spaces between them). Without ICU, lines break only at spaces and
zero-width spaces, and a Lao or Thai word too long for its line before a leading vowel; a warning
says so once.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import ShapedStr, shapeStr

from skills_cert.pdf import fonts

try:
    from icu4py.breakers import LineBreaker
except ImportError:  # pragma: no cover - icu4py is a dependency; this is the degraded fallback
    LineBreaker = None

log = logging.getLogger(__name__)

# The documents name the fonts and register them through this module.
LAO, LAO_BOLD, THAI, THAI_BOLD = fonts.LAO, fonts.LAO_BOLD, fonts.THAI, fonts.THAI_BOLD
register_fonts = fonts.register_fonts

ZWSP = "\u200b"
NBSP = "\u00a0"
# A line may not end with a leading vowel, nor begin with a following vowel or a repetition mark.
_LEADING_VOWELS = frozenset("เแโใไເແໂໃໄ")
_NO_BREAK_BEFORE = frozenset("ะาำๅๆฯະາຳໆຯ")

_BLANKS = re.compile("[ \u200b]+")


@lru_cache(maxsize=4096)
def clean(text: str) -> str:
    """NFC; tabs, newlines and odd spaces become one space; invisible format characters go (a
    zero-width space stays as a line-break opportunity, a no-break space stays)."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        category = unicodedata.category(ch)
        if ch in (ZWSP, NBSP):
            out.append(ch)
        elif category == "Zs" or ch in "\t\n\r\v\f\u2028\u2029":
            out.append(" ")
        elif category not in ("Cc", "Cf"):
            out.append(ch)
    joined = _BLANKS.sub(lambda m: " " if " " in m.group() else ZWSP, "".join(out))
    return joined.strip(" " + ZWSP)


def _script(ch: str) -> str:
    code = ord(ch)
    if 0x0E80 <= code <= 0x0EFF:
        return "lao"
    if 0x0E00 <= code <= 0x0E7F:
        return "thai"
    return "other" if unicodedata.category(ch)[0] == "L" else "neutral"


_can_draw = fonts.can_draw


def _other_family(ch: str) -> str:
    """Lao's font for Latin and the rest, else Thai's, else the first fallback that has it."""
    if _can_draw("lao", ch):
        return "lao"
    if _can_draw("thai", ch):
        return "thai"
    return fonts.fallback(ch) or "lao"  # none has it: `layout` says so before drawing


def _keys(text: str) -> list[tuple[str, str]]:
    """(script, family) per character; neutral characters and marks join the run they stand in."""
    keys: list[tuple[str, str] | None] = []
    current = None
    for ch in text:
        script = _script(ch)
        if script == "neutral":
            keys.append(current if current and _can_draw(current[1], ch) else None)
            continue
        current = (script, script if script != "other" else _other_family(ch))
        keys.append(current)
    following = None
    for i in range(len(text) - 1, -1, -1):  # leading neutrals join the next run
        if keys[i] is None:
            usable = following and _can_draw(following[1], text[i])
            keys[i] = following if usable else ("other", _other_family(text[i]))
        following = keys[i]
    return keys


def script_runs(text: str) -> list[tuple[str, str]]:
    """Cut *text* into (family, text) runs of one script each; family is "lao" or "thai"."""
    runs: list[tuple[str, str]] = []
    previous = None
    for ch, key in zip(text, _keys(text), strict=True):
        if key == previous:
            runs[-1] = (runs[-1][0], runs[-1][1] + ch)
        else:
            runs.append((key[1], ch))
            previous = key
    return runs


def _gaps(runs: list[tuple[str, str]]) -> list[str]:
    return list(dict.fromkeys(ch for family, run in runs for ch in run if not _can_draw(family, ch)))


def glyph_gaps(text: str) -> list[str]:
    """Characters of clean *text* that the font chosen for them cannot draw: those that no font
    of the stack has (`fonts`)."""
    return _gaps(script_runs(text.replace(ZWSP, "")))


def missing_characters(texts: Iterable[str]) -> list[str]:
    """Characters of *texts* that no font can draw (ReportLab would draw them as a box or nothing)."""
    missing: dict[str, None] = {}
    for text in texts:
        missing.update((ch, None) for ch in glyph_gaps(clean(text)))
    return list(missing)


@lru_cache(maxsize=4096)
def _shape(text: str, font: str) -> tuple[str, float]:
    """The shaped run and its advance in 1/1000 of the font size (size-independent)."""
    register_fonts()
    shaped = shapeStr(text, font, 10)
    if isinstance(shaped, ShapedStr):
        return shaped, float(sum(d.x_advance for d in shaped.__shapeData__))
    return shaped, pdfmetrics.stringWidth(shaped, font, 1000)


@dataclass(frozen=True)
class Line:
    """One line of shaped runs; `advance` is in 1/1000 of the font size."""

    text: str  # what the line says (clean text, before shaping)
    runs: tuple[tuple[str, str, float, str], ...]  # (font name, shaped text, advance, the run's text)
    advance: float

    def width(self, size: float) -> float:
        return self.advance * size / 1000


@lru_cache(maxsize=2048)
def layout(text: str, bold: bool = False) -> Line:
    """Shape one line of already `clean`ed text; every character is checked against the font
    chosen for it first (`fonts.no_glyph` if none has it)."""
    pieces = script_runs(text.replace(ZWSP, ""))
    gaps = _gaps(pieces)
    if gaps:
        fonts.no_glyph(gaps)
    runs = []
    for family, run in pieces:
        font = fonts.FONTS[family, bold]
        shaped, advance = _shape(run, font)
        runs.append((font, shaped, advance, run))
    return Line(text, tuple(runs), sum(run[2] for run in runs))


def _pdf_text(value: str) -> str:
    """A PDF text string in UTF-16BE with its byte-order mark, written as hex."""
    return "<FEFF" + value.encode("utf-16-be").hex().upper() + ">"


@lru_cache(maxsize=4096)
def _span(run: str) -> str:
    """The marked-content operator that tells readers what a shaped run says, and its language."""
    scripts = {_script(ch) for ch in run}
    lang = " /Lang (lo)" if "lao" in scripts else " /Lang (th)" if "thai" in scripts else ""
    return f"/Span <</ActualText {_pdf_text(run)}{lang}>> BDC"


def draw_line(canvas, line: Line, x: float, y: float, size: float, align: str = "left") -> float:
    """Draw *line* with its baseline at *y*; *align* "left", "centre" or "right" of *x*."""
    width = line.width(size)
    if align == "centre":
        x -= width / 2
    elif align == "right":
        x -= width
    for font, shaped, advance, run in line.runs:
        canvas.setFont(font, size)
        canvas.addLiteral(_span(run))
        canvas.drawString(x, y, shaped)
        canvas.addLiteral("EMC")
        x += advance * size / 1000
    return width


def draw_text(canvas, x: float, y: float, text: str, size: float, bold: bool = False,
              align: str = "left") -> float:
    """Shape and draw one line of text; returns its width in points."""
    return draw_line(canvas, layout(clean(text), bold), x, y, size, align)


def text_width(text: str, size: float, bold: bool = False) -> float:
    return layout(clean(text), bold).width(size)


# ---------------------------------------------------------------- wrapping

_warned_without_icu = False


def _inside_code(before: str, after: str) -> bool:
    """A hyphen between letters or digits, as in LA-CON-BRL-01: ICU would allow a break after it,
    but a code or a hyphenated word reads wrongly cut in two."""
    return before.endswith("-") and len(before) > 1 and before[-2].isalnum() and after.isalnum()


def _segments(text: str) -> list[str]:
    """*text* cut at its line-break opportunities; each piece keeps the spaces that follow it."""
    if LineBreaker is not None:
        segments: list[str] = []
        for start, end in LineBreaker(text, "und").segments():
            if segments and _inside_code(segments[-1], text[start]):
                segments[-1] += text[start:end]
            else:
                segments.append(text[start:end])
        return segments
    global _warned_without_icu
    if not _warned_without_icu:
        _warned_without_icu = True
        log.warning("icu4py is not installed: Lao and Thai lines break only at spaces and before "
                    "leading vowels, not at word boundaries. Install icu4py (see setup.cfg).")
    return re.findall(r"[^ \u200b]+[ \u200b]*|[ \u200b]+", text)


@lru_cache(maxsize=1024)
def _tokens(text: str, bold: bool) -> tuple[tuple[str, str, float], ...]:
    """Words of clean *text* between line-break opportunities, as (separator before, word,
    advance). The separator is " " after a space, and "" where a line may break without one: at a
    zero-width space, or between two Lao or Thai words."""
    tokens = []
    separator = ""
    for segment in _segments(text):
        word = segment.rstrip(" " + ZWSP)
        if word:
            tokens.append((separator, word, layout(word, bold).advance))
        separator = " " if " " in segment[len(word):] else ""
    return tuple(tokens)


def _clusters(word: str) -> list[str]:
    """Pieces of *word* between which a line may break: never before a combining mark or a
    following vowel, never after a leading vowel."""
    clusters: list[str] = []
    for ch in word:
        glued = clusters and (unicodedata.category(ch)[0] == "M" or ch in _NO_BREAK_BEFORE
                              or clusters[-1][-1] in _LEADING_VOWELS)
        if glued:
            clusters[-1] += ch
        else:
            clusters.append(ch)
    return clusters


def _split_word(word: str, bold: bool, limit: float) -> tuple[list[tuple[str, float]], bool]:
    """Cut a word wider than *limit* into pieces that fit: first before leading vowels (syllable
    boundaries in Lao and Thai), and only where a syllable is still too wide, between clusters.
    Returns the pieces with their advances, and whether a word had to be cut: with ICU every cut
    inside a word counts (ICU found no break there), without it only a cut inside a syllable."""
    clusters = _clusters(word)
    advances = [layout(c, bold).advance for c in clusters]
    syllables: list[list[int]] = []
    for i, c in enumerate(clusters):
        if not syllables or c[0] in _LEADING_VOWELS:
            syllables.append([])
        syllables[-1].append(i)
    pieces: list[list[int]] = [[]]
    width, cut = 0.0, False
    for syllable in syllables:
        advance = sum(advances[i] for i in syllable)
        if pieces[-1] and width + advance > limit:
            pieces.append([])
            width = 0.0
        if advance <= limit:
            pieces[-1].extend(syllable)
            width += advance
            continue
        cut = True
        for i in syllable:
            if pieces[-1] and width + advances[i] > limit:
                pieces.append([])
                width = 0.0
            pieces[-1].append(i)
            width += advances[i]
    cut = cut or (LineBreaker is not None and len(pieces) > 1)
    return [("".join(clusters[i] for i in p), sum(advances[i] for i in p)) for p in pieces], cut


def _wrap(text: str, bold: bool, limit: float) -> tuple[list[str], bool]:
    """Greedy line filling in advance units; returns the lines and whether a syllable was cut."""
    space = layout(" ", bold).advance
    lines: list[str] = []
    current, width, cut = "", 0.0, False
    for separator, word, advance in _tokens(text, bold):
        gap = space if separator == " " else 0.0
        if current and width + gap + advance <= limit:
            current += (" " if separator == " " else "") + word
            width += gap + advance
            continue
        if current:
            lines.append(current)
        if advance <= limit:
            current, width = word, advance
            continue
        pieces, word_cut = _split_word(word, bold, limit)
        cut = cut or word_cut
        lines.extend(piece for piece, _ in pieces[:-1])
        current, width = pieces[-1]
    if current:
        lines.append(current)
    return lines, cut


def fit(text: str, max_width: float, size: float, min_size: float | None = None,
        bold: bool = False, max_lines: int = 1, step: float = 0.5) -> tuple[float, list[Line]]:
    """Wrap *text* into *max_width* where a line may break (ICU: after spaces, at ZWSP, between
    Lao or Thai words). If that takes more than *max_lines* lines or a word would have to be cut,
    shrink the size by *step* down to *min_size*; at the floor, cut inside the word, before a
    leading vowel where possible, else between clusters (never before a combining mark). Returns
    the size used and the shaped lines."""
    text = clean(text)
    min_size = size if min_size is None else min_size
    while True:
        lines, cut = _wrap(text, bold, max_width * 1000 / size)
        if (len(lines) <= max_lines and not cut) or size <= min_size:
            return size, [layout(line, bold) for line in lines]
        size = max(min_size, size - step)
