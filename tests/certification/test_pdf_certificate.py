"""The certificate PDF: shaped Lao and Thai, a scannable vector QR code, one A4 page, same bytes.

The Lao and Thai rendering is tested by rasterising (pypdfium2) and by recording what reaches
`Canvas.drawString`; what the text layer says is tested in test_pdf_text_layer.py.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import io
import math
import pickle
import random
import shutil
import string
import subprocess
import sys
import unicodedata
from dataclasses import dataclass

import pypdfium2 as pdfium
import pytest
import yaml
import zxingcpp
from PIL import Image, ImageChops, ImageDraw
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import ShapedStr, shapeStr
from reportlab.pdfgen.canvas import Canvas

from skills_cert.certification import certificate_pdf as certificate
from skills_cert.certification import wording
from skills_cert.certification.certificate_pdf import (
    QR_SIZE_MM,
    CertificateView,
    missing_characters,
    render_certificate,
)
from skills_cert.config import ROOT
from skills_cert.pdf import text
from skills_cert.pdf.layout import MM
from skills_cert.pdf.qr import encode

STANDARD = ROOT / "standards" / "la" / "LA-CON-BRL-L1-v1.yaml"
AUTHORITY = {"lo": "ສະຖາບັນພັດທະນາສີມືແຮງງານ, ກະຊວງແຮງງານ ແລະ ສະຫວັດດີການສັງຄົມ",
             "th": "สถาบันพัฒนาฝีมือแรงงาน กระทรวงแรงงานและสวัสดิการสังคม สปป.ลาว",
             "en": "Skills Development Institute, Ministry of Labour and Social Welfare"}
RECOGNITION = {"lo": "ໄດ້ຮັບການຮັບຮອງຢູ່ປະເທດໄທ ຕາມບົດບັນທຶກຄວາມເຂົ້າໃຈ ວ່າດ້ວຍການຮ່ວມມືດ້ານແຮງງານ",
               "th": "ได้รับการยอมรับในประเทศไทยตามบันทึกความเข้าใจว่าด้วยความร่วมมือด้านแรงงาน",
               "en": "Recognised in Thailand under the memorandum of understanding on labour "
                     "cooperation"}
A4_POINTS = (595, 842)
PHOTO_SIZE = (300, 400)


@pytest.fixture(scope="module")
def standard() -> dict:
    with STANDARD.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@pytest.fixture(scope="module")
def photo() -> bytes:
    image = Image.new("RGB", PHOTO_SIZE, (205, 212, 224))
    draw = ImageDraw.Draw(image)
    draw.ellipse((95, 70, 205, 190), fill=(150, 118, 96))
    draw.rectangle((60, 230, 240, 400), fill=(40, 60, 110))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def make_view(standard, photo):
    """A realistic certificate for the Lao bricklaying standard; keyword arguments change it."""
    units = tuple((unit["code"], unit["title"]) for unit in standard["units"])
    alphabet = string.ascii_letters + string.digits + "-_"
    rng = random.Random(7)
    token = "".join(rng.choice(alphabet) for _ in range(370))
    base = CertificateView(
        kind="certificate", number="LA-2026-000123", issued_on=datetime.date(2026, 3, 14),
        expires_on=datetime.date(2031, 3, 13), authority_name=AUTHORITY,
        holder_name_lao="ສົມພອນ ແກ້ວມະນີ", holder_name_latin="Somphone Keomany",
        photo_jpeg=photo, standard_title=standard["title"],
        occupation=standard["occupation"]["title"], level=standard["level"],
        standard_code=standard["code"], standard_version=standard["version"], units=units,
        verify_url="https://verify.sdi.gov.la/v/" + token, verify_host="verify.sdi.gov.la")
    assert len(units) == 5 and 390 <= len(base.verify_url) <= 410

    def make(**changes) -> CertificateView:
        return dataclasses.replace(base, **changes)
    return make


@dataclass(frozen=True)
class Drawn:
    page: int
    x: float
    y: float
    text: str
    font: str
    size: float

    @property
    def width(self) -> float:
        if isinstance(self.text, ShapedStr):
            return sum(d.x_advance for d in self.text.__shapeData__) * self.size / 1000
        return pdfmetrics.stringWidth(self.text, self.font, self.size)


@pytest.fixture
def drawn(monkeypatch) -> list[Drawn]:
    """Every string that reaches Canvas.drawString, with where, in which font and how big."""
    calls: list[Drawn] = []
    original = Canvas.drawString

    def record(self, x, y, value, *args, **kwargs):
        calls.append(Drawn(self.getPageNumber(), x, y, value, self._fontname, self._fontsize))
        return original(self, x, y, value, *args, **kwargs)
    monkeypatch.setattr(Canvas, "drawString", record)
    return calls


def rasterise(pdf: bytes, dpi: float, page: int = 0) -> Image.Image:
    document = pdfium.PdfDocument(pdf)
    return document[page].render(scale=dpi / 72).to_pil().convert("L")


def page_count(pdf: bytes) -> int:
    return len(pdfium.PdfDocument(pdf))


def poppler(tool: str, pdf: bytes, tmp_path, *args: str) -> list[str]:
    """The output lines of a poppler tool (pdffonts, pdfimages) after its two header lines."""
    if not shutil.which(tool):
        pytest.skip(f"{tool} (Debian poppler-utils) is not installed")
    path = tmp_path / "document.pdf"
    path.write_bytes(pdf)
    done = subprocess.run([tool, *args, str(path)], capture_output=True, text=True, check=True)
    return done.stdout.splitlines()[2:]


def one_line_pdf(draw) -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(320, 60), invariant=1)
    text.register_fonts()
    draw(canvas)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def differing_pixels(a: Image.Image, b: Image.Image) -> int:
    difference = ImageChops.difference(a, b).point(lambda v: 255 if v > 40 else 0)
    return difference.histogram()[255]


# ---------------------------------------------------------------- the page, fonts and metadata

def test_a_certificate_is_one_a4_page_with_the_noto_fonts_embedded_as_subsets(make_view, tmp_path):
    pdf = render_certificate(make_view())
    document = pdfium.PdfDocument(pdf)
    assert len(document) == 1
    width, height = document[0].get_size()
    assert abs(width - A4_POINTS[0]) <= 1 and abs(height - A4_POINTS[1]) <= 1

    fonts = {}
    for line in poppler("pdffonts", pdf, tmp_path):
        parts = line.split()
        fonts[parts[0]] = (parts[-5], parts[-4])  # (embedded, subset)
    names = {name.partition("+")[2] for name in fonts}
    assert names == {"NotoSansLao-Regular", "NotoSansLao-Bold", "NotoSansThai-Regular",
                     "NotoSansThai-Bold"}, fonts
    assert all(flags == ("yes", "yes") for flags in fonts.values()), fonts


def test_metadata_names_the_certificate_the_authority_and_the_standard(make_view):
    document = pdfium.PdfDocument(render_certificate(make_view()))
    metadata = document.get_metadata_dict()
    assert metadata["Title"] == "LA-2026-000123"
    assert metadata["Author"] == AUTHORITY["en"]
    assert metadata["Subject"] == "LA-CON-BRL-L1 version 1"
    assert metadata["CreationDate"].startswith("D:20260314")


def test_the_photo_is_embedded_and_is_the_only_image(make_view, tmp_path):
    images = poppler("pdfimages", render_certificate(make_view()), tmp_path, "-list")
    assert len(images) == 1
    columns = images[0].split()
    assert (int(columns[3]), int(columns[4]), columns[8]) == (*PHOTO_SIZE, "jpeg")
    assert poppler("pdfimages", render_certificate(make_view(photo_jpeg=None)), tmp_path,
                   "-list") == []


# ---------------------------------------------------------------- the QR code

def test_the_qr_code_scans_to_the_verify_url_and_is_printed_at_least_35_mm_wide(make_view):
    view = make_view()
    dpi = 150
    results = [r for r in zxingcpp.read_barcodes(rasterise(render_certificate(view), dpi))
               if r.format == zxingcpp.BarcodeFormat.QRCode]
    assert [r.text for r in results] == [view.verify_url]
    assert results[0].ec_level in ("M", "Q", "H")
    corners = results[0].position
    width_px = math.dist((corners.top_left.x, corners.top_left.y),
                         (corners.top_right.x, corners.top_right.y))
    assert width_px / dpi * 25.4 >= 35  # the symbol itself, without its quiet zone
    assert QR_SIZE_MM >= 35
    assert 13 <= encode(view.verify_url).version <= 16


def test_the_qr_code_is_vector(make_view, tmp_path):
    """Without a photo the page holds no image at all, so the QR code is drawn, not pasted."""
    pdf = render_certificate(make_view(photo_jpeg=None))
    assert poppler("pdfimages", pdf, tmp_path, "-list") == []
    assert zxingcpp.read_barcodes(rasterise(pdf, 150))[0].text == make_view().verify_url


# ---------------------------------------------------------------- shaping

@pytest.mark.parametrize("sample, font", [("ເຈົ້າຂອງ ກໍ່ ຂໍ້", text.LAO_BOLD),
                                          ("ผู้ที่มีฝีมือ", text.THAI_BOLD)])
def test_shaped_text_differs_from_unshaped_and_matches_shapestr(sample, font):
    def module(canvas):
        text.draw_text(canvas, 10, 20, sample, 22, bold=True)

    def direct(canvas):
        canvas.setFont(font, 22)
        canvas.drawString(10, 20, shapeStr(sample, font, 22))

    def unshaped(canvas):
        canvas.setFont(font, 22)
        canvas.drawString(10, 20, sample)

    drawn_by_module = rasterise(one_line_pdf(module), 200)
    assert differing_pixels(drawn_by_module, rasterise(one_line_pdf(unshaped), 200)) > 30, \
        "shaping is off: the marks sit where unshaped text puts them"
    assert differing_pixels(drawn_by_module, rasterise(one_line_pdf(direct), 200)) == 0


def test_the_certificate_draws_the_holder_name_shaped_in_lao_bold(make_view, drawn):
    view = make_view(holder_name_lao="ເຈົ້າ ແກ້ວມະນີ")
    render_certificate(view)
    expected = shapeStr(view.holder_name_lao, text.LAO_BOLD, certificate.HOLDER_NAME_SIZE)
    names = [d for d in drawn if d.font == text.LAO_BOLD and str(d.text) == str(expected)]
    assert len(names) == 1
    assert isinstance(names[0].text, ShapedStr)
    assert names[0].text.__shapeData__ == expected.__shapeData__
    assert names[0].size == certificate.HOLDER_NAME_SIZE


def test_every_drawn_string_is_one_script_in_its_own_font(make_view, drawn):
    render_certificate(make_view(recognition=RECOGNITION))
    for call in drawn:
        scripts = {text._script(ch) for ch in str(call.text)} - {"neutral"}
        if call.font in (text.THAI, text.THAI_BOLD):
            assert scripts <= {"thai"}, call
        else:
            assert "thai" not in scripts, call
        assert not ({"lao", "other"} <= scripts), call  # Latin is never shaped as Lao


def test_text_is_cut_into_script_runs():
    assert text.script_runs("(ລະດັບ 1) ระดับ 1 Level 1") == [
        ("lao", "(ລະດັບ 1) "), ("thai", "ระดับ 1 "), ("lao", "Level 1")]


# ---------------------------------------------------------------- characters the fonts lack

def test_a_character_no_font_has_is_refused_by_name(make_view):
    view = make_view(holder_name_lao="ສົມ𝔸")
    assert missing_characters(view) == ["𝔸"]
    with pytest.raises(ValueError, match="U\\+1D538"):
        render_certificate(view)


def test_missing_characters_checks_unit_titles_too(make_view):
    code, title = make_view().units[0]
    broken = ((code, {**title, "en": "Plaster 1 m² (ក)"}),)  # ² is in a fallback font; Khmer in none
    assert missing_characters(make_view(units=broken)) == ["ក"]
    assert missing_characters(make_view()) == []


def test_the_fixed_wording_has_every_character_in_the_fonts():
    texts = [*wording.STATE_HEADER, *wording.COLUMN_HEADS]
    for group in (wording.TITLES, wording.ASSESSED, wording.DOCUMENT):
        for texts_by_lang in group.values():
            texts.extend(texts_by_lang.values())
    for mapping in (wording.CERTIFY, wording.UNITS_CAPTION, wording.CONTINUED, wording.VERIFY,
                    *wording.LABELS.values()):
        texts.extend(mapping.values())
    assert text.missing_characters(texts) == []


# ---------------------------------------------------------------- same bytes

def test_the_same_view_gives_the_same_bytes_and_another_number_others(make_view):
    first, second = render_certificate(make_view()), render_certificate(make_view())
    assert first == second
    assert render_certificate(make_view(number="LA-2026-000124")) != first


def test_the_bytes_do_not_depend_on_what_the_process_drew_before(make_view, tmp_path):
    """ReportLab numbers mark and ligature glyphs as it meets them; a fresh worker that first
    draws other marks must still produce the same PDF (and the same ETag)."""
    view = make_view()
    (tmp_path / "view.pickle").write_bytes(pickle.dumps(view))
    script = (
        "import pickle, sys\n"
        "from skills_cert.pdf import text\n"
        "from skills_cert.certification.certificate_pdf import render_certificate\n"
        "text.register_fonts()\n"
        "text.layout('ฐู ญู ปั้น ฟื้น ทิ้ง ป่ำ ເຈົ້າ ຂໍ້ ຫຼີ້ນ ຊໍ້າ', True)\n"
        "view = pickle.loads(open(sys.argv[1], 'rb').read())\n"
        "sys.stdout.buffer.write(render_certificate(view))\n")
    done = subprocess.run([sys.executable, "-c", script, str(tmp_path / "view.pickle")],
                          capture_output=True, check=True, cwd=ROOT)
    assert hashlib.sha256(done.stdout).hexdigest() == \
        hashlib.sha256(render_certificate(view)).hexdigest()


# ---------------------------------------------------------------- layout

def test_a_statement_of_attainment_has_its_own_title(make_view, drawn):
    render_certificate(make_view(kind="attainment", units=make_view().units[:2]))
    strings = {str(d.text) for d in drawn}

    def drawn_as_is(value: str, bold: bool = True) -> bool:
        return all(str(run[1]) in strings for run in text.layout(text.clean(value), bold).runs)
    attainment, full = wording.TITLES["attainment"], wording.TITLES["certificate"]
    assert drawn_as_is(attainment["lo"]) and drawn_as_is(attainment["th"])
    assert drawn_as_is(attainment["en"].upper())
    assert not drawn_as_is(full["lo"]) and not drawn_as_is(full["en"].upper())


def test_the_english_title_can_be_read_back(make_view):
    """The English title reads back from the text layer."""
    document = pdfium.PdfDocument(render_certificate(make_view(kind="attainment")))
    assert "STATEMENT OF ATTAINMENT" in document[0].get_textpage().get_text_range()


@pytest.mark.parametrize("recognition", [None, RECOGNITION])
def test_eight_units_fit_on_the_first_page(make_view, recognition, drawn):
    units = tuple((f"LA-CON-BRL-{i + 1:02d}", make_view().units[i % 5][1]) for i in range(8))
    pdf = render_certificate(make_view(units=units, recognition=recognition))
    assert page_count(pdf) == 1
    codes = {str(d.text) for d in drawn if d.font == text.LAO_BOLD}
    assert {str(text.layout(code, True).runs[0][1]) for code, _ in units} <= codes


def test_twelve_long_units_stay_on_the_paper(make_view, drawn):
    long_units = tuple(
        (f"LA-CON-BRL-{i + 1:02d}", {lang: f"{title} {title}" for lang, title in
                                     make_view().units[i % 5][1].items()})
        for i in range(12))
    pdf = render_certificate(make_view(units=long_units, recognition=RECOGNITION))
    assert page_count(pdf) <= 2
    left, right = 18 * MM - 0.5, A4_POINTS[0] - 18 * MM + 0.5
    for call in drawn:
        assert left <= call.x and call.x + call.width <= right, call
        assert 12 * MM < call.y < A4_POINTS[1] - 12 * MM, call
    codes = {str(d.text) for d in drawn}
    assert all(str(text.layout(code, True).runs[0][1]) in codes for code, _ in long_units)


def test_long_names_shrink_and_nothing_runs_into_the_photo(make_view, drawn, monkeypatch):
    images = []
    draw_image = Canvas.drawImage

    def record(self, image, x, y, width, height, *args, **kwargs):
        images.append((x, y, width, height))
        return draw_image(self, image, x, y, width, height, *args, **kwargs)
    monkeypatch.setattr(Canvas, "drawImage", record)
    name = "ສົມພອນ ແກ້ວມະນີວົງສາ ພົມມະຈັນ ສີສຸວັນນະພູມ ໄຊຍະວົງ ບຸນທະວີ ສຸລິຍະວົງ"
    latin = "Somphone Keomanivongsa Phommachan Sisouvannaphoum Xayavong Bounthavy"
    render_certificate(make_view(holder_name_lao=name, holder_name_latin=latin))
    [(photo_x, photo_y, _, photo_height)] = images
    beside_photo = [d for d in drawn if photo_y - 3 <= d.y <= photo_y + photo_height]
    assert len(beside_photo) >= 6  # certify, the name (2 lines), romanised (2), assessed
    for call in beside_photo:
        assert call.x + call.width < photo_x - 2 * MM, call
    name_lines = [d for d in beside_photo if d.font == text.LAO_BOLD and d.size > 15]
    assert len(name_lines) == 2
    assert all(13 <= d.size < certificate.HOLDER_NAME_SIZE for d in name_lines)


# ---------------------------------------------------------------- line wrapping

THAI_TITLE = "ปฏิบัติงานอย่างปลอดภัยและถูกสุขอนามัยในสถานที่ทำงาน"


def _well_cut(lines: list[text.Line]) -> bool:
    leading_vowels = "เแโใไເແໂໃໄ"
    return all(unicodedata.category(line.text[0])[0] != "M" and line.text[0] not in "ะาำๅะາຳ"
               and line.text[-1] not in leading_vowels for line in lines)


def test_a_long_thai_title_wraps_at_a_syllable_without_shrinking():
    size, lines = text.fit(THAI_TITLE, 50 * MM, 8, 7, max_lines=2)
    assert size == 8 and len(lines) == 2
    assert "".join(line.text for line in lines) == THAI_TITLE
    assert all(line.width(size) <= 50 * MM for line in lines)
    assert _well_cut(lines)


def test_a_thai_word_too_wide_even_at_the_floor_is_cut_between_clusters():
    word = "ผู้ที่ทิ้งฝีมือไว้"
    size, lines = text.fit(word, 7 * MM, 8, 6, max_lines=1)
    assert size == 6 and len(lines) > 1
    assert "".join(line.text for line in lines) == word
    assert all(line.width(size) <= 7 * MM for line in lines)
    assert _well_cut(lines)


def test_lao_wraps_at_spaces_words_and_zero_width_spaces():
    title = "ປະຕິບັດວຽກຢ່າງປອດໄພ ແລະ ຖືກສຸຂະອະນາໄມ ໃນບ່ອນເຮັດວຽກ"
    _, lines = text.fit(title, 40 * MM, 8, 8, max_lines=3)
    assert len(lines) > 1
    assert "".join(line.text for line in lines).replace(" ", "") == title.replace(" ", "")
    _, lines = text.fit("ຂໍ\u200bຢັ້ງຢືນ\u200bວ່າ", text.text_width("ຂໍຢັ້ງຢືນ", 10) + 1, 10)
    assert [line.text for line in lines] == ["ຂໍຢັ້ງຢືນ", "ວ່າ"]


# ---------------------------------------------------------------- pictures to look at

@pytest.mark.parametrize("kind", ["certificate", "attainment"])
def test_save_renderings_to_look_at(make_view, artifacts, kind):
    if kind == "attainment":
        view = make_view(kind=kind, units=make_view().units[1:4], photo_jpeg=None,
                         recognition=RECOGNITION)
    else:
        view = make_view()
    pdf = render_certificate(view)
    name = "certificate" if kind == "certificate" else "statement-of-attainment"
    (artifacts / f"pdf-{name}-la-bricklaying.pdf").write_bytes(pdf)
    document = pdfium.PdfDocument(pdf)
    document[0].render(scale=100 / 72).to_pil().save(artifacts / f"pdf-{name}-la-bricklaying.png")
    assert page_count(pdf) == 1
