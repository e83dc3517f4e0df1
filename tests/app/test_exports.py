"""The export machinery on its own (issue 23): one `exports.Table` as CSV (byte-order mark, English
keys, codes, ISO dates), several in a ZIP, and as an Excel workbook (types, text never a
formula, fonts with the script, tab names). The routes are tested with their features."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile

import pytest
from openpyxl import load_workbook

from skills_cert import exports, workbooks
from skills_cert.exports import Coded, Column, Table

TABLE = Table(
    "testing", "ການທົດສອບ, ແຍກຕາມເພດ",
    (Column("key", "", in_workbook=False), Column("label", "ເພດ"), Column("people", "ຈຳນວນ"),
     Column("rate", "ອັດຕາ (%)"), Column("month", "ເດືອນ", date_format="yyyy-mm"), Column("at", "ເວລາ")),
    (("female", "ຍິງ", 10, Coded("suppressed", "×"), Coded("2026-05", dt.date(2026, 5, 1)),
      dt.datetime(2026, 5, 1, 10, 30, tzinfo=dt.UTC)),
     ("hostile", "=cmd|' /C calc'!A0", 5, 68.4, None, None),
     ("total", "ລວມ", 15, 100.0, None, None)),
    subtitle="ໄລຍະເວລາ", notes=("× ຖືກປິດບັງ",), totals=1)


def test_csv_has_a_byte_order_mark_english_keys_codes_and_iso_dates():
    text = exports.to_csv(TABLE)
    assert text.startswith("\ufeffkey,label,people,rate,month,at\r\n")
    rows = list(csv.reader(io.StringIO(text[1:], newline="")))
    assert rows[1] == ["female", "ຍິງ", "10", "suppressed", "2026-05", "2026-05-01T10:30:00Z"]
    assert rows[2] == ["hostile", "'=cmd|' /C calc'!A0", "5", "68.4", "", ""]
    assert rows[3][3] == "100"


def test_several_tables_go_in_one_zip_one_csv_each_the_same_bytes_every_time():
    other = Table("other", "Other", (Column("a", "A"),), (("x",),))
    archive = exports.to_zip("report", [TABLE, other])
    assert archive == exports.to_zip("report", [TABLE, other])
    with zipfile.ZipFile(io.BytesIO(archive)) as files:
        assert files.namelist() == ["report-testing.csv", "report-other.csv"]
        assert files.read("report-other.csv").decode("utf-8") == "\ufeffa\r\nx\r\n"


def test_a_row_of_the_wrong_length_is_refused():
    with pytest.raises(ValueError, match="2 values for 1 columns"):
        Table("t", "T", (Column("a", "A"),), (("x", "y"),))


def test_the_workbook_keeps_types_text_and_fonts():
    book = load_workbook(io.BytesIO(workbooks.workbook([TABLE, TABLE], locale="lo", title="ການທົດສອບ")))
    assert book.properties.language == "lo-LA"
    assert book.sheetnames == ["ການທົດສອບ, ແຍກຕາມເພດ", "ການທົດສອບ, ແຍກຕາມເພດ (2)"]
    sheet = book.worksheets[0]
    assert [c.value for c in sheet[3]] == ["ເພດ", "ຈຳນວນ", "ອັດຕາ (%)", "ເດືອນ", "ເວລາ"]  # no machine key
    assert [c.value for c in sheet[4]] == ["ຍິງ", 10, "×", dt.datetime(2026, 5, 1), dt.datetime(2026, 5, 1, 10, 30)]
    assert sheet["D4"].number_format == "yyyy-mm" and sheet["E4"].number_format == "yyyy-mm-dd hh:mm"
    assert sheet["A5"].value == "=cmd|' /C calc'!A0" and sheet["A5"].data_type == "s"  # text, not a formula
    assert sheet["C5"].value == 68.4 and sheet["C6"].value == 100
    assert sheet["A4"].font.name == "Phetsarath OT" and sheet["B4"].font.name == "Calibri"
    assert sheet["C4"].font.color.rgb.endswith("A61B1B")  # suppressed: marked as on the dashboard
    assert sheet["A6"].font.bold and not sheet["A5"].font.bold  # the total row
    assert sheet.freeze_panes == "A4" and sheet.print_title_rows == "$3:$3"
    assert sheet["A8"].value == "× ຖືກປິດບັງ"
    assert workbooks.font_name("ผู้ที่มีฝีมือ") == "Leelawadee UI"


def test_tab_names_are_short_unique_and_cut_between_words():
    taken: set[str] = set()
    names = [workbooks.sheet_name(title, taken) for title in (
        "ການຄອບຄຸມຫົວໜ່ວຍສະມັດຖະພາບປາຍທາງ", "Testing by occupation (standard)",
        "Testing by occupation (standard), again", "a/b:c")]
    assert names == ["ການຄອບຄຸມຫົວໜ່ວຍສະມັດຖະພາບ", "Testing by occupation", "Testing by occupation (2)",
                     "a b c"]
