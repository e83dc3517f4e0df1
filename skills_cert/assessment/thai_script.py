"""Lao to Thai script: the Thai spelling of a Lao name to propose on the candidate form.

A Lao worker's Thai work permit writes the name in Thai script, and a Thai employer reads Thai.
The two scripts descend from the same one and are written in the same logical order (a vowel
written before its consonant, ເ/เ, comes first in both), so most of a Lao name goes letter for
letter: ສອນໄຊ ສີພັນດອນ -> สอนไซ สีพันดอน, ແກ້ວ -> แก้ว, ເມືອງ -> เมือง. The proposal is
phonetic, as Thai newspapers and the Thai Wikipedia write Lao people's names (ทองลุน สีสุลิด,
บุนยัง วอละจิด, พันคำ วิพาวัน); the assessor corrects it to match the worker's Thai documents.

The rules (`propose`):
- **Consonants** map one to one. ຊ -> ซ (Lao ຊ sounds /s/); ຍ and ຢ -> ย; ຣ -> ร, ລ -> ล;
  ຮ -> ฮ. ໜ and ໝ are one letter in Lao and two in Thai: หน, หม. The subscript ຼ is ล
  (ຫຼວງ -> หลวง). The Pali and Sanskrit letters map to their Thai counterparts (ຆ ฆ, ຉ ฉ,
  ຌ ฌ, ຎ ญ, ຏ ฏ, ຐ ฐ, ຑ ฑ, ຒ ฒ, ຓ ณ, ຘ ธ, ຠ ภ, ຨ ศ, ຩ ษ, ຬ ฬ); the Khmu letters ໞ and ໟ
  to ก and ญ.
- **Tone marks** (່ ້ ໊ ໋) are copied; in Thai they sit after the vowel above or below the
  consonant and before a vowel written after it, as in Lao: ເຈົ້າ -> เจ้า, ນ້ຳ -> น้ำ.
- **Vowels that Thai writes differently**, which need the syllable (`_syllable` finds where one
  ends, as `romanisation.py` does):
  - ົ (short o) is not written in a closed Thai syllable: ສົມ -> สม, ພົມ -> พม; before ວ it is
    ั: ບົວ -> บัว; in ເ-ົາ it drops: ເຈົ້າ -> เจ้า.
  - ຽ is เ-ีย: ວຽງ -> เวียง, ລ້ຽງ -> เลี้ยง; open ເ-ຍ is เ-ีย too (ເມຍ -> เมีย), ເ-ີຍ is เ-ย
    (ເລີຍ -> เลย).
  - ໍ is อ: ບໍ່ -> บ่อ, ວໍ -> วอ (the tone mark goes on the consonant: ພໍ່ -> พ่อ).
  - ື with no final consonant is ือ: ປື -> ปือ, ມື -> มือ.
  - ເ-ີ / ເ-ິ without a final are เ-อ / เ-อะ; with one, เ-ิ: ເງິນ -> เงิน.
  - ເ-ັ and ແ-ັ before a final are เ-็ and แ-็ (ແຂັງ -> แข็ง), or take the tone mark in its
    place (ເລັ່ງ -> เล่ง).
- **Other signs**: ໆ -> ๆ, ຯ -> ฯ, ໌ -> ์, ຺ -> ฺ, Lao digits -> Thai digits (names have none).
  Spaces, hyphens and full stops stay; anything else is kept as it is (the caller checks the
  result with `candidate_checks.check_thai_name`).

What the rules cannot know, because Thai spelling keeps the letters of Sanskrit, Pali and old
Khmer where Lao (since the 1975 reform) writes the sound:
- letters that sound alike: ส / ศ / ษ, ท / ธ / ฒ / ฑ, น / ณ, พ / ภ, ย / ญ (ใหญ่), ล / ร / ฬ,
  ซ / ช (the province ຊຽງຂວາງ is เชียงขวาง; the rules give เซียงขวาง), and ฮ / ร (Lao ຮ is
  Thai ร in many shared words: ເຮືອນ, เรือน);
- silent letters under ์ and silent vowels: ສົມສັກ is สมศักดิ์ in Thai, ຈຳປາສັກ is
  จำปาศักดิ์, ວຽງຈັນ is เวียงจันทน์; the rules give สมสัก, จำปาสัก, เวียงจัน;
- a final /t/ written ต ด ติ ตุ ส ศ ษ ช ชร ฐ ท ธ (ສະຫວັນນະເຂດ is สะหวันนะเขต, ອັດຕະປື is
  อัตตะปือ), a final /n/ written ร ล ณ ญ (ພອນ as พร), a final /k/ written ค ข;
- a cluster with ร that Lao does not write (ຫຼວງພະບາງ is หลวงพระบาง);
- tone: when a Thai word's letter is of another class, Thai puts another tone mark or none.
A name spelled the Thai way for centuries (สมศักดิ์, ศรี, พร) is therefore proposed as it
sounds, and the assessor corrects it: the form shows the proposal, editable, before saving.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_CONSONANTS = {
    "ກ": "ก", "ຂ": "ข", "ຄ": "ค", "ຆ": "ฆ", "ງ": "ง", "ຈ": "จ", "ຉ": "ฉ", "ສ": "ส", "ຊ": "ซ",
    "ຌ": "ฌ", "ຍ": "ย", "ຎ": "ญ", "ຏ": "ฏ", "ຐ": "ฐ", "ຑ": "ฑ", "ຒ": "ฒ", "ຓ": "ณ", "ດ": "ด",
    "ຕ": "ต", "ຖ": "ถ", "ທ": "ท", "ຘ": "ธ", "ນ": "น", "ບ": "บ", "ປ": "ป", "ຜ": "ผ", "ຝ": "ฝ",
    "ພ": "พ", "ຟ": "ฟ", "ຠ": "ภ", "ມ": "ม", "ຢ": "ย", "ຣ": "ร", "ລ": "ล", "ວ": "ว", "ຨ": "ศ",
    "ຩ": "ษ", "ຫ": "ห", "ຬ": "ฬ", "ອ": "อ", "ຮ": "ฮ", "ໜ": "หน", "ໝ": "หม", "ໞ": "ก", "ໟ": "ญ",
}
# Signs copied one for one when no syllable rule applies (vowels, tones, ໆ, ຯ, ໌, digits).
_SIGNS = {
    "ະ": "ะ", "ັ": "ั", "າ": "า", "ຳ": "ำ", "ິ": "ิ", "ີ": "ี", "ຶ": "ึ", "ື": "ื", "ຸ": "ุ",
    "ູ": "ู", "຺": "ฺ", "ົ": "", "ຼ": "ล", "ຽ": "ีย", "ເ": "เ", "ແ": "แ", "ໂ": "โ", "ໃ": "ใ",
    "ໄ": "ไ", "ໆ": "ๆ", "່": "่", "້": "้", "໊": "๊", "໋": "๋", "໌": "์", "ໍ": "อ", "ຯ": "ฯ",
    **{chr(0x0ED0 + d): chr(0x0E50 + d) for d in range(10)},
}
_PRE = "ເແໂໃໄ"
_VOWEL_SIGNS = "ະັາຳິີຶືຸູົໍຽ"
_TONES = "່້໊໋"
_DEPENDENT = _VOWEL_SIGNS + _TONES + "ຼ"
_SONORANTS = "ງຍນມລວຣ"

# (pre-posed vowel, vowel signs in writing order, vowel letter) -> Thai, for an open and a
# closed syllable. C is the onset in Thai, T the tone mark; the final follows.
_SAME = object()
_VOWELS: dict[tuple[str, str, str], tuple[str, object]] = {
    ("", "", ""): ("CT", _SAME), ("", "ະ", ""): ("CTะ", _SAME), ("", "ັ", ""): ("CัT", _SAME),
    ("", "າ", ""): ("CTา", _SAME), ("", "ິ", ""): ("CิT", _SAME), ("", "ີ", ""): ("CีT", _SAME),
    ("", "ຶ", ""): ("CึT", _SAME), ("", "ື", ""): ("CืTอ", "CืT"), ("", "ຸ", ""): ("CุT", _SAME),
    ("", "ູ", ""): ("CูT", _SAME), ("", "ົ", ""): ("CT", _SAME), ("", "ໍ", ""): ("CTอ", _SAME),
    ("", "", "ອ"): ("CTอ", _SAME), ("", "ຳ", ""): ("CTำ", _SAME), ("", "ໍາ", ""): ("CTำ", _SAME),
    ("", "ົ", "ວ"): ("CัTว", _SAME), ("", "ັ", "ວ"): ("CัTว", _SAME), ("", "", "ວ"): ("CัTว", "CTว"),
    ("", "ຽ", ""): ("เCีTย", _SAME),
    ("ເ", "", ""): ("เCT", _SAME), ("ເ", "ະ", ""): ("เCTะ", _SAME), ("ເ", "ັ", ""): ("เCTะ", "เC็T"),
    ("ເ", "ິ", ""): ("เCTอะ", "เCิT"), ("ເ", "ີ", ""): ("เCTอ", "เCิT"), ("ເ", "ີ", "ຍ"): ("เCTย", _SAME),
    ("ເ", "", "ຍ"): ("เCีTย", _SAME), ("ເ", "ັ", "ຍ"): ("เCีTย", _SAME), ("ເ", "ົາ", ""): ("เCTา", _SAME),
    ("ເ", "າ", ""): ("เCTา", _SAME), ("ເ", "າະ", ""): ("เCTาะ", _SAME), ("ເ", "ົາະ", ""): ("เCTาะ", _SAME),
    ("ເ", "ື", "ອ"): ("เCืTอ", _SAME), ("ເ", "ຶ", "ອ"): ("เCืTอ", _SAME),
    ("ແ", "", ""): ("แCT", _SAME), ("ແ", "ະ", ""): ("แCTะ", _SAME), ("ແ", "ັ", ""): ("แCTะ", "แC็T"),
    ("ໂ", "", ""): ("โCT", _SAME), ("ໂ", "ະ", ""): ("โCTะ", _SAME),
    ("ໄ", "", ""): ("ไCT", _SAME), ("ໃ", "", ""): ("ใCT", _SAME),
}
# Vowels after which the next consonant starts a new syllable, never closes this one.
_OPEN_ONLY = {("", "ຳ", ""), ("", "ໍາ", ""), ("", "ໍ", ""), ("", "ົ", "ວ"), ("", "ັ", "ວ"),
              ("ເ", "ົາ", ""), ("ເ", "າ", ""), ("ເ", "", "ຍ"), ("ເ", "ັ", "ຍ"), ("ເ", "ີ", "ຍ")}


@dataclass(frozen=True)
class _Syllable:
    pre: str     # ເ ແ ໂ ໃ ໄ or ""
    onset: str   # the initial consonant, with a leading ຫ, a subscript ຼ or a medial ວ
    vowel: str   # vowel signs, in writing order, without tone marks
    tone: str
    letter: str  # ອ ວ ຍ used as a vowel, or ""
    final: str   # the closing consonant, or ""

    def thai(self) -> str:
        open_form, closed_form = _VOWELS.get((self.pre, self.vowel, self.letter), (None, None))
        if open_form is None:  # not a Lao spelling: copy sign for sign
            open_form = closed_form = (_SIGNS.get(self.pre, "") + "C" + _marks(self.vowel) + "T"
                                       + _follows(self.vowel) + _thai_letters(self.letter))
        form = open_form if not self.final or closed_form is _SAME else closed_form
        if "็" in form and self.tone:
            form = form.replace("็", "")  # a tone mark takes the place of the short-vowel sign
        tone = "".join(_SIGNS[t] for t in self.tone)
        return form.replace("C", _thai_letters(self.onset)).replace("T", tone) + _thai_letters(self.final)


def _marks(vowel: str) -> str:
    return "".join(_SIGNS[v] for v in vowel if v not in "ະາຳຽ")


def _follows(vowel: str) -> str:
    return "".join(_SIGNS[v] for v in vowel if v in "ະາຳຽ")


def _thai_letters(lao: str) -> str:
    return "".join(_CONSONANTS.get(c) or _SIGNS.get(c, c) for c in lao)


def propose(name: str) -> str:
    """The Thai spelling of a Lao name by the rules above; text that is not Lao stays as it is.

    ສອນໄຊ ສີພັນດອນ -> สอนไซ สีพันดอน, ວຽງຄຳ -> เวียงคำ, ບົວສອນ -> บัวสอน, ຫຼວງນ້ຳທາ ->
    หลวงน้ำทา. Check the result before use (`candidate_checks.check_thai_name`).
    """
    parts = re.split("([\u0e80-\u0eff]+)", name)
    return "".join(_word(part) if n % 2 else part for n, part in enumerate(parts))


def _word(word: str) -> str:
    out, i = [], 0
    while i < len(word):
        if word[i] in _PRE or word[i] in _CONSONANTS:
            syllable, i = _syllable(word, i)
            out.append(syllable.thai())
        else:  # ໆ, ຯ, ໌, digits, or a sign out of place: copied
            out.append(_SIGNS.get(word[i], word[i]))
            i += 1
    return "".join(out)


def _syllable(w: str, i: int) -> tuple[_Syllable, int]:
    pre = w[i] if w[i] in _PRE else ""
    onset, i = _onset(w, i + len(pre), pre)
    vowel = tone = ""
    while i < len(w) and w[i] in _VOWEL_SIGNS + _TONES:
        if w[i] in _TONES:
            tone += w[i]
        else:
            vowel += w[i]
        i += 1
    letter = ""
    if _is_vowel_letter(w, i, pre, vowel):
        letter, i = w[i], i + 1
    final = ""
    if (_can_close(pre, vowel, letter) and i < len(w) and w[i] in _CONSONANTS
            and w[i] not in "ອຫໜໝ" and not _takes_vowel(w, i)):
        final, i = w[i], i + 1
    return _Syllable(pre, onset, vowel, tone, letter, final), i


def _onset(w: str, i: int, pre: str) -> tuple[str, int]:
    if i >= len(w) or w[i] not in _CONSONANTS:
        return "", i
    onset, i = w[i], i + 1
    if onset == "ຫ" and i < len(w) and w[i] in _SONORANTS and (pre or _takes_vowel(w, i)):
        onset, i = onset + w[i], i + 1  # ຫ before a sonorant only sets the tone: ຫວ, ຫງ ...
    if i < len(w) and w[i] == "ຼ":
        return onset + "ຼ", i + 1
    if i < len(w) and w[i] == "ວ" and onset[-1] not in "ວອ" and i + 1 < len(w) and w[i + 1] in _DEPENDENT:
        return onset + "ວ", i + 1  # ຂວາ, ກວ່າ
    return onset, i


def _takes_vowel(w: str, j: int) -> bool:
    """True if the consonant at j begins a syllable: a vowel sign or tone mark follows it, or ອ
    or ວ as its vowel."""
    nxt = w[j + 1:j + 2]
    if nxt and nxt in _DEPENDENT:
        return True
    after = w[j + 2:j + 3]
    return nxt in ("ອ", "ວ") and not (after and after in _DEPENDENT)


def _is_vowel_letter(w: str, i: int, pre: str, vowel: str) -> bool:
    if i >= len(w) or w[i] not in "ອວຍ" or _takes_vowel(w, i):
        return False
    if w[i] == "ອ":
        return (not pre and not vowel) or (pre == "ເ" and vowel in ("ື", "ຶ"))
    if w[i] == "ວ":
        return not pre and vowel in ("", "ົ", "ັ")
    return pre == "ເ" and vowel in ("", "ັ", "ີ")


def _can_close(pre: str, vowel: str, letter: str) -> bool:
    if pre in ("ໄ", "ໃ") or vowel.endswith("ະ") or (pre, vowel, letter) in _OPEN_ONLY:
        return False
    return bool(pre or vowel or letter)  # a bare consonant (an initial such as ທ.) takes no final
