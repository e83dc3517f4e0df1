"""RPL test data: a Thai reference letter as a real PDF, hostile PDFs, photos, and a portfolio
item added and judged through the services."""

from __future__ import annotations

import datetime as dt
import io

import pikepdf
from PIL import Image

TODAY = dt.date.today()
UNIT = "LA-CON-BRL-02"  # credited on accepted evidence and demonstration item T1.8
UNIT_ONLY_ITEMS = ("T1.5", "T1.6", "T1.7", "T1.9")  # the items the shorter demonstration leaves out
LETTER_TH = ("หนังสือรับรองการทำงาน", "บริษัท ก่อสร้างไทย จำกัด ขอรับรองว่า นายสมพร แก้วมณี",
             "ทำงานเป็นช่างก่ออิฐ ผสมปูนก่อ และก่อผนังอิฐ ที่กรุงเทพฯ ตั้งแต่ปี 2559 ถึง 2567")


def reference_letter_pdf(pages: int = 1) -> bytes:
    """An employer's reference letter in Thai, drawn with the certificate fonts."""
    from reportlab.pdfgen.canvas import Canvas

    from skills_cert.pdf import text

    text.register_fonts()
    out = io.BytesIO()
    canvas = Canvas(out, invariant=1)
    for page in range(pages):
        for n, line in enumerate(LETTER_TH):
            text.draw_text(canvas, 72, 760 - 24 * n, line, 12)
        text.draw_text(canvas, 72, 60, f"{page + 1}", 9)
        canvas.showPage()
    canvas.save()
    return out.getvalue()


def hostile_pdf() -> bytes:
    """A one-page PDF that runs JavaScript when opened, has a page action, a form, a link that
    launches a program, and an attached executable."""
    with pikepdf.open(io.BytesIO(reference_letter_pdf())) as pdf:
        script = pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert('owned')"))
        pdf.Root.OpenAction = script
        pdf.Root.AcroForm = pikepdf.Dictionary(Fields=pikepdf.Array(), XFA=pikepdf.String("<xdp/>"))
        page = pdf.pages[0].obj
        page.AA = pikepdf.Dictionary(O=script)
        page.Annots = pdf.make_indirect(pikepdf.Array([pdf.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link, Rect=[0, 0, 100, 100],
            A=pikepdf.Dictionary(S=pikepdf.Name.Launch, F=pikepdf.String("cmd.exe"))))]))
        pdf.attachments["payload.exe"] = pikepdf.AttachedFileSpec(pdf, b"MZ\x90\x00evil", filename="payload.exe")
        out = io.BytesIO()
        pdf.save(out)
        return out.getvalue()


def encrypted_pdf() -> bytes:
    with pikepdf.open(io.BytesIO(reference_letter_pdf())) as pdf:
        out = io.BytesIO()
        pdf.save(out, encryption=pikepdf.Encryption(owner="o", user="secret"))
        return out.getvalue()


def photo(kind: str = "JPEG", size=(900, 700)) -> bytes:
    image = Image.new("RGB", size, (180, 90, 40))
    image.paste((120, 120, 120), (0, size[1] // 2, size[0], size[1]))
    out = io.BytesIO()
    image.save(out, kind)
    return out.getvalue()


def add_accepted_reference(app, assessment_id: int, assessor_id: int, *, supports=(UNIT,), pdf=True,
                           judgement="accepted") -> int:
    """A Thai employer's reference letter added to the portfolio and judged; returns its number."""
    from pathlib import Path

    from skills_cert.accounts.models import User
    from skills_cert.assessment import portfolio
    from skills_cert.assessment.models import Assessment
    from skills_cert.extensions import db

    with app.app_context():
        actor = db.session.get(User, assessor_id)
        assessment = db.session.get(Assessment, assessment_id)
        item = portfolio.add_item(db.session, assessment, portfolio.ItemData(
            "reference", "หนังสือรับรองการทำงาน", "บริษัท ก่อสร้างไทย จำกัด", "Bangkok",
            dt.date(2016, 5, 1), dt.date(2024, 3, 31), None, tuple(supports)), actor=actor, today=TODAY)
        if pdf:
            portfolio.add_file(db.session, item, reference_letter_pdf(), "หนังสือรับรอง.pdf", actor=actor,
                               today=TODAY, folder=Path(app.config["EVIDENCE_DIR"]))
        portfolio.judge_item(db.session, item, judgement, None, tuple(supports), actor=actor, today=TODAY)
        db.session.commit()
        return item.number


def shorter_demonstration(app, standard_id: int) -> dict:
    """Every item satisfactory except those only the credited unit needed, left unrecorded."""
    from assessment_fixtures import all_satisfactory

    items = all_satisfactory(app, standard_id)
    for code in UNIT_ONLY_ITEMS:
        items[code] = (None, None)
    return items
