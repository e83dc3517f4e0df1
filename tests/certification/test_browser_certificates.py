"""Journeys: the office downloads a session's certificates as a ZIP with progress; a phone in Thai
opens a certificate's QR link and sees the verdict."""

import io
import zipfile

import pytest
from certificate_fixtures import issued, verify_path
from helpers import PASSWORD, translated

pytestmark = pytest.mark.browser


def test_session_zip_download_shows_progress(app, live_server, page, artifacts):
    setup, _full, _partial = issued(app)
    page.goto(f"{live_server}/lang/en?next=/auth/login")
    page.get_by_label("Username").fill(setup.officer.username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server}/")
    page.goto(f"{live_server}/sessions/{setup.session_id}")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download all 2 certificates as one ZIP file").click()
    assert page.locator("#zip-progress").is_visible()
    assert page.locator("#zip-bar").get_attribute("value") == "100"
    path = download_info.value.path()
    names = zipfile.ZipFile(io.BytesIO(open(path, "rb").read())).namelist()
    assert sorted(n.rsplit(".", 2)[-2:][-1] for n in names) == ["json", "json", "pdf", "pdf"]
    assert {n.removesuffix(".pdf") for n in names if n.endswith(".pdf")} == \
        {n.removesuffix(".credential.json") for n in names if n.endswith(".json")}
    page.screenshot(path=str(artifacts / "session-zip-en.png"), full_page=False)


def test_a_thai_phone_sees_genuine_and_valid(app, live_server, browser, artifacts):
    """The URL comes from the QR code of the real PDF, rasterised at 150 dpi and decoded."""
    import pypdfium2
    import zxingcpp

    from skills_cert.certification.models import Certificate
    from skills_cert.extensions import db

    _setup, full, _ = issued(app)
    with app.app_context():
        token = db.session.get(Certificate, full).download_token
    pdf = app.test_client().get(f"/d/{token}/certificate.pdf").data
    image = pypdfium2.PdfDocument(pdf)[0].render(scale=150 / 72).to_pil()
    (decoded,) = zxingcpp.read_barcodes(image)
    path = decoded.text.removeprefix(app.config["PUBLIC_BASE_URL"])
    assert path == verify_path(app, full)
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="th-TH",
                                  extra_http_headers={"Accept-Language": "th-TH,th;q=0.9"})
    phone = context.new_page()
    phone.goto(live_server + path)
    assert phone.locator("html").get_attribute("lang") == "th"
    assert phone.locator(".verdict h1").inner_text().endswith(translated(app, "th", "Genuine and valid"))
    assert "Somphone Keomany" in phone.content()
    recognition = phone.locator("#recognition-th.recognition-full .recognition-verdict").inner_text()
    assert "ช่างก่ออิฐ ระดับ 1" in recognition and "ข้อตกลง MRS ลาว–ไทย" in recognition
    phone.screenshot(path=str(artifacts / "verify-genuine-th-phone.png"), full_page=True)
    context.close()
