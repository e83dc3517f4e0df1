"""The benchmarking report of a mapping as files office staff can open: three CSV files (one table
each, with a byte-order mark, separately or in one ZIP), an Excel workbook with one sheet per table
in the reader's language, and a PDF in which "±" is drawn (issue 23)."""

from __future__ import annotations

import csv
import io
import re
import zipfile

import pypdfium2
import pytest
import sqlalchemy as sa
import uharfbuzz as hb
from fontTools.pens.basePen import BasePen
from helpers import translated
from PIL import Image, ImageChops, ImageDraw
from standards_fixtures import import_shipped

from skills_cert.roles import Role

KEYS = {
    "summary": ["agreement", "agreement_version", "agreement_title", "agreement_reference", "origin_standard",
                "origin_version", "origin_title", "origin_country", "destination_standard",
                "destination_version", "destination_title", "destination_country", "compared_by", "compared_on",
                "destination_units", "covered", "partly_covered", "not_covered", "coverage_percent",
                "outcome_for_full_certificate"],
    "mappings": ["origin_units", "origin_titles", "relation", "destination_units", "destination_titles",
                 "justification", "gap", "compared", "compared_by"],
    "coverage": ["destination_unit", "destination_title", "coverage", "covered_by", "gap", "bridging"],
}


@pytest.fixture()
def bricklaying(app, client, users) -> int:
    """The shipped Lao-Thai bricklaying mapping (its justification says "±5 mm"); a standards
    officer is logged in."""
    from skills_cert.extensions import db
    from skills_cert.recognition.models import StandardMapping
    from skills_cert.standards.models import Standard

    import_shipped(app)
    client.login(users[Role.STANDARDS_OFFICER].username)
    with app.app_context():
        return db.session.scalar(sa.select(StandardMapping.id).join(
            Standard, Standard.id == StandardMapping.origin_standard_id).where(Standard.code == "LA-CON-BRL-L1"))


def _table(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # the byte-order mark: Excel then reads UTF-8
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows and all(len(row) == len(rows[0]) for row in rows)  # one table: no blank line, no other shape
    return rows


def test_three_csv_files_one_table_each_and_the_same_in_a_zip(client, bricklaying):
    client.get("/lang/th")
    tables = {}
    for part, keys in KEYS.items():
        response = client.get(f"/mrs/mappings/{bricklaying}/report-{part}.csv")
        assert response.status_code == 200 and response.mimetype == "text/csv"
        tables[part] = _table(response.data)
        assert tables[part][0] == keys
    assert client.get(f"/mrs/mappings/{bricklaying}/report-other.csv").status_code == 404
    summary = dict(zip(*tables["summary"], strict=True))
    assert summary["agreement"] == "MRS-LA-TH-CON" and summary["origin_country"] == "LA"
    assert summary["outcome_for_full_certificate"] in ("full", "partial", "none")
    assert {r[2] for r in tables["mappings"][1:]} <= {"equivalent", "partial", "none"}
    assert any("±5" in r[5] for r in tables["mappings"][1:])  # the justification, in Thai
    response = client.get(f"/mrs/mappings/{bricklaying}/report.zip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        names = archive.namelist()
        assert [n.rsplit("-", 1)[1] for n in names] == [f"{part}.csv" for part in KEYS]
        for name, part in zip(names, KEYS, strict=True):
            assert _table(archive.read(name)) == tables[part]


def test_the_workbook_in_lao_has_a_sheet_per_table_with_the_csv_figures(app, client, bricklaying, artifacts):
    from openpyxl import load_workbook

    client.get("/lang/lo")
    page = client.get(f"/mrs/mappings/{bricklaying}").get_data(as_text=True)
    percent = int(re.search(r'data-testid="coverage-percent">(\d+)%', page).group(1))
    assert translated(app, "lo", "Benchmarking report (Excel)") in page
    response = client.get(f"/mrs/mappings/{bricklaying}/report.xlsx")
    assert response.status_code == 200
    (artifacts / "benchmarking-report-lo.xlsx").write_bytes(response.data)
    book = load_workbook(io.BytesIO(response.data))
    assert book.properties.language == "lo-LA"
    titles = [translated(app, "lo", t) for t in ("Summary", "Unit mappings", "Coverage of the destination units")]
    assert len(book.sheetnames) == 3 and all(len(name) <= 31 and title.startswith(name)
                                             for name, title in zip(book.sheetnames, titles, strict=True))
    summary, mappings, coverage = book.worksheets
    record = {row[0].value: row[1].value for row in summary.iter_rows(min_row=3) if row[0].value}
    figures = dict(zip(*_table(client.get(f"/mrs/mappings/{bricklaying}/report-summary.csv").data), strict=True))
    assert record[translated(app, "lo", "Covered by equivalent units (%)")] == int(figures["coverage_percent"]) == percent
    assert record[translated(app, "lo", "Not covered")] == int(figures["not_covered"])
    assert record[translated(app, "lo", "Origin standard")] == "LA-CON-BRL-L1"
    csv_rows = _table(client.get(f"/mrs/mappings/{bricklaying}/report-mappings.csv").data)
    heads = [c.value for c in mappings[3]]
    assert heads[2] == translated(app, "lo", "Relation") and mappings.freeze_panes == "A4"
    body = [[c.value for c in row] for row in mappings.iter_rows(min_row=4, max_row=3 + len(csv_rows) - 1)]
    labels = {"equivalent": "Equivalent", "partial": "Partial", "none": "No equivalent"}
    for csv_row, row in zip(csv_rows[1:], body, strict=True):
        assert row[0] == csv_row[0] and row[5] == csv_row[5]
        assert row[2] == translated(app, "lo", labels[csv_row[2]])
    assert mappings.cell(4, 6).font.name == "Phetsarath OT"  # a Lao justification
    assert coverage.max_row >= 4 and [c.value for c in coverage[3]][2] == translated(app, "lo", "Coverage")


# --- "±" in the PDF --------------------------------------------------------------------------------

SCALE = 8  # pixels per point
SIZE = 8   # points: the report's table text (pdf/report.py)


class _Outline(BasePen):
    """A glyph's contours as polygons (curves cut into short lines)."""

    def __init__(self):
        super().__init__(None)
        self.contours: list[list[tuple[float, float]]] = []

    def _moveTo(self, point):
        self.contours.append([point])

    def _lineTo(self, point):
        self.contours[-1].append(point)

    def _curveToOne(self, p1, p2, p3):
        p0 = self.contours[-1][-1]
        self.contours[-1] += [tuple((1 - t) ** 3 * a + 3 * (1 - t) ** 2 * t * b + 3 * (1 - t) * t * t * c + t ** 3 * d
                                    for a, b, c, d in zip(p0, p1, p2, p3, strict=True)) for t in _STEPS]

    def _qCurveToOne(self, p1, p2):
        p0 = self.contours[-1][-1]
        self.contours[-1] += [tuple((1 - t) ** 2 * a + 2 * (1 - t) * t * b + t * t * c
                                    for a, b, c in zip(p0, p1, p2, strict=True)) for t in _STEPS]


_STEPS = [i / 8 for i in range(1, 9)]


def _harfbuzz(value: str, font_file: str) -> Image.Image:
    """*value* shaped by HarfBuzz in *font_file* and filled (even-odd) at SIZE points and SCALE,
    smoothed like a rasteriser (drawn 4 times larger, then reduced) and cut at mid-grey as the
    page is; the ink only, cropped to it."""
    from skills_cert.pdf.fonts import FONT_DIR

    face = hb.Face(hb.Blob.from_file_path(str(FONT_DIR / font_file)))
    font, buffer = hb.Font(face), hb.Buffer()
    buffer.add_str(value)
    buffer.guess_segment_properties()
    hb.shape(font, buffer)
    unit = SIZE * SCALE * 4 / face.upem
    width = int(sum(p.x_advance for p in buffer.glyph_positions) * unit) + 32
    image, x, baseline = Image.new("1", (width, SIZE * SCALE * 8)), 16.0, SIZE * SCALE * 6
    for info, position in zip(buffer.glyph_infos, buffer.glyph_positions, strict=True):
        outline = _Outline()
        font.draw_glyph_with_pen(info.codepoint, outline)
        for contour in outline.contours:
            mask = Image.new("1", image.size)
            ImageDraw.Draw(mask).polygon([(x + (position.x_offset + px) * unit, baseline - (position.y_offset + py) * unit)
                                          for px, py in contour], fill=1)
            image = ImageChops.logical_xor(image, mask)
        x += position.x_advance * unit
    image = image.convert("L").reduce(4).point(lambda v: 255 if v >= 128 else 0).convert("1")
    return image.crop(image.getbbox())


def _ink(image: Image.Image) -> int:
    return image.convert("L").histogram()[255]


def _overlap(drawn: Image.Image, expected: Image.Image) -> float:
    """Intersection over union of the ink, at the best alignment within 2 pixels (the page places
    the glyph at a fraction of a pixel)."""
    size = (max(drawn.width, expected.width) + 4, max(drawn.height, expected.height) + 4)
    canvas = Image.new("1", size)
    canvas.paste(drawn, (2, 2))
    best = 0.0
    for dx in range(5):
        for dy in range(5):
            moved = Image.new("1", size)
            moved.paste(expected, (dx, dy))
            best = max(best, _ink(ImageChops.logical_and(canvas, moved)) / _ink(ImageChops.logical_or(canvas, moved)))
    return best


def test_plus_minus_is_drawn_in_the_mapping_report(app, client, bricklaying, artifacts):
    """The justification's "(±5 mm" printed a box before: now the "±" on the page has the shape
    HarfBuzz draws with the fallback font, Noto Sans, and not that of a plain "+"."""
    expected, plus = _harfbuzz("±", "NotoSans-Regular.ttf"), _harfbuzz("+", "NotoSans-Regular.ttf")
    for locale in ("en", "lo", "th"):
        _check_plus_minus(client, bricklaying, artifacts, locale, expected, plus)


def _check_plus_minus(client, bricklaying, artifacts, locale, expected, plus):
    client.get(f"/lang/{locale}")
    response = client.get(f"/mrs/mappings/{bricklaying}/report.pdf")
    assert response.status_code == 200
    pdf = pypdfium2.PdfDocument(response.data)
    found = None
    for index in range(len(pdf)):
        textpage = pdf[index].get_textpage()
        match = textpage.search("±").get_next()
        if match:
            found = pdf[index], textpage.get_charbox(match[0])
            break
    assert found, f"no ± in the report's text ({locale})"
    page, (left, bottom, right, top) = found
    width, height = page.get_size()
    margin = 0.4
    crop = (left - margin, bottom - margin, width - right - margin, height - top - margin)
    drawn = page.render(scale=SCALE, crop=crop).to_pil().convert("L")
    drawn.save(artifacts / f"mapping-report-plus-minus-{locale}.png")
    ink = drawn.point(lambda v: 255 if v < 128 else 0).convert("1")
    assert ink.getbbox(), "the ± is blank"
    ink = ink.crop(ink.getbbox())
    assert abs(ink.width - expected.width) <= 2 and abs(ink.height - expected.height) <= 2, locale
    assert _overlap(ink, expected) > 0.8, locale
    assert _overlap(ink, plus) < 0.75, locale
