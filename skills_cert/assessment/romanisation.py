"""Lao to Latin transliteration, to suggest a romanised name (simplified BGN/PCGN 1966, ASCII).

ສົມພອນ -> Somphon, ແກ້ວມະນີ -> Kaeomani, ໄຊຍະວົງ -> Xaiyavong. ຍ is "nh" at the start of a word
and "y" elsewhere; a final ວ is "o"; ວ inside an initial cluster is "u" (ຂວັນ -> Khuan). Lao does not
mark syllable boundaries: a consonant that could end one syllable or start the next is read as a
final unless a vowel sign or tone mark follows it.
"""

from __future__ import annotations

import re

_PRE_VOWELS = "ເແໂໃໄ"
_VOWEL_SIGNS = "ະັາຳິີຶືຸູົຽໍ"
_TONES = "່້໊໋"
_DEPENDENT = _VOWEL_SIGNS + _TONES + "ຼ"
_SONORANTS = "ງຍນມລວຣ"
_INITIALS = {  # ອ is a silent vowel carrier; ຆ..ຬ are Pali/Sanskrit letters
    "ກ": "k", "ຂ": "kh", "ຄ": "kh", "ຆ": "kh", "ງ": "ng", "ຈ": "ch", "ຉ": "ch", "ສ": "s", "ຊ": "x",
    "ຌ": "x", "ຍ": "nh", "ຎ": "nh", "ດ": "d", "ຕ": "t", "ຏ": "t", "ຖ": "th", "ທ": "th", "ຐ": "th",
    "ຑ": "d", "ຒ": "th", "ຘ": "th", "ນ": "n", "ຓ": "n", "ບ": "b", "ປ": "p", "ຜ": "ph", "ຝ": "f",
    "ພ": "ph", "ຟ": "f", "ຠ": "ph", "ມ": "m", "ຢ": "y", "ຣ": "r", "ລ": "l", "ຬ": "l", "ວ": "v",
    "ຨ": "s", "ຩ": "s", "ຫ": "h", "ອ": "", "ຮ": "h", "ໜ": "n", "ໝ": "m", "ໞ": "g", "ໟ": "nh",
}
_FINALS = {  # sound at the end of a syllable
    **dict.fromkeys("ກຂຄຆ", "k"), **dict.fromkeys("ຈຉສຊຌດຕຏຖທຐຑຒຘຨຩ", "t"),
    **dict.fromkeys("ບປຜຝພຟຠ", "p"), **dict.fromkeys("ນຓຎຣລຬ", "n"),
    "ງ": "ng", "ມ": "m", "ຍ": "y", "ຢ": "y", "ວ": "o",
}
_VOWELS = {  # (pre-posed vowel, vowel signs and vowel letters in writing order) -> Latin
    ("", ""): "", ("", "ະ"): "a", ("", "ັ"): "a", ("", "າ"): "a", ("", "ິ"): "i", ("", "ີ"): "i",
    ("", "ຶ"): "ue", ("", "ື"): "ue", ("", "ຸ"): "u", ("", "ູ"): "u", ("", "ົ"): "o",
    ("", "ໍ"): "o", ("", "ອ"): "o", ("", "ຳ"): "am", ("", "ໍາ"): "am", ("", "ຽ"): "ia",
    ("", "ົວ"): "ua", ("", "ວ"): "ua", ("", "ັວ"): "ua",
    ("ເ", ""): "e", ("ເ", "ະ"): "e", ("ເ", "ັ"): "e", ("ເ", "ິ"): "oe", ("ເ", "ີ"): "oe",
    ("ເ", "ົາ"): "ao", ("ເ", "າ"): "ao", ("ເ", "າະ"): "o", ("ເ", "ືອ"): "uea", ("ເ", "ຶອ"): "uea",
    ("ເ", "ຍ"): "ia", ("ເ", "ັຍ"): "ia", ("ເ", "ີຍ"): "oei",
    ("ແ", ""): "ae", ("ແ", "ະ"): "ae", ("ແ", "ັ"): "ae", ("ໂ", ""): "o", ("ໂ", "ະ"): "o",
    ("ໄ", ""): "ai", ("ໃ", ""): "ai",
}
_OPEN_VOWELS = {("", "ຳ"), ("", "ໍາ"), ("", "ໍ"), ("", "ົວ"), ("", "ັວ"), ("ເ", "ົາ"), ("ເ", "າ"),
                ("ເ", "ຍ"), ("ເ", "ັຍ"), ("ເ", "ີຍ")}


def romanise(text: str) -> str:
    """Lao runs of *text* in Latin letters, each word capitalised; other characters but spaces,
    dots and dashes are dropped. The caller checks the result (see suggest_romanisation).

    ສົມພອນ -> Somphon, ແກ້ວມະນີ -> Kaeomani, ໄຊຍະວົງ -> Xaiyavong. ຍ is "nh" at the start of a
    word and "y" elsewhere; a final ວ is "o"; ວ inside an initial cluster is "u" (ຂວັນ -> Khuan).
    Lao does not mark syllable boundaries: a consonant that could end one syllable or start the
    next is read as a final unless a vowel sign or tone mark follows it.
    """
    parts = re.split("([\u0e80-\u0eff]+)", text)
    text = "".join(_romanise_word(p) if n % 2 else re.sub("[^ .-]", "", p)
                   for n, p in enumerate(parts))  # odd parts are the Lao runs
    return re.sub("(?<![a-z])[a-z]", lambda m: m[0].upper(), " ".join(text.split()))


def _romanise_word(word: str) -> str:
    out, i = [], 0
    while i < len(word):
        if word[i] not in _PRE_VOWELS + _VOWEL_SIGNS and word[i] not in _INITIALS:
            i += 1  # tone marks, ໆ, ຯ, ໌, digits: silent
        elif word[i] in _INITIALS and word[i + 1:i + 2] == "\u0ecc":
            i += 2  # a consonant under the cancellation mark ໌ is silent
        else:
            latin, i = _syllable(word, i)
            out.append(latin)
    return "".join(out)


def _syllable(w: str, i: int) -> tuple[str, int]:
    start = i
    pre = w[i] if w[i] in _PRE_VOWELS else ""
    onset, consonant, i = _onset(w, i + len(pre), pre, word_start=start == 0)
    key = ""
    while i < len(w) and w[i] in _VOWEL_SIGNS + _TONES:
        key += w[i] if w[i] in _VOWEL_SIGNS else ""
        i += 1
    if _is_vowel_letter(w, i, pre, key):
        key, i = key + w[i], i + 1
    vowel = _VOWELS.get((pre, key))
    if vowel is None:
        vowel = _VOWELS[(pre, "")] + "".join(_VOWELS.get(("", c), "") for c in key)
    if consonant == "ອ" and not pre and not key:
        vowel = "o"  # ອ on its own reads "o"
    final = ""
    if _can_close(pre, key) and i < len(w) and w[i] in _FINALS and _is_final(w, i):
        final, i = _FINALS[w[i]], i + 1
    return onset + vowel + final, i


def _onset(w: str, i: int, pre: str, word_start: bool) -> tuple[str, str, int]:
    if i >= len(w) or w[i] not in _INITIALS:
        return "", "", i
    consonant, latin = w[i], _INITIALS[w[i]]
    if consonant == "ຫ" and w[i + 1:i + 2] == "ຼ":  # ຫຼ is the modern spelling of ຫລ
        return "l", "ລ", i + 2
    if consonant == "ຫ" and w[i + 1:i + 2] in tuple(_SONORANTS) and (pre or _takes_vowel(w, i + 1)):
        i += 1  # ຫ before a sonorant only sets the tone
        consonant, latin = w[i], _INITIALS[w[i]]
    if consonant == "ຍ" and not word_start:
        latin = "y"
    i += 1
    if w[i:i + 1] == "ຼ":
        return latin + "l", consonant, i + 1
    if w[i:i + 1] == "ວ" and consonant not in "ວອ" and _is_medial_wo(w, i, pre):
        return latin + "u", consonant, i + 1
    return latin, consonant, i


def _takes_vowel(w: str, j: int) -> bool:
    """True if the letter at j is followed by a vowel or tone that must belong to it."""
    nxt = w[j + 1:j + 2]
    if nxt and nxt in _DEPENDENT:
        return True
    return nxt in ("ອ", "ວ") and not (w[j + 2:j + 3] and w[j + 2:j + 3] in _DEPENDENT)


def _is_final(w: str, j: int) -> bool:
    return not _takes_vowel(w, j) and w[j + 1:j + 2] != "\u0ecc"


def _is_medial_wo(w: str, i: int, pre: str) -> bool:
    if w[i + 1:i + 2] and w[i + 1] in _DEPENDENT:
        return True  # ກວ່າ, ຂວັນ, ຄວາມ
    nxt = i + 1
    return pre in ("ເ", "ແ") and nxt < len(w) and w[nxt] in _FINALS and _is_final(w, nxt)  # ແຂວງ


def _is_vowel_letter(w: str, i: int, pre: str, key: str) -> bool:
    if i >= len(w) or w[i] not in "ອວຍ" or _takes_vowel(w, i):
        return False
    if w[i] == "ອ":
        return (not pre and not key) or (pre == "ເ" and key in ("ື", "ຶ"))
    if w[i] == "ວ":
        return not pre and key in ("", "ົ", "ັ")
    return pre == "ເ" and key in ("", "ັ", "ີ")


def _can_close(pre: str, key: str) -> bool:
    if pre in ("ໄ", "ໃ") or key.endswith("ະ") or (pre, key) in _OPEN_VOWELS:
        return False
    return bool(pre or key)  # a bare consonant (an abbreviation such as ທ.) takes no final


