"""Candidate data checks: names printable on certificates, romanisation, dates, IDs, photos."""

from __future__ import annotations

import datetime
import io
import random
import re
import struct
import unicodedata
import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import ExifTags, Image, ImageCms, features

from skills_cert.assessment import candidate_checks as cc
from skills_cert.assessment.candidate_checks import (
    CheckFailed,
    check_date_of_birth,
    check_id_number,
    check_lao_name,
    check_latin_name,
    check_nationality,
    check_phone,
    missing_glyphs,
    normalise_text,
    parse_date,
    suggest_romanisation,
)
from skills_cert.assessment.photos import process_photo

TODAY = datetime.date(2026, 11, 15)


def refused(check, *args, **kwargs) -> str:
    with pytest.raises(CheckFailed) as info:
        check(*args, **kwargs)
    return str(info.value)


# --- normalise_text and fonts ---------------------------------------------------------------


def test_normalise_text_nfc_and_whitespace():
    assert normalise_text("  ສົມພອນ \t\n  ແກ້ວ\u00a0 ") == "ສົມພອນ ແກ້ວ"
    assert normalise_text("Jose\u0301") == "Jos\u00e9"  # combining accent composed (NFC)
    assert normalise_text("a\x1fb") == "a\x1fb"  # a control character is not whitespace


def test_every_assigned_lao_character_is_drawable():
    lao = [chr(c) for c in range(0x0E80, 0x0F00) if unicodedata.category(chr(c)) != "Cn"]
    assert len(lao) > 60
    assert missing_glyphs("".join(lao)) == []
    assert missing_glyphs("".join(lao), bold=True) == []


def test_missing_glyphs_finds_undrawable_characters():
    assert missing_glyphs("ສົມພອນ สมพร Level 1 Äé-'.") == []
    assert missing_glyphs("ab ᐁ 𝔸 ᐁ", bold=True) == ["ᐁ", "𝔸"]
    assert missing_glyphs("Vĩnh") == ["ĩ"]  # Latin Extended-A, but not in the fonts


def test_missing_glyphs_caches_the_character_maps():
    missing_glyphs("a")
    before = cc._drawable_codepoints.cache_info()
    missing_glyphs("ສົມພອນ")
    missing_glyphs("b", bold=True)
    after = cc._drawable_codepoints.cache_info()
    assert after.hits == before.hits + 2 and after.misses <= 2


# --- Lao names ------------------------------------------------------------------------------

LAO_NAMES = ["ສົມພອນ", "ແກ້ວມະນີ", "ບຸນມີ ວຽງຄຳ", "ພົມມະຈັນ", "ໄຊຍະວົງ", "ຈັນທະວົງ",
             "ນາງ ສີສຸລິດ", "ທ. ສົມພອນ", "ພອນສະຫວັນ-ແສງທອງ", "ຄຳໝັ້ນ", "ຫຼວງນ້ຳທາ", "ເພັດສະໝອນ"]


@pytest.mark.parametrize("name", LAO_NAMES)
def test_real_lao_names_are_accepted(name):
    assert check_lao_name(name) == name


def test_lao_name_is_normalised():
    assert check_lao_name("  ທ້າວ\t ບຸນມີ  ") == "ທ້າວ ບຸນມີ"


def test_thai_script_name_gets_the_thai_message():
    assert refused(check_lao_name, "สมพร ใจดี") == (
        "Write the name in Lao script; this looks like Thai script.")


def test_lao_name_with_a_thai_tone_mark_names_it():
    message = refused(check_lao_name, "ແກ\u0e49ວ")  # Thai MAI THO typed in a Lao name
    assert "mixes Lao and Thai" in message and "U+0E49" in message


@pytest.mark.parametrize("value", ["Somphone", "ສົມພອນ Somphon", "ສົມພອນ/ແກ້ວ"])
def test_latin_or_mixed_lao_name_is_refused(value):
    assert "Lao script only" in refused(check_lao_name, value)


@pytest.mark.parametrize("value", ["ສົມພອນ 2", "ສົມພອນ໒"])
def test_digits_are_refused_including_lao_digits(value):
    assert refused(check_lao_name, value) == "A name cannot contain digits."


@pytest.mark.parametrize("char", ["\u0000", "\u202e", "\u200d", "\u200c", "\u200b", "\ufeff",
                                  "\u00ad", "\x1f"])
def test_invisible_and_format_characters_are_refused(char):
    message = refused(check_lao_name, f"ສົມ{char}ພອນ")
    assert f"U+{ord(char):04X}" in message and char not in message
    assert "invisible" in message


def test_lengths():
    assert refused(check_lao_name, "") == "Enter the name."
    assert "between 2 and 120" in refused(check_lao_name, "ກ")
    assert check_lao_name("ກາ") == "ກາ"
    assert len(check_lao_name("ກ" * 120)) == 120
    assert "between 2 and 120" in refused(check_lao_name, "ກ" * 121)


def test_name_needs_lao_letters_and_well_formed_words():
    assert refused(check_lao_name, "ໆ.-") == "The name must contain Lao letters."
    assert "cannot begin a word" in refused(check_lao_name, "ສົມ ົພອນ")


def test_undrawable_lao_character_is_refused(monkeypatch):
    # The shipped fonts draw every Lao character (see above), so simulate a font without ສ.
    real = cc._drawable_codepoints
    monkeypatch.setattr(cc, "_drawable_codepoints", lambda bold: real(bold) - {ord("ສ")})
    assert refused(check_lao_name, "ສົມພອນ") == (
        "These characters cannot be printed on the certificate: ສ (U+0EAA).")


# --- romanised names ------------------------------------------------------------------------


@pytest.mark.parametrize("value, expected", [
    ("Somphone KEOMANY", "Somphone KEOMANY"),
    ("  Bounmy   Vongsa ", "Bounmy Vongsa"),
    ("Xaiyavong-Sisoulith", "Xaiyavong-Sisoulith"),
    ("N. D\u2019Souza", "N. D'Souza"),
    ("Nguyen Thi Lan", "Nguyen Thi Lan"),
    ("José Łukasz Øster", "José Łukasz Øster"),
])
def test_latin_names_accepted(value, expected):
    assert check_latin_name(value) == expected


def test_latin_name_refusals():
    assert "Latin letters (A-Z)" in refused(check_latin_name, "ສົມພອນ")
    assert "Latin letters (A-Z)" in refused(check_latin_name, "สมพร")
    assert "Not allowed: @ (U+0040)" in refused(check_latin_name, "Som@phon")
    assert "ᐁ (U+1401)" in refused(check_latin_name, "Soᐁ")
    assert "𝔸 (U+1D538)" in refused(check_latin_name, "𝔸nna")
    assert refused(check_latin_name, "Bounmy 2") == "A name cannot contain digits."
    assert "U+202E" in refused(check_latin_name, "Bou\u202enmy")
    assert refused(check_latin_name, "-.'") == "The romanised name must contain letters."
    assert "between 2 and 120" in refused(check_latin_name, "B")


def test_latin_letter_missing_from_the_fonts_is_refused():
    # ĩ (Vietnamese) is in Latin Extended-A, which the rules allow, but neither font draws it.
    assert refused(check_latin_name, "Vĩnh") == (
        "These characters cannot be printed on the certificate: ĩ (U+0129).")


# --- romanisation suggestions ---------------------------------------------------------------

ROMANISATIONS = {
    "ສົມພອນ": "Somphon", "ແກ້ວມະນີ": "Kaeomani", "ບຸນມີ": "Bunmi", "ວຽງຄຳ": "Viangkham",
    "ພົມມະຈັນ": "Phommachan", "ໄຊຍະວົງ": "Xaiyavong", "ຈັນທະວົງ": "Chanthavong", "ນາງ": "Nang",
    "ທ້າວ": "Thao", "ພອນສະຫວັນ": "Phonsavan", "ຫຼວງພະບາງ": "Luangphabang",
    "ຫລວງພະບາງ": "Luangphabang", "ເມືອງ": "Mueang", "ເຈົ້າ": "Chao", "ອຸດົມ": "Udom",
    "ສີພອນ": "Siphon", "ບົວສອນ": "Buason", "ແສງທອງ": "Saengthong", "ເພັດສະໝອນ": "Phetsamon",
    "ສຸລິຍາ": "Suliya", "ຄຳໝັ້ນ": "Khamman", "ນ້ໍາ": "Nam", "ຊາຍ": "Xay", "ຍອດ": "Nhot",
    "ຂວັນ": "Khuan", "ແຂວງ": "Khuaeng", "ເງິນ": "Ngoen", "ຊຽງຂວາງ": "Xiangkhuang",
    "ສະຫວັນນະເຂດ": "Savannakhet", "ຈຳປາສັກ": "Champasak", "ອັດຕະປື": "Attapue",
    "ທ. ສົມພອນ": "Th. Somphon", "ນາງ ແກ້ວມະນີ ໄຊຍະວົງ": "Nang Kaeomani Xaiyavong",
    "ພອນສະຫວັນ-ແສງທອງ": "Phonsavan-Saengthong",
}


@pytest.mark.parametrize("lao, latin", ROMANISATIONS.items())
def test_suggested_romanisation(lao, latin):
    assert suggest_romanisation(lao) == latin
    assert check_latin_name(latin) == latin


def test_romanisation_has_no_usable_suggestion_for_too_short_results():
    assert suggest_romanisation("ອ") == ""  # "O" is one letter
    assert suggest_romanisation("") == ""


lao_text = st.text(alphabet=st.sampled_from(
    [chr(c) for c in range(0x0E80, 0x0F00) if unicodedata.category(chr(c)) != "Cn"] + list(" .-")),
    max_size=60)


@settings(max_examples=400, deadline=None, database=None)
@given(lao_text)
def test_any_suggestion_passes_check_latin_name(text):
    suggestion = suggest_romanisation(text)
    assert re.fullmatch("[A-Za-z .-]*", suggestion)
    assert suggestion == "" or check_latin_name(suggestion) == suggestion


# --- dates ----------------------------------------------------------------------------------


def test_parse_date_is_strict():
    assert parse_date(" 1990-07-25 ") == datetime.date(1990, 7, 25)
    assert "2026-02-30 is not a real date" in refused(parse_date, "2026-02-30")
    for bad in ["25/07/1990", "1990-7-25", "19900725", "2026-W01-1", "1990-07-25T00:00", ""]:
        assert refused(parse_date, bad).startswith("Enter the date as YYYY-MM-DD")


def test_date_of_birth_age_limits():
    assert check_date_of_birth(datetime.date(2012, 11, 15), today=TODAY)  # 14 today
    assert check_date_of_birth(datetime.date(1936, 11, 16), today=TODAY)  # 89, 90 tomorrow
    assert check_date_of_birth(datetime.date(1936, 11, 15), today=TODAY)  # 90 today
    assert refused(check_date_of_birth, datetime.date(2012, 11, 16), today=TODAY) == (
        "The date of birth makes the candidate 13 years old; candidates must be between 14 "
        "and 90.")
    assert "91 years old" in refused(check_date_of_birth, datetime.date(1935, 11, 15), today=TODAY)
    assert "in the future" in refused(check_date_of_birth, datetime.date(2026, 11, 16),
                                      today=TODAY)


def test_born_on_29_february_turns_14_on_1_march():
    born = datetime.date(2012, 2, 29)
    assert "13 years old" in refused(check_date_of_birth, born, today=datetime.date(2026, 2, 28))
    assert check_date_of_birth(born, today=datetime.date(2026, 3, 1)) == born


# --- documents, phone, nationality ------------------------------------------------------------


def test_passport_numbers():
    assert check_id_number("passport", "p 123-4567") == "P1234567"
    assert check_id_number("passport", "AA12345678") == "AA12345678"
    for bad in ["1234567", "P12345", "ABC1234567", "P123456789", "P12345X7"]:
        assert refused(check_id_number, "passport", bad) == (
            "A passport number is 1-2 letters followed by 6-8 digits, e.g. P1234567.")


def test_national_id_numbers():
    assert check_id_number("national_id", " 0123-4567 89 ") == "0123456789"
    assert check_id_number("national_id", "໑໒໓໔໕໖") == "123456"  # Lao digits
    for bad in ["12345", "1" * 21, "A123456", "123456\n7x"]:
        assert "6 to 20 digits" in refused(check_id_number, "national_id", bad)


def test_id_type_and_empty_number():
    assert "type of identity document" in refused(check_id_number, "driving_licence", "123456")
    assert refused(check_id_number, "passport", " - ") == "Enter the document number."


def test_phone_numbers():
    assert check_phone("") is None and check_phone(None) is None and check_phone("  ") is None
    assert check_phone("+856 20 5555-1234") == "+8562055551234"
    assert check_phone("020 5555 1234") == "02055551234"
    assert "only digits" in refused(check_phone, "020 5555 1234 ext 5")
    assert "only digits" in refused(check_phone, "856+20555512")
    assert "this one has 7" in refused(check_phone, "555-1234")
    assert "this one has 16" in refused(check_phone, "+1234567890123456")


def test_nationality():
    assert check_nationality(" la ") == "LA"
    assert check_nationality("VN") == "VN"
    assert refused(check_nationality, "US") == "Choose a nationality from the list."


# --- photos ---------------------------------------------------------------------------------


def _encode(image, fmt, **params) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **params)
    return out.getvalue()


def _half_red_half_blue(size=(200, 100)) -> Image.Image:
    image = Image.new("RGB", size, (0, 0, 255))
    image.paste((255, 0, 0), (0, 0, size[0] // 2, size[1]))  # left half red
    return image


def _jpeg_with_gps_and_orientation(orientation=6) -> bytes:
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Make] = "SecretCamMaker"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps.update({1: "N", 2: (17.0, 58.0, 12.0), 3: "E", 4: (102.0, 36.0, 0.0)})
    data = _encode(_half_red_half_blue(), "JPEG", exif=exif.tobytes(), comment=b"SecretNote")
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(ExifTags.IFD.GPSInfo)  # really there
    return data


def _jpeg_markers(data: bytes) -> list[int]:
    assert data[:2] == b"\xff\xd8"
    markers, i = [], 2
    while data[i + 1] != 0xDA:  # up to the start of scan
        assert data[i] == 0xFF
        markers.append(data[i + 1])
        i += 2 + struct.unpack(">H", data[i + 2:i + 4])[0]
    return markers


def _assert_clean_jpeg(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    assert image.format == "JPEG" and image.mode == "RGB"
    image.load()
    assert image.width <= 600 and image.height <= 800
    assert len(image.getexif()) == 0 and "icc_profile" not in image.info
    assert b"Exif" not in data and b"SecretCamMaker" not in data and b"SecretNote" not in data
    assert not [m for m in _jpeg_markers(data) if 0xE1 <= m <= 0xEF or m == 0xFE]  # APPn, COM
    return image


def test_jpeg_loses_exif_and_gps_and_is_turned_upright():
    image = _assert_clean_jpeg(process_photo(_jpeg_with_gps_and_orientation(6)))
    assert image.size == (100, 200)  # orientation 6: rotate 90° clockwise, so portrait
    red, blue = image.getpixel((50, 40)), image.getpixel((50, 160))
    assert red[0] > 200 and red[2] < 60  # the left (red) half is now on top
    assert blue[2] > 200 and blue[0] < 60


def test_png_with_alpha_is_laid_on_white():
    image = Image.new("RGBA", (300, 300), (0, 0, 0, 0))
    image.paste((0, 128, 0, 255), (100, 100, 200, 200))
    result = _assert_clean_jpeg(process_photo(_encode(image, "PNG")))
    assert result.size == (300, 300)
    assert min(result.getpixel((10, 10))) > 245  # transparent corner became white
    assert result.getpixel((150, 150))[1] > 100


def test_large_photos_are_shrunk_to_fit_600_by_800():
    assert _assert_clean_jpeg(process_photo(_encode(Image.new("RGB", (3000, 1000)), "PNG"))
                              ).size == (600, 200)
    assert _assert_clean_jpeg(process_photo(_encode(Image.new("RGB", (1200, 4000)), "JPEG"))
                              ).size == (240, 800)


def test_colour_profile_is_applied_and_dropped():
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    data = _encode(Image.new("RGB", (200, 200), (10, 120, 200)), "JPEG", icc_profile=icc)
    assert b"ICC_PROFILE" in data
    _assert_clean_jpeg(process_photo(data))


def test_multi_picture_jpeg_is_accepted():
    first, second = Image.new("RGB", (400, 300), "red"), Image.new("RGB", (400, 300), "blue")
    data = _encode(first, "MPO", save_all=True, append_images=[second])
    assert Image.open(io.BytesIO(data)).format == "MPO"
    assert _assert_clean_jpeg(process_photo(data)).getpixel((200, 150))[0] > 200


@pytest.mark.skipif(not features.check("webp"), reason="Pillow without WebP")
def test_webp_is_accepted():
    _assert_clean_jpeg(process_photo(_encode(Image.new("RGB", (640, 480), "grey"), "WEBP")))


def test_tiny_photo_is_refused():
    message = refused(process_photo, _encode(Image.new("RGB", (50, 50)), "JPEG"))
    assert message.startswith("The photo is too small (50 x 50 pixels)")


def _png_header(width: int, height: int) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + body))
        return struct.pack(">I", len(body)) + kind + body + crc

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b""))
            + chunk(b"IEND", b""))


def test_huge_dimensions_are_refused_before_decoding():
    assert "too large (9000 x 9000 pixels)" in refused(process_photo, _png_header(9000, 9000))
    assert "too large (8001 x 100 pixels)" in refused(process_photo, _png_header(8001, 100))
    assert "too many pixels" in refused(process_photo, _png_header(100_000, 100_000))


@pytest.mark.filterwarnings("error::PIL.Image.DecompressionBombWarning")
def test_decompression_bomb_warning_turned_error_is_refused_too():
    assert "too many pixels" in refused(process_photo, _png_header(10_000, 10_000))


@pytest.mark.parametrize("mode, colour, expected", [
    ("L", 128, (128, 128, 128)),
    ("I;16", 30000, (117, 117, 117)),  # 16-bit grey is scaled, not clipped to white
    ("CMYK", (0, 255, 255, 0), (255, 0, 0)),
    ("P", 0, (255, 255, 255)),  # palette colour 0 is transparent: white
])
def test_other_colour_modes_become_rgb(mode, colour, expected):
    fmt = "JPEG" if mode == "CMYK" else "PNG"
    params = {"transparency": 0} if mode == "P" else {}
    image = _assert_clean_jpeg(process_photo(_encode(Image.new(mode, (200, 200), colour), fmt,
                                                     **params)))
    assert all(abs(a - b) <= 3 for a, b in zip(image.getpixel((100, 100)), expected, strict=True))


@pytest.mark.parametrize("data, kind", [
    (_encode(Image.new("RGB", (200, 200)), "GIF"), "GIF"),
    (b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>", "HTML"),
    (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>', "SVG"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj", "PDF"),
])
def test_other_formats_are_refused_by_name(data, kind):
    assert refused(process_photo, data) == (
        f"This file is in {kind} format, not a photo. Choose a JPEG, PNG or WebP photo.")


@pytest.mark.parametrize("data", [
    random.Random(1234).randbytes(4096),
    _jpeg_with_gps_and_orientation()[:600],  # truncated
    _encode(_half_red_half_blue((300, 300)), "BMP"),
])
def test_unusable_files_are_refused(data):
    assert refused(process_photo, data) == (
        "This file is not a usable photo. Choose a JPEG, PNG or WebP photo.")


def test_file_size_limit():
    assert refused(process_photo, b"\xff" * (5 * 1024 * 1024 + 1)) == (
        "The photo is 5.1 MB; the limit is 5 MB.")
    small = _encode(_half_red_half_blue((300, 300)), "PNG")
    assert "the limit is" in refused(process_photo, small, max_bytes=len(small) - 1)
    assert refused(process_photo, b"").startswith("The file is empty")
