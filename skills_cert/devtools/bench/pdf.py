"""Certificate PDFs per second against a bare ReportLab page with the same fonts, the same amount
of shaped Lao/Thai/English text and a vector QR code of the same URL; and the same drawn and
sealed (pyHanko), against the bare page, and the seal alone against pyHanko sealing a bare
one-line page with the same key."""

from __future__ import annotations

import datetime as dt
import io
import secrets
import string
import tempfile
import time
from pathlib import Path

import yaml
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from skills_cert.certification import sealing, seals
from skills_cert.certification.certificate_pdf import QR_SIZE_MM, CertificateView, render_certificate
from skills_cert.config import ROOT
from skills_cert.pdf import qr, text

MM = 72 / 25.4
_ALPHABET = string.ascii_letters + string.digits + "-_"


def sample_views(count: int) -> list[CertificateView]:
    """Realistic certificates that differ in number, name and QR link, as a batch would."""
    doc = yaml.safe_load((ROOT / "standards" / "la" / "LA-CON-BRL-L1-v1.yaml").read_text("utf-8"))
    units = tuple((u["code"], u["title"]) for u in doc["units"])
    names = ["ສົມພອນ ແກ້ວມະນີ", "ບຸນມີ ພົມມະຈັນ", "ວຽງຄຳ ໄຊຍະວົງ", "ຄຳໃສ ວົງສາ"]
    views = []
    for i in range(count):
        token = "".join(secrets.choice(_ALPHABET) for _ in range(340))
        views.append(CertificateView(
            kind="certificate", number=f"LA-2026-{i + 1:06d}", issued_on=dt.date(2026, 3, 14),
            expires_on=dt.date(2031, 3, 14), authority_name=doc["authority"]["name"],
            holder_name_lao=names[i % len(names)], holder_name_latin=f"Somphone Keomany {i}",
            photo_jpeg=None, standard_title=doc["title"], occupation=doc["occupation"]["title"],
            level=doc["level"], standard_code=doc["code"], standard_version=doc["version"], units=units,
            verify_url=f"https://verify.sdi.gov.la/v/{token}", verify_host="verify.sdi.gov.la"))
    return views


def _texts(view: CertificateView) -> list[str]:
    texts = [*view.authority_name.values(), *view.standard_title.values(), *view.occupation.values(),
             view.holder_name_lao, view.holder_name_latin, view.number, view.standard_code]
    for code, title in view.units:
        texts += [code, *title.values()]
    return texts


def bare_page(view: CertificateView) -> bytes:
    """The floor: the same strings shaped and drawn one per line, and the QR code; no layout."""
    text.register_fonts()
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4, invariant=1)
    y = A4[1] - 40
    for line in _texts(view):
        text.draw_text(canvas, 40, y, line, 8)
        y -= 11
    qr.draw_qr(canvas, view.verify_url, A4[0] - 40 - QR_SIZE_MM * MM, 40, QR_SIZE_MM * MM)
    canvas.showPage()
    canvas.save()
    return out.getvalue()


def _rate(func, views) -> float:
    func(views[0])  # warm caches (fonts, shaping tables) outside the timing
    start = time.perf_counter()
    for view in views:
        func(view)
    return len(views) / (time.perf_counter() - start)


def _row(name: str, rate: float, floor: float, goal: float, count: int) -> dict:
    """One benchmark row; time_ratio is time per item / time per floor item."""
    return {"name": name, "certificates_per_second": round(rate, 1), "floor_pages_per_second": round(floor, 1),
            "time_ratio": round(floor / rate, 2), "goal": f"time_ratio <= {goal}",
            "meets_goal": floor / rate <= goal, "count": count}


def run(count: int) -> dict:
    # Separate certificates for each side: QR codes are cached, and a cached one would be free.
    bare = _rate(bare_page, sample_views(count))
    real = _rate(render_certificate, sample_views(count))
    return _row("certificate PDF rendering (one core)", real, bare, 1.3, count)


def _one_line_page() -> bytes:
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4, invariant=1)
    canvas.drawString(40, 800, "LA-2026-000001")
    canvas.showPage()
    canvas.save()
    return out.getvalue()


def sealer(folder: Path):
    """A function that seals a PDF as the app does, with a development seal key made in *folder*
    (the floors of the sealing and batch benchmarks)."""
    keys = seals.ensure_seal(folder, "LA-SDI", "LA", {"en": "Skills Development Institute"},
                             now=dt.datetime.now(dt.timezone.utc), allow_generation=True)
    return lambda pdf: sealing.seal_pdf(pdf, keys, name="Skills Development Institute", location="LA",
                                        reason="certificate")


def run_sealed(count: int) -> list[dict]:
    """Drawing plus sealing against the bare page (no seal), and sealing a certificate against
    sealing a bare one-line page with the same key: what the seal costs, and how much of it is ours."""
    with tempfile.TemporaryDirectory() as folder:
        seal = sealer(Path(folder))
        bare = _rate(bare_page, sample_views(count))
        drawn_and_sealed = _rate(lambda view: seal(render_certificate(view)), sample_views(count))
        pages = [render_certificate(view) for view in sample_views(count)]
        sealed_alone = _rate(seal, pages)
        floor = _rate(seal, [_one_line_page()] * count)
    return [_row("certificate PDF drawn and sealed (one core)", drawn_and_sealed, bare, 1.5, count),
            _row("sealing a certificate PDF (pyHanko)", sealed_alone, floor, 1.2, count)]


def write_sample(path: Path) -> None:
    path.write_bytes(render_certificate(sample_views(1)[0]))
