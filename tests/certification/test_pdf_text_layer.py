"""The certificate's text layer says what the page shows, and Lao and Thai lines break at words.

Shaped Lao and Thai glyphs have no characters of their own; every run is drawn with its
`/ActualText`. Two extractors read the PDF back: poppler's `pdftotext` and PDFium (pypdfium2).
"""

from __future__ import annotations

import datetime
import re
import shutil
import subprocess
import unicodedata

import pypdfium2 as pdfium
import pytest
import yaml
from icu4py.breakers import LineBreaker
from reportlab.pdfgen.canvas import Canvas

from skills_cert.certification.certificate_pdf import CertificateView, render_certificate
from skills_cert.config import ROOT
from skills_cert.pdf import text
from skills_cert.pdf.layout import MM

IN_CI = __import__("os").environ.get("CI") == "true"
STANDARDS = {"lo": ROOT / "standards" / "la" / "LA-CON-BRL-L1-v1.yaml",
             "th": ROOT / "standards" / "la" / "LA-CON-BRL-L1-v1.yaml"}
NAME_LAO = "ນາງ ຫຼວງພະບາງ ກ້ຳ ນ້ຳໆ"
NAME_LATIN = "Nang Louangphabang Kam Nam"
# Thai with ฤ, ฦ, ๆ, น้ำ and tone marks over sara am, in a unit title and the recognition line.
THAI_UNIT = "ฤดูฝนก่อผนังกันน้ำ ฦๅ ช่างก่ำ ๆ ทำงานต่ำกว่าระดับน้ำ"
RECOGNITION = {"lo": "ໄດ້ຮັບການຮັບຮອງຢູ່ປະເທດໄທ ເປັນຊ່າງກໍ່ອິດ ລະດັບ 1",
               "th": "ได้รับการยอมรับในประเทศไทยเป็นช่างก่ออิฐ ระดับ 1 น้ำ ก่ำ",
               "en": "Recognised in Thailand as Bricklayer, level 1"}
AUTHORITY = {"lo": "ສະຖາບັນພັດທະນາສີມືແຮງງານ", "th": "สถาบันพัฒนาฝีมือแรงงาน",
             "en": "Skills Development Institute"}


def _standard(language: str) -> dict:
    with STANDARDS[language].open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@pytest.fixture(scope="module")
def view() -> CertificateView:
    standard = _standard("lo")
    units = [(unit["code"], unit["title"]) for unit in standard["units"]]
    code, title = units[1]
    units[1] = (code, {**title, "th": THAI_UNIT})
    return CertificateView(
        kind="certificate", number="LA-2026-000777", issued_on=datetime.date(2026, 3, 14),
        expires_on=datetime.date(2031, 3, 13), authority_name=AUTHORITY,
        holder_name_lao=NAME_LAO, holder_name_latin=NAME_LATIN, photo_jpeg=None,
        standard_title=standard["title"], occupation=standard["occupation"]["title"],
        level=standard["level"], standard_code=standard["code"],
        standard_version=standard["version"], units=tuple(units),
        verify_url="https://verify.sdi.gov.la/v/" + "A" * 300, verify_host="verify.sdi.gov.la",
        recognition=RECOGNITION)


@pytest.fixture(scope="module")
def pdf(view) -> bytes:
    return render_certificate(view)


def _pdftotext(pdf: bytes, tmp_path) -> str:
    """pdftotext in content-stream order (`-raw`): columns side by side do not interleave."""
    if not shutil.which("pdftotext"):
        if IN_CI:
            pytest.fail("pdftotext (Debian poppler-utils) is required under CI=true")
        pytest.skip("pdftotext (Debian poppler-utils) is not installed")
    path = tmp_path / "certificate.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"], capture_output=True,
                          text=True, encoding="utf-8", check=True).stdout


def _pdfium(pdf: bytes) -> str:
    document = pdfium.PdfDocument(pdf)
    return "\n".join(page.get_textpage().get_text_range() for page in document)


def _squeezed(value: str) -> str:
    """Without white space: a title wrapped over two lines still reads as one string."""
    return re.sub(r"\s+", "", value)


def _printed_strings(view: CertificateView) -> list[str]:
    strings = [view.holder_name_lao, view.holder_name_latin, *view.authority_name.values(),
               *view.standard_title.values(), *view.recognition.values()]
    for _code, title in view.units:
        strings += title.values()
    return strings


@pytest.mark.parametrize("extractor", ["pdftotext", "pdfium"])
def test_every_printed_string_extracts_exactly(pdf, view, extractor, tmp_path):
    extracted = _pdftotext(pdf, tmp_path) if extractor == "pdftotext" else _pdfium(pdf)
    private = [ch for ch in extracted if unicodedata.category(ch) == "Co"]
    assert private == []
    flat = _squeezed(extracted)
    for value in _printed_strings(view):
        assert _squeezed(text.clean(value)) in flat, value


@pytest.mark.parametrize("extractor", ["pdftotext", "pdfium"])
def test_the_holders_lao_name_copies_out_as_one_line(pdf, extractor, tmp_path):
    extracted = _pdftotext(pdf, tmp_path) if extractor == "pdftotext" else _pdfium(pdf)
    lines = [line.strip() for line in extracted.splitlines()]
    assert NAME_LAO in lines


def test_without_actual_text_the_same_page_extracts_wrongly(tmp_path):
    """What the marked content repairs: the shaped glyphs alone give private-use codes."""
    path = tmp_path / "bare.pdf"
    canvas = Canvas(str(path))
    for font, shaped, _advance, _run in text.layout(text.clean(NAME_LAO)).runs:
        canvas.setFont(font, 14)
        canvas.drawString(72, 700, shaped)
    canvas.save()
    assert _pdfium(path.read_bytes()).strip() != NAME_LAO


def _icu_breaks(value: str) -> set[int]:
    return {end for _start, end in LineBreaker(value, "und").segments()}


def _line_ends(value: str, lines: list[str]) -> list[int]:
    """Where in *value* each line but the last ends, skipping the spaces a break swallows."""
    ends, position = [], 0
    for line in lines:
        while value[position] == " ":
            position += 1
        assert value.startswith(line, position), (line, value[position:])
        position += len(line)
        ends.append(position)
    assert position == len(value)
    return ends[:-1]


def _long_titles(language: str) -> list[str]:
    titles = [unit["title"][language] for unit in _standard(language)["units"]]
    return sorted(titles, key=len)[-3:]


@pytest.mark.parametrize("language", ["lo", "th"])
def test_lines_break_where_icu_says_words_end(language):
    for title in _long_titles(language):
        value = text.clean(title)
        size, lines = text.fit(value, 16 * MM, 8, 8, max_lines=12)
        assert len(lines) > 2, title
        ends = _line_ends(value, [line.text for line in lines])
        breaks = _icu_breaks(value)
        # A break after a space ends the line before the space.
        assert all(end in breaks or value[end] == " " and end + 1 in breaks for end in ends), title


@pytest.mark.parametrize("language", ["lo", "th"])
def test_the_pdfs_lines_are_icus(language, tmp_path):
    """Drawn and read back: each line of the PDF ends at one of ICU's break positions."""
    title = text.clean(_long_titles(language)[-1])
    _size, lines = text.fit(title, 16 * MM, 8, 8, max_lines=12)
    path = tmp_path / "lines.pdf"
    canvas = Canvas(str(path))
    for index, line in enumerate(lines):
        text.draw_line(canvas, line, 72, 760 - 14 * index, 8)
    canvas.save()
    extracted = [line for line in _pdftotext(path.read_bytes(), tmp_path).splitlines() if line.strip()]
    assert extracted == [line.text for line in lines]
    ends = _line_ends(title, extracted)
    breaks = _icu_breaks(title)
    assert all(end in breaks or title[end] == " " and end + 1 in breaks for end in ends)


def test_codes_are_not_cut_at_their_hyphens():
    value = "ช่างก่ออิฐ ระดับ 1 (TH-CON-BRL-L1) และ LA-CON-BRL-01"
    width = text.text_width("(TH-CON-BRL-L1) และ", 8) + 1
    _size, lines = text.fit(value, width, 8, 8, max_lines=6)
    assert len(lines) > 1
    assert any("(TH-CON-BRL-L1)" in line.text for line in lines)
    assert any("LA-CON-BRL-01" in line.text for line in lines)
