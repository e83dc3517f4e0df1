"""Certificates and statements of attainment: one A4 portrait page, in Lao, Thai and English.

`render_certificate(view)` takes a plain `CertificateView` and returns PDF bytes; it knows nothing
of requests or the database. The same view always gives byte-identical bytes. Fixed wording is
printed in all three languages at once (the document crosses a border), so it is a set of
constants (`wording`), not gettext.
"""

from __future__ import annotations

import datetime
import io
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from skills_cert.certification.units_table import STEPS, UnitsTable, paginate
from skills_cert.certification.wording import (
    ASSESSED,
    CERTIFY,
    CONTINUED,
    DOCUMENT,
    LABELS,
    LANGS,
    STATE_HEADER,
    TITLES,
    UNITS_CAPTION,
    VERIFY,
)
from skills_cert.pdf import text
from skills_cert.pdf.layout import (
    GREY,
    LEADING,
    MM,
    NAVY,
    RULE,
    TINT,
    Flow,
    Row,
    cell,
    draw_stack,
    stack_height,
)
from skills_cert.pdf.qr import draw_qr

QR_SIZE_MM = 40  # printed width, quiet zone of 4 modules included (a 400-char URL is version 15)
KINDS = ("certificate", "attainment")


@dataclass(frozen=True)
class CertificateView:
    kind: str                              # "certificate" or "attainment"
    number: str                            # "LA-2026-000123"
    issued_on: datetime.date
    expires_on: datetime.date
    authority_name: Mapping[str, str]      # {"lo": ..., "th": ..., "en": ...}
    holder_name_lao: str
    holder_name_latin: str
    photo_jpeg: bytes | None               # already re-encoded JPEG (<= 600x800), or None
    standard_title: Mapping[str, str]
    occupation: Mapping[str, str]
    level: int
    standard_code: str
    standard_version: int
    units: tuple[tuple[str, Mapping[str, str]], ...]   # (unit code, title), the units achieved
    verify_url: str                        # what the QR code holds
    verify_host: str                       # printed in the "how to verify" line
    recognition: Mapping[str, str] | None = None
    credited: frozenset[str] = frozenset()  # units credited through RPL, marked in the table
    template_version: int = 1
    holder_name_thai: str | None = None    # the name in Thai script, under the Lao one


PAGE_W, PAGE_H = A4
LEFT, RIGHT = 18 * MM, PAGE_W - 18 * MM
WIDTH, CENTRE = RIGHT - LEFT, PAGE_W / 2
TOP, BOTTOM = PAGE_H - 16.5 * MM, 16.5 * MM
PHOTO_W, PHOTO_H = 30 * MM, 40 * MM
QR_SIZE = QR_SIZE_MM * MM
UNITS = UnitsTable(LEFT, WIDTH)
HOLDER_NAME_SIZE = 22
# (size, smallest size, bold, leading) of each language's line in a centred block
AUTHORITY_STYLE = {"lo": (13.5, 10, True, 1.5), "th": (10, 8, False, 1.45),
                   "en": (10, 8, False, 1.4)}
TITLE_STYLE = {"lo": (21, 16, True, 1.4), "th": (16, 13, True, 1.4), "en": (13, 11, True, 1.4)}
STANDARD_STYLE = {"lo": (15, 10, True, 1.45), "th": (13, 9, True, 1.45), "en": (12, 8, True, 1.4)}


def missing_characters(view: CertificateView) -> list[str]:
    """Characters of the variable text that no embedded font can draw."""
    return text.missing_characters(_variable_texts(view))


def _variable_texts(view: CertificateView) -> list[str]:
    texts = [view.number, view.holder_name_lao, view.holder_name_latin, view.standard_code,
             view.verify_host, view.holder_name_thai or ""]
    for mapping in (view.authority_name, view.standard_title, view.occupation,
                    view.recognition or {}):
        texts.extend(mapping.values())
    for code, title in view.units:
        texts.append(code)
        texts.extend(title.values())
    return texts


def render_certificate(view: CertificateView) -> bytes:
    """The certificate as PDF bytes: one A4 page, a second only if the units cannot fit.

    Raises ValueError for a view that cannot be printed faithfully (for example a name with a
    character the fonts lack, which would otherwise silently vanish from the page).
    """
    _check(view)
    text.register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=1, pageCompression=1,
                    initialFontName=text.LAO, lang="lo")
    _set_metadata(canvas, view)
    head, rows = _first_page(canvas, view)
    pages = paginate(rows, _CONTINUATION_ROOM - head.height)
    for number, page_rows in enumerate(pages, start=2):
        if number == 2:
            _page_number(canvas, 1, 1 + len(pages))
        canvas.showPage()
        _continuation_page(canvas, view, head, page_rows)
        _page_number(canvas, number, 1 + len(pages))
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _check(view: CertificateView) -> None:
    if view.kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {view.kind!r}")
    for field in ("authority_name", "standard_title", "occupation"):
        absent = [lang for lang in LANGS if not getattr(view, field).get(lang)]
        if absent:
            raise ValueError(f"{field} has no text in {', '.join(absent)}")
    for code, title in view.units:
        if any(not title.get(lang) for lang in LANGS):
            raise ValueError(f"unit {code} needs a title in each of {', '.join(LANGS)}")
    if not view.verify_url:
        raise ValueError("verify_url is empty")
    missing = missing_characters(view)
    if missing:
        described = ", ".join(f"{ch!r} (U+{ord(ch):04X} {unicodedata.name(ch, 'unnamed')})"
                              for ch in missing)
        raise ValueError(f"the certificate fonts cannot draw these characters: {described}")


def _set_metadata(canvas: Canvas, view: CertificateView) -> None:
    canvas.setTitle(view.number)
    canvas.setAuthor(view.authority_name["en"])
    canvas.setSubject(f"{view.standard_code} version {view.standard_version}")
    canvas.setCreator(f"skills_cert certificate template {view.template_version}")
    stamp = f"D:{view.issued_on:%Y%m%d}000000+00'00'"
    canvas.setDateFormatter(lambda *_: stamp)


def _joined(texts: Mapping[str, str]) -> str:
    return " / ".join(texts[lang] for lang in LANGS)


def _frame(canvas: Canvas) -> None:
    """A double border: a heavy outer line and a thin inner one."""
    canvas.saveState()
    canvas.setStrokeColor(NAVY)
    canvas.setLineWidth(2.2)
    canvas.rect(10 * MM, 10 * MM, PAGE_W - 20 * MM, PAGE_H - 20 * MM)
    canvas.setLineWidth(0.6)
    canvas.rect(12 * MM, 12 * MM, PAGE_W - 24 * MM, PAGE_H - 24 * MM)
    canvas.setFillColor(NAVY)
    for x in (11 * MM, PAGE_W - 11 * MM):
        for y in (11 * MM, PAGE_H - 11 * MM):
            _diamond(canvas, x, y, 1.6 * MM)
    canvas.restoreState()


def _diamond(canvas: Canvas, x: float, y: float, r: float) -> None:
    path = canvas.beginPath()
    path.moveTo(x, y + r)
    path.lineTo(x + r, y)
    path.lineTo(x, y - r)
    path.lineTo(x - r, y)
    path.close()
    canvas.drawPath(path, stroke=0, fill=1)


def _first_page(canvas: Canvas, view: CertificateView) -> tuple[Row, list[Row]]:
    """Draw page 1; returns the units table's header row and the rows that did not fit."""
    _frame(canvas)
    flow = Flow(canvas, TOP)
    _header(flow, view)
    _title(flow, view)
    _holder(flow, view)
    _facts(flow, view)
    return _units(flow, view, _footer(canvas, view) + 3.5 * MM)


def _centred(flow: Flow, texts: Mapping[str, str], styles: Mapping[str, tuple], x: float,
             width: float) -> None:
    """A line (two at most before shrinking) per language, centred in [x, x + width], navy."""
    for lang, (size, smallest, bold, leading) in styles.items():
        flow.text(texts[lang], x, width, size, min_size=smallest, bold=bold, align="centre",
                  max_lines=2, color=NAVY, leading=leading)


def _header(flow: Flow, view: CertificateView) -> None:
    """The state header, an ornament, the authority in three languages and a double rule."""
    flow.text(STATE_HEADER[0], LEFT, WIDTH, 9, bold=True, align="centre", leading=1.45)
    flow.text(STATE_HEADER[1], LEFT, WIDTH, 8, align="centre", leading=1.45)
    canvas, y = flow.canvas, flow.y - 1.2 * MM
    canvas.setStrokeColor(NAVY)
    canvas.setFillColor(NAVY)
    canvas.setLineWidth(0.6)
    canvas.line(CENTRE - 22 * MM, y, CENTRE - 3 * MM, y)
    canvas.line(CENTRE + 3 * MM, y, CENTRE + 22 * MM, y)
    _diamond(canvas, CENTRE, y, 1.3 * MM)
    flow.skip(3 * MM)
    _centred(flow, view.authority_name, AUTHORITY_STYLE, LEFT, WIDTH)
    flow.skip(0.5 * MM)
    canvas.setLineWidth(0.8)
    canvas.line(LEFT, flow.y, RIGHT, flow.y)
    canvas.setLineWidth(0.3)
    canvas.line(LEFT, flow.y - 0.8 * MM, RIGHT, flow.y - 0.8 * MM)
    flow.skip(3.5 * MM)


def _title(flow: Flow, view: CertificateView) -> None:
    title = TITLES[view.kind]
    _centred(flow, {**title, "en": title["en"].upper()}, TITLE_STYLE, LEFT, WIDTH)
    flow.skip(2.5 * MM)


def _holder(flow: Flow, view: CertificateView) -> None:
    """Who holds it and in what: centred, with the photo (if any) at the right."""
    top = flow.y
    width = WIDTH - 2 * (PHOTO_W + 4 * MM) if view.photo_jpeg else WIDTH
    x = CENTRE - width / 2
    if view.photo_jpeg:
        _photo(flow.canvas, view.photo_jpeg, RIGHT - PHOTO_W, top - PHOTO_H)
    _trilingual(flow, CERTIFY, x, width, 9)
    flow.skip(0.5 * MM)
    flow.text(view.holder_name_lao, x, width, HOLDER_NAME_SIZE, min_size=13, bold=True,
              align="centre", max_lines=2, leading=1.45)
    if view.holder_name_thai and view.holder_name_thai != view.holder_name_lao:
        # on one line, smaller if need be: ICU knows no names and could break inside a word
        flow.text(view.holder_name_thai, x, width, 16, min_size=10, bold=True,
                  align="centre", max_lines=1, leading=1.45)
    flow.text(view.holder_name_latin, x, width, 13, min_size=9, align="centre", max_lines=2,
              leading=1.4)
    flow.skip(1 * MM)
    _trilingual(flow, ASSESSED[view.kind], x, width, 9)
    flow.skip(0.5 * MM)
    _centred(flow, view.standard_title, STANDARD_STYLE, x, width)
    if view.photo_jpeg:
        flow.y = min(flow.y, top - PHOTO_H - 1 * MM)
    flow.skip(2.5 * MM)


def _trilingual(flow: Flow, texts: Mapping[str, str], x: float, width: float, size: float) -> None:
    """One line "lo / th / en" if it fits, else "lo / th" and "en", else a line per language."""
    joined = _joined(texts)
    first = f"{texts['lo']} / {texts['th']}"
    if text.text_width(joined, size) <= width:
        lines = [joined]
    elif text.text_width(first, size) <= width:
        lines = [first, texts["en"]]
    else:
        lines = [texts[lang] for lang in LANGS]
    for line in lines:
        flow.text(line, x, width, size, min_size=size - 1.5, align="centre", max_lines=2,
                  color=GREY, leading=1.45)


def _photo(canvas: Canvas, jpeg: bytes, x: float, y: float) -> None:
    try:
        image = ImageReader(io.BytesIO(jpeg))
    except Exception as exc:  # noqa: BLE001 - PIL raises many kinds
        raise ValueError("photo_jpeg is not a readable image") from exc
    canvas.drawImage(image, x, y, PHOTO_W, PHOTO_H, preserveAspectRatio=True, anchor="c")
    canvas.setStrokeColor(GREY)
    canvas.setLineWidth(0.5)
    canvas.rect(x - 0.8 * MM, y - 0.8 * MM, PHOTO_W + 1.6 * MM, PHOTO_H + 1.6 * MM)


def _facts(flow: Flow, view: CertificateView) -> None:
    """Occupation, level, standard code and version in a ruled row of four cells."""
    widths = (0.47 * WIDTH, 0.13 * WIDTH, 0.25 * WIDTH, 0.15 * WIDTH)
    pad = 1.5 * MM
    values = [
        [cell(view.occupation[lang], widths[0] - 2 * pad, 8, 6.5, leading=1.42) for lang in LANGS],
        [cell(str(view.level), widths[1] - 2 * pad, 13, 9, bold=True)],
        [cell(view.standard_code, widths[2] - 2 * pad, 11, 7, bold=True)],
        [cell(str(view.standard_version), widths[3] - 2 * pad, 11, 8, bold=True)],
    ]
    stacks = []
    keys = ("occupation", "level", "standard", "version")
    for key, width, value in zip(keys, widths, values, strict=True):
        label = cell(_joined(LABELS[key]), width - 2 * pad, 6.5, 5.5, max_lines=3, color=GREY,
                     leading=1.45)
        stacks.append([label, *value])
    height = max(stack_height(s) for s in stacks) + 2 * pad
    canvas, top = flow.canvas, flow.y
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.6)
    canvas.line(LEFT, top, RIGHT, top)
    canvas.line(LEFT, top - height, RIGHT, top - height)
    x = LEFT
    for i, (width, cells) in enumerate(zip(widths, stacks, strict=True)):
        if i:
            canvas.line(x, top - pad, x, top - height + pad)
        draw_stack(canvas, cells, x + pad, top - pad)
        x += width
    flow.skip(height + 3 * MM)


def _units(flow: Flow, view: CertificateView, bottom: float) -> tuple[Row, list[Row]]:
    """The units table from flow.y down to *bottom*; the rows that do not fit are returned.
    The body font (and padding) shrinks from 8 to 6.5 pt before rows go to a further page."""
    caption = 9.5 * LEADING + 1 * MM
    head = UNITS.head()
    for size, pad in STEPS:
        rows = UNITS.rows(view.units, size, pad, view.credited)
        if flow.y - caption - head.height - sum(r.height for r in rows) >= bottom:
            break
    else:
        rows = UNITS.rows(view.units, *STEPS[1], view.credited)
    room = flow.y - caption - head.height - bottom
    fitting = 0
    while fitting < len(rows) and rows[fitting].height <= room:
        room -= rows[fitting].height
        fitting += 1
    if fitting == len(rows):  # all on this page: share the spare height above and below the table,
        flow.skip(room / 2)    # not all of it as one gap above the recognition box
    if fitting:
        flow.text(_joined(UNITS_CAPTION), LEFT, WIDTH, 9.5, min_size=8, bold=True, color=NAVY)
        flow.skip(1 * MM)
        UNITS.draw(flow.canvas, head, rows[:fitting], flow.y)
    return head, rows[fitting:]


def _footer(canvas: Canvas, view: CertificateView) -> float:
    """The QR code at the bottom right; at its left the recognition note (if any), the number and
    dates, and how to verify. Returns the footer's top."""
    width = WIDTH - QR_SIZE - 6 * MM
    column = width / 3
    facts = (("number", view.number), ("issued", view.issued_on.isoformat()),
             ("expires", view.expires_on.isoformat()))
    stacks = [[*(cell(LABELS[key][lang], column - 2 * MM, 6.5, 5.5, max_lines=1, color=GREY,
                      leading=1.42) for lang in LANGS),
               cell(value, column - 2 * MM, 12, 8, bold=True)] for key, value in facts]
    how = [VERIFY[lang].format(doc=DOCUMENT[view.kind][lang], host=view.verify_host)
           for lang in LANGS]
    verify = [cell(line, width, 7, 6.5, max_lines=3, color=GREY, leading=1.42) for line in how]
    pad = 1.5 * MM
    recognition = [cell(view.recognition[lang], width - 2 * pad, 8, 6.5, bold=lang == "th",
                        color=NAVY, leading=1.42)
                   for lang in LANGS if view.recognition and view.recognition.get(lang)]
    boxed = stack_height(recognition) + 2 * pad if recognition else 0
    gap = 2.5 * MM if recognition else 0
    details = max(stack_height(s) for s in stacks)
    top = BOTTOM + max(QR_SIZE, boxed + gap + details + 2 * MM + stack_height(verify))
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.6)
    canvas.line(LEFT, top + 2 * MM, RIGHT, top + 2 * MM)
    if recognition:
        canvas.setFillColor(TINT)
        canvas.rect(LEFT, top - boxed, width, boxed, stroke=0, fill=1)
        draw_stack(canvas, recognition, LEFT + pad, top - pad)
    for i, cells in enumerate(stacks):
        draw_stack(canvas, cells, LEFT + i * column, top - boxed - gap)
    draw_stack(canvas, verify, LEFT, BOTTOM + stack_height(verify))
    draw_qr(canvas, view.verify_url, RIGHT - QR_SIZE, BOTTOM, QR_SIZE)
    return top + 2 * MM


def _page_number(canvas: Canvas, number: int, total: int) -> None:
    canvas.setFillColor(GREY)
    text.draw_text(canvas, CENTRE, 13.2 * MM, f"{number} / {total}", 7, align="centre")


_CONTINUATION_TOP = TOP - 2 * 9.5 * LEADING - 3 * MM
_CONTINUATION_ROOM = _CONTINUATION_TOP - BOTTOM


def _continuation_page(canvas: Canvas, view: CertificateView, head: Row,
                       rows: Sequence[Row]) -> None:
    """Further units: who and which certificate, then the table continued."""
    _frame(canvas)
    flow = Flow(canvas, TOP)
    who = " \u00b7 ".join(dict.fromkeys(filter(None, (  # a name in Thai script only once
        view.number, view.holder_name_lao, view.holder_name_thai, view.holder_name_latin))))
    flow.text(who, LEFT, WIDTH, 9.5, min_size=6, bold=True, color=NAVY)
    caption = f"{_joined(UNITS_CAPTION)} ({_joined(CONTINUED)})"
    flow.text(caption, LEFT, WIDTH, 9.5, min_size=6, bold=True, color=NAVY)
    UNITS.draw(canvas, head, rows, _CONTINUATION_TOP)
