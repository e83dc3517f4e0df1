"""The office's verification log of a certificate says how it was checked and what the check
answered in words of the reader's language, not as channel and verdict codes."""

from certificate_fixtures import issued, verify_path
from helpers import WebClient, translated


def test_the_verification_log_is_in_words(app):
    setup, certificate_id, _statement = issued(app)
    app.test_client().get(verify_path(app, certificate_id))
    officer = WebClient(app.test_client())
    officer.login(setup.officer.username)
    page = officer.get(f"/certificates/{certificate_id}").get_data(as_text=True)  # Lao, the default
    log = page.split(translated(app, "lo", "Verifications"))[1]
    assert f'{translated(app, "lo", "QR code or link")} · {translated(app, "lo", "genuine")}' in log
    assert "· qr ·" not in log and "· genuine" not in log
