"""Photos of candidates and of evidence: refuse what is not a real photo, re-encode what is.

Only JPEG, PNG and WebP are opened; dimensions are checked from the header before pixels are
decoded (decompression bombs); EXIF orientation is applied, colour profiles converted to sRGB and
then dropped, transparency laid on white, and the result saved as a JPEG with no metadata at all.
"""

from __future__ import annotations

import io
import math

from flask_babel import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

try:
    from PIL import ImageCms
except ImportError:  # Pillow built without LittleCMS: colour profiles are then ignored
    ImageCms = None

from skills_cert.assessment.candidate_checks import CheckFailed

PHOTO_BOX = (600, 800)
PHOTO_MIN_SIDE, PHOTO_MAX_SIDE = 100, 8000
_MB = 1024 * 1024
MAX_PHOTO_BYTES = 5 * _MB  # an upload is read up to one byte past this, and refused past it

_PHOTO_FORMATS = ("JPEG", "PNG", "WEBP")  # the JPEG opener also reads MPO (multi-picture JPEG)
_SNIFF = ((b"GIF8", "GIF"), (b"%PDF", "PDF"), (b"II*\x00", "TIFF"), (b"MM\x00*", "TIFF"))


def _sniff_kind(data: bytes) -> str | None:
    """Name a common non-photo format, for a clearer refusal."""
    for magic, kind in _SNIFF:
        if data.startswith(magic):
            return kind
    if data[4:8] == b"ftyp":
        return "HEIC/AVIF"
    head = bytes(data[:1024]).lower()
    if b"<svg" in head:
        return "SVG"
    return "HTML" if b"<html" in head or b"<!doctype html" in head else None


def _megabytes(size: int, *, up: bool = False) -> str:
    tenths = math.ceil(size * 10 / _MB) if up else max(round(size * 10 / _MB), 1)
    return f"{tenths / 10:g}"


def process_photo(data: bytes, *, max_bytes: int = MAX_PHOTO_BYTES,
                  box: tuple[int, int] = PHOTO_BOX) -> bytes:
    """Verify an uploaded JPEG/PNG/WebP photo; return it upright, within *box* (600x800), as a
    JPEG (quality 85) with no metadata at all (no EXIF/GPS, no ICC profile, no comments)."""
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError("process_photo() takes the file's bytes")
    if not len(data):
        raise CheckFailed(_("The file is empty. Choose a JPEG, PNG or WebP photo."))
    if len(data) > max_bytes:
        raise CheckFailed(_("The photo is %(size)s MB; the limit is %(limit)s MB.",
                            size=_megabytes(len(data), up=True), limit=_megabytes(max_bytes)))
    try:
        image = _flatten_to_srgb(_upright(_open_photo(bytes(data))))
        image.thumbnail(box, Image.Resampling.LANCZOS)
        return _encode_jpeg(image)
    except CheckFailed:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise CheckFailed(_("The photo has too many pixels; it must be at most %(max)d x %(max)d "
                            "pixels.", max=PHOTO_MAX_SIDE)) from exc
    except Exception as exc:  # hostile files make Pillow raise OSError, SyntaxError, struct.error
        raise CheckFailed(_("This file is not a usable photo. Choose a JPEG, PNG or WebP "
                            "photo.")) from exc


def _open_photo(data: bytes) -> Image.Image:
    """Open, check format and size from the header, verify, then decode a fresh copy."""
    try:
        probe = Image.open(io.BytesIO(data), formats=_PHOTO_FORMATS)
    except UnidentifiedImageError:
        kind = _sniff_kind(data)
        if kind:
            raise CheckFailed(_("This file is in %(kind)s format, not a photo. Choose a JPEG, PNG "
                                "or WebP photo.", kind=kind)) from None
        raise
    with probe:
        _check_dimensions(*probe.size)  # before any pixel is decoded
        probe.verify()
    image = Image.open(io.BytesIO(data), formats=_PHOTO_FORMATS)
    image.load()
    return image


def _upright(image: Image.Image) -> Image.Image:
    try:
        return ImageOps.exif_transpose(image)
    except (OSError, ValueError, KeyError, TypeError, SyntaxError):  # broken EXIF: keep as is
        return image


def _check_dimensions(width: int, height: int) -> None:
    if width < PHOTO_MIN_SIDE or height < PHOTO_MIN_SIDE:
        raise CheckFailed(_("The photo is too small (%(width)d x %(height)d pixels); it must be at "
                            "least %(min)d x %(min)d pixels.",
                            width=width, height=height, min=PHOTO_MIN_SIDE))
    if width > PHOTO_MAX_SIDE or height > PHOTO_MAX_SIDE:
        raise CheckFailed(_("The photo is too large (%(width)d x %(height)d pixels); it must be at "
                            "most %(max)d x %(max)d pixels.",
                            width=width, height=height, max=PHOTO_MAX_SIDE))


def _flatten_to_srgb(image: Image.Image) -> Image.Image:
    """RGB in sRGB: embedded colour profiles applied, transparency laid on white."""
    image = _apply_icc_profile(image)
    if image.mode.startswith("I"):  # 16-bit greyscale PNG: scale to 8 bits instead of clipping
        image = image.convert("I").point(lambda v: v * (1 / 256)).convert("L")
    if image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        image = Image.alpha_composite(Image.new("RGBA", rgba.size, "white"), rgba)
    return image.convert("RGB")


def _apply_icc_profile(image: Image.Image) -> Image.Image:
    icc = image.info.get("icc_profile")
    if not icc or ImageCms is None or image.mode not in ("RGB", "CMYK"):
        return image
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        return ImageCms.profileToProfile(image, source, ImageCms.createProfile("sRGB"),
                                         outputMode="RGB")
    except (ImageCms.PyCMSError, OSError, ValueError):  # a broken profile: use the pixels as is
        return image


def _encode_jpeg(image: Image.Image) -> bytes:
    image.info.clear()  # Pillow would otherwise carry over EXIF, ICC, XMP and comments
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85, optimize=True)
    return out.getvalue()
