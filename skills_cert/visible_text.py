"""Text that other people read must show what it says: no invisible or direction-changing characters.

A RIGHT-TO-LEFT OVERRIDE (U+202E) makes "gnp.exe" read as "exe.png"; a hidden control character
makes two identical-looking titles differ. So every free-text field refuses, never silently removes:
- controls (Unicode category Cc), except line breaks and tabs in multi-line text;
- format characters (Cf): the bidi embeddings, overrides and isolates (U+202A-U+202E,
  U+2066-U+2069), the marks U+200E, U+200F and U+061C, the byte order mark, soft hyphens, and
  so on; but not ZERO WIDTH SPACE (U+200B), which Lao and Thai text uses to mark a word break,
  nor ZERO WIDTH NON-JOINER/JOINER (U+200C, U+200D) or WORD JOINER (U+2060), which change no
  direction;
- lone surrogates (Cs), which are not text.

Names are stricter (`name=True`): every character of category C, those four included, because a
name is compared and printed on certificates (see assessment/candidate_checks.py).
Messages never echo such a character: they name it, e.g. "U+202E RIGHT-TO-LEFT OVERRIDE".
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from flask_babel import gettext as _

LINE_BREAKS = frozenset("\n\r\t")
WORD_BREAKS = frozenset("\u200b\u200c\u200d\u2060")
_REFUSED = frozenset({"Cc", "Cf", "Cs"})


def hidden_characters(text: str, *, multiline: bool = False, name: bool = False) -> list[str]:
    """The characters of *text* that are not allowed, each once, in order."""
    if name:
        return list(dict.fromkeys(c for c in text if unicodedata.category(c)[0] == "C"))
    allowed = WORD_BREAKS | LINE_BREAKS if multiline else WORD_BREAKS
    return list(dict.fromkeys(c for c in text if unicodedata.category(c) in _REFUSED and c not in allowed))


def describe_char(char: str) -> str:
    """A character as a message may show it: an invisible one only by code point and name."""
    code = f"U+{ord(char):04X}"
    category = unicodedata.category(char)
    if category[0] == "C":  # never echo an invisible or direction-changing character
        return f"{code} {unicodedata.name(char, '')}".strip()
    if category[0] == "M":  # show a combining mark on a dotted circle
        return f"\u25cc{char} ({code})"
    return f"{char} ({code})"


def describe(chars: Iterable[str]) -> str:
    return ", ".join(describe_char(c) for c in dict.fromkeys(chars))


def problem(text: str, *, multiline: bool = False, name: bool = False) -> str | None:
    """A translated message naming the characters *text* may not contain, or None."""
    chars = hidden_characters(text, multiline=multiline, name=name)
    if not chars:
        return None
    if name:
        return _("The name contains invisible or unsupported characters: %(chars)s. "
                 "Retype the name without them.", chars=describe(chars))
    return _("This text contains invisible or direction-changing characters, which are not allowed: "
             "%(chars)s. Retype it without them.", chars=describe(chars))
