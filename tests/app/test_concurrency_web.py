"""Concurrency through the web pages on PostgreSQL: officers revoking and reissuing the same
certificate at the same moment get one success and clear conflict messages, never a 500."""

import re
import threading

import pytest
import sqlalchemy as sa
from certificate_fixtures import issued
from helpers import WebClient

from skills_cert.certification.models import Certificate

RACERS = 8


def test_simultaneous_revocations_and_reissues_of_one_certificate(app):
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("concurrent writers: PostgreSQL (SQLite serialises them)")
    from skills_cert.extensions import db

    setup, full, _partial = issued(app)
    with app.app_context():
        number = db.session.get(Certificate, full).number
    clients = []
    for _ in range(RACERS):
        client = WebClient(app.test_client())
        client.login(setup.officer.username)
        client.get("/lang/en")
        page = client.get(f"/certificates/{full}").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        clients.append((client, token))
    barrier = threading.Barrier(RACERS)
    answers: list[tuple[str, int, str]] = []

    def race(i: int) -> None:
        client, token = clients[i]
        if i % 2:
            kind, data = "revoke", {"version": "1", "reason": "issued_in_error", "note": "", "confirm": number}
        else:
            kind, data = "reissue", {"version": "1", "name_lao": "ສົມພອນ ແກ້ວມະນີ", "name_latin": f"Somphone {'ABCDEFGH'[i]}"}
        barrier.wait()
        response = client.post(f"/certificates/{full}/{kind}", data={**data, "csrf_token": token})
        answers.append((kind, response.status_code, response.get_data(as_text=True)))

    threads = [threading.Thread(target=race, args=(i,)) for i in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    codes = sorted(code for _kind, code, _page in answers)
    assert len(answers) == RACERS and 500 not in codes, codes
    assert codes.count(302) == 1, codes  # one officer wins
    for _kind, code, page in answers:
        if code != 302:
            assert (code == 422 and ("Someone else changed this certificate" in page
                                     or "Only a valid certificate can be" in page)) or (
                code == 409 and "Someone else changed this record at the same moment" in page), page[-1500:]
    with app.app_context():
        original = db.session.get(Certificate, full)
        replacements = db.session.scalar(sa.select(sa.func.count()).select_from(Certificate)
                                         .where(Certificate.reissue_of_id == full))
        assert original.version == 2 and original.status.value in ("revoked", "superseded")
        assert replacements == (1 if original.status.value == "superseded" else 0)
