"""Checks on what an assessor enters about a skills-test candidate.

Pure functions: each returns the cleaned value or raises `CheckFailed`, whose text is a translated
message that is safe to show. Names end up on certificates drawn with Noto Sans Lao / Noto Sans
Thai, where a character missing from the font is silently invisible, so every character of a name
is checked against the fonts' character maps.

Photos are checked and re-encoded in photos.py, romanisation lives in
romanisation.py, the Thai spelling proposed from a Lao name in thai_script.py.

Decisions worth knowing:
- Invisible characters (Unicode category C*: controls, ZERO WIDTH SPACE/JOINER/NON-JOINER, BOM,
  bidi overrides such as U+202E, and code points unassigned in Python's Unicode version) are
  refused, never silently removed: Lao does not need ZWJ/ZWNJ, and a hidden character would make
  two identical-looking names differ. Messages show such characters only as "U+XXXX NAME". The
  check is the shared one of visible_text.py, in its strict form for names.
- Whitespace (tab, newline, no-break space, ...) is collapsed to one space before checking.
- Lengths count code points after NFC normalisation (a Lao vowel sign or tone mark counts as one).
"""

from __future__ import annotations

import datetime
import functools
import re
import unicodedata

from flask_babel import gettext as _
from fontTools.ttLib import TTFont

from skills_cert import visible_text
from skills_cert.assessment import thai_script
from skills_cert.assessment.romanisation import romanise
from skills_cert.config import ROOT
from skills_cert.visible_text import describe as _describe

FONT_DIR = ROOT / "static" / "fonts"
_FONT_FILES = {
    False: ("NotoSansLao-Regular.ttf", "NotoSansThai-Regular.ttf"),
    True: ("NotoSansLao-Bold.ttf", "NotoSansThai-Bold.ttf"),
}
NAME_MIN, NAME_MAX = 2, 120
# 14 is the general minimum age for employment in the Lao PDR (Labour Law No. 43/NA of 2013; the
# minimum age declared when ratifying ILO Convention 138 in 2005). ILO comments on article 101 of
# that law mention light work from age 12; we keep 14 as the lower bound on purpose.
MIN_AGE, MAX_AGE = 14, 90
ID_TYPES = ("national_id", "passport")
NATIONALITIES = ("LA", "TH", "KH", "MM", "VN", "CN")  # ISO 3166-1 alpha-2

_WHITESPACE = re.compile("[\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+")
_LATIN_LETTER = re.compile("[A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u017f]")
_LATIN_ALLOWED = re.compile("[A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u017f '.-]")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'"})
# Lao (U+0ED0..) and Thai (U+0E50..) digits typed on a Lao or Thai keyboard count as 0-9.
_DIGITS = {0x0ED0 + i: str(i) for i in range(10)} | {0x0E50 + i: str(i) for i in range(10)}


class CheckFailed(ValueError):
    """str(exc) is a translated message safe to show the user."""


def normalise_text(value: str) -> str:
    """NFC-normalise, collapse runs of whitespace to one space, strip."""
    return _WHITESPACE.sub(" ", unicodedata.normalize("NFC", value)).strip(" ")


# --- printable characters -------------------------------------------------------------------


@functools.lru_cache(maxsize=2)
def _drawable_codepoints(bold: bool) -> frozenset[int]:
    codepoints: set[int] = set()
    for name in _FONT_FILES[bold]:
        with TTFont(FONT_DIR / name, lazy=True) as font:
            codepoints.update(font.getBestCmap())
    return frozenset(codepoints)


def missing_glyphs(text: str, *, bold: bool = False) -> list[str]:
    """Characters of `text` (each once, spaces excluded) that neither certificate font can draw."""
    drawable = _drawable_codepoints(bool(bold))
    return list(dict.fromkeys(c for c in text if c != " " and ord(c) not in drawable))


def _check_printable(name: str) -> None:
    missing = missing_glyphs(name) + missing_glyphs(name, bold=True)
    if missing:
        raise CheckFailed(
            _("These characters cannot be printed on the certificate: %(chars)s.",
              chars=_describe(missing)))


# --- names ----------------------------------------------------------------------------------


def _clean_name(value: str) -> str:
    name = normalise_text(value) if isinstance(value, str) else ""
    if not name:
        raise CheckFailed(_("Enter the name."))
    hidden = visible_text.problem(name, name=True)
    if hidden:
        raise CheckFailed(hidden)
    if not NAME_MIN <= len(name) <= NAME_MAX:
        raise CheckFailed(_("The name must be between %(min)d and %(max)d characters long.",
                            min=NAME_MIN, max=NAME_MAX))
    if any(unicodedata.category(c) == "Nd" for c in name):
        raise CheckFailed(_("A name cannot contain digits."))
    return name


def _is_lao_letter(char: str) -> bool:
    return "\u0e81" <= char <= "\u0eae" or "\u0edc" <= char <= "\u0edf"


def _is_thai(char: str) -> bool:
    return "\u0e00" <= char <= "\u0e7f"


def check_lao_name(value: str) -> str:
    """The name in Lao script, normalised, or CheckFailed."""
    name = _clean_name(value)
    thai = [c for c in name if _is_thai(c)]
    if thai and not any(_is_lao_letter(c) for c in name):
        raise CheckFailed(_("Write the name in Lao script; this looks like Thai script."))
    if thai:
        raise CheckFailed(_("The name mixes Lao and Thai characters: %(chars)s. "
                            "Retype them with a Lao keyboard.", chars=_describe(thai)))
    other = [c for c in name if not ("\u0e80" <= c <= "\u0eff" or c in " -.")]
    if other:
        raise CheckFailed(_("Write the Lao name in Lao script only; the romanised name has its "
                            "own field. Not allowed: %(chars)s.", chars=_describe(other)))
    if not any(_is_lao_letter(c) for c in name):
        raise CheckFailed(_("The name must contain Lao letters."))
    return _check_words(name)


def is_thai_script(name: str) -> bool:
    """True for a name written in Thai script: Thai letters and no Lao letter."""
    return any(_is_thai_letter(c) for c in name) and not any(_is_lao_letter(c) for c in name)


def _is_thai_letter(char: str) -> bool:
    return "\u0e01" <= char <= "\u0e2e"


def check_thai_name(value: str) -> str:
    """The name in Thai script (as a Thai work permit writes it), normalised, or CheckFailed."""
    name = _clean_name(value)
    lao = [c for c in name if "\u0e80" <= c <= "\u0eff"]
    if lao and not any(_is_thai_letter(c) for c in name):
        raise CheckFailed(_("Write this name in Thai script; this looks like Lao script."))
    if lao:
        raise CheckFailed(_("The name mixes Thai and Lao characters: %(chars)s. Retype them with "
                            "a Thai keyboard.", chars=_describe(lao)))
    other = [c for c in name if not ("\u0e01" <= c <= "\u0e3a" or "\u0e40" <= c <= "\u0e4e"
                                     or c in " -.")]
    if other:
        raise CheckFailed(_("Write the name in Thai script only; the romanised name has its own "
                            "field. Not allowed: %(chars)s.", chars=_describe(other)))
    if not any(_is_thai_letter(c) for c in name):
        raise CheckFailed(_("The name must contain Thai letters."))
    return _check_words(name)


def _check_words(name: str) -> str:
    """*name* if no word begins with a combining vowel sign or tone mark and all is printable."""
    marks = [w[0] for w in re.split("[ .-]", name) if w and unicodedata.category(w[0]) == "Mn"]
    if marks:
        raise CheckFailed(_("A vowel sign or tone mark cannot begin a word: %(chars)s.",
                            chars=_describe(marks)))
    _check_printable(name)
    return name


def check_own_name(value: str, *, nationality: str | None) -> str:
    """The name as in the identity document: Lao script, or Thai script for a Thai national."""
    if is_thai_script(normalise_text(value) if isinstance(value, str) else ""):
        if nationality != "TH":
            raise CheckFailed(_("Only a Thai national's name can be registered in Thai script. "
                                "Write it in Lao script; its Thai spelling has its own field."))
        return check_thai_name(value)
    return check_lao_name(value)


def check_thai_spelling(value: str | None, *, own_name: str) -> str | None:
    """The name in Thai script beside a checked *own_name*, or None when none is given. A name
    registered in Thai script is its own name in Thai script."""
    text = normalise_text(value or "")
    if is_thai_script(own_name):
        if text and text != own_name:
            raise CheckFailed(_("The name is registered in Thai script, so its name in Thai script "
                                "is the same. Leave this field empty or repeat the name."))
        return own_name
    return check_thai_name(text) if text else None


def suggest_thai(name: str) -> str:
    """The Thai spelling to propose for a name ("" if none would pass check_thai_name): the
    transliteration of a Lao name, or a name already in Thai script as it is."""
    try:
        return check_thai_name(thai_script.propose(normalise_text(name)))
    except CheckFailed:
        return ""


def check_latin_name(value: str) -> str:
    """The romanised name, normalised (capitalisation kept, ’ becomes '), or CheckFailed."""
    name = _clean_name(value).translate(_APOSTROPHES)
    other = [c for c in name if not _LATIN_ALLOWED.fullmatch(c)]
    if any("\u0e00" <= c <= "\u0eff" for c in other):
        raise CheckFailed(_("Write the romanised name in Latin letters (A-Z); the name in Lao "
                            "script has its own field."))
    if other:
        raise CheckFailed(_("The romanised name may contain only Latin letters, spaces, hyphens, "
                            "apostrophes and full stops. Not allowed: %(chars)s.",
                            chars=_describe(other)))
    if not _LATIN_LETTER.search(name):
        raise CheckFailed(_("The romanised name must contain letters."))
    _check_printable(name)
    return name


# --- dates, documents, contact ---------------------------------------------------------------

_ISO_DATE = re.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_date(value: str) -> datetime.date:
    """A strict ISO date (YYYY-MM-DD; surrounding spaces ignored)."""
    text = value.strip() if isinstance(value, str) else ""
    if not _ISO_DATE.fullmatch(text):
        raise CheckFailed(_("Enter the date as YYYY-MM-DD, e.g. 1990-07-25."))
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CheckFailed(_("%(value)s is not a real date. Enter it as YYYY-MM-DD, "
                            "e.g. 1990-07-25.", value=text)) from None


def _completed_years(born: datetime.date, today: datetime.date) -> int:
    # Someone born on 29 February completes a year on 1 March in non-leap years.
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def check_date_of_birth(value: datetime.date, *, today: datetime.date) -> datetime.date:
    if isinstance(today, datetime.datetime):
        today = today.date()
    if not isinstance(value, datetime.date) or isinstance(value, datetime.datetime):
        raise CheckFailed(_("Enter the date of birth."))
    if value > today:
        raise CheckFailed(_("The date of birth %(date)s is in the future.", date=value.isoformat()))
    age = _completed_years(value, today)
    if not MIN_AGE <= age <= MAX_AGE:
        raise CheckFailed(_("The date of birth makes the candidate %(age)d years old; candidates "
                            "must be between %(min)d and %(max)d.",
                            age=age, min=MIN_AGE, max=MAX_AGE))
    return value


# No official format for Lao ID card numbers has been confirmed, so a national ID is any 6-20
# digits. Passports: ICAO-style document numbers as on Lao and Thai passports (letters + digits).
_ID_FORMATS = {
    "national_id": re.compile("[0-9]{6,20}"),
    "passport": re.compile("[A-Z]{1,2}[0-9]{6,8}"),
}


def check_id_number(id_type: str, value: str) -> str:
    """The document number without spaces or hyphens, upper-cased, or CheckFailed."""
    if id_type not in ID_TYPES:
        raise CheckFailed(_("Choose the type of identity document: national ID card or passport."))
    text = value if isinstance(value, str) else ""
    number = re.sub(r"[\s\-\u2010-\u2015]+", "", text).translate(_DIGITS).upper()
    if not number:
        raise CheckFailed(_("Enter the document number."))
    if not _ID_FORMATS[id_type].fullmatch(number):
        if id_type == "passport":
            raise CheckFailed(_("A passport number is 1-2 letters followed by 6-8 digits, "
                                "e.g. P1234567."))
        raise CheckFailed(_("A national ID card number is 6 to 20 digits, e.g. 123456789."))
    return number


def check_phone(value: str | None) -> str | None:
    """Optional: None when empty, else "+<digits>" or "<digits>" (8 to 15 digits)."""
    text = normalise_text(value or "").translate(_DIGITS)
    if not text:
        return None
    if not re.fullmatch(r"\+?[0-9 -]+", text):
        raise CheckFailed(_("A phone number may contain only digits, spaces, hyphens and a "
                            "leading +."))
    digits = re.sub("[^0-9]", "", text)
    if not 8 <= len(digits) <= 15:
        raise CheckFailed(_("A phone number has 8 to 15 digits; this one has %(count)d.",
                            count=len(digits)))
    return ("+" if text.startswith("+") else "") + digits


def check_nationality(value: str) -> str:
    code = value.strip().upper() if isinstance(value, str) else ""
    if code not in NATIONALITIES:
        raise CheckFailed(_("Choose a nationality from the list."))
    return code


def suggest_romanisation(lao_name: str) -> str:
    """A Latin spelling to suggest for a Lao name, or "" if none would pass check_latin_name."""
    try:
        return check_latin_name(romanise(normalise_text(lao_name)))
    except CheckFailed:
        return ""
