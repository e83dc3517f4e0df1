"""The holder's name in Thai script from candidate to certificate: first on a Thai reader's
verification page, in the API, in the Open Badges credential and in the PDF's text layer, while
the signed token keeps format 1 (the name in Thai script is not signed in it) and certificates
issued without one still verify and show none."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import jsonschema
import pytest
from assessment_fixtures import build
from certificate_fixtures import approve, verify_path
from credential_fixtures import documents_for, node_verify
from helpers import WebClient

from skills_cert.accounts.models import User
from skills_cert.assessment import candidates
from skills_cert.assessment.models import Candidate
from skills_cert.certification import signing
from skills_cert.certification.models import Certificate
from skills_cert.certification.signing import payload as payload_format
from skills_cert.extensions import db

THAI = "สมพอน แก้วมะนี"  # as proposed from ສົມພອນ ແກ້ວມະນີ (assessment_fixtures.CANDIDATES[0])
LAO = "ສົມພອນ ແກ້ວມະນີ"


def _issue(app, *, with_thai: bool = True, both: bool = False):
    """Candidate 0 gets the name in Thai script before approval; candidate 1 (when *both*) is
    issued without one, as every certificate before the field existed."""
    setup = build(app)
    with app.app_context():
        person = db.session.get(Candidate, setup.candidate_ids[0])
        if with_thai:
            candidates.correct_thai_name(db.session, person, THAI, actor=db.session.get(User, setup.assessor.id))
        db.session.commit()
    return setup, approve(app, setup, 0), approve(app, setup, 1) if both else None


def _compare_names(client, path: str, locale: str) -> list[tuple[str | None, str]]:
    page = client.get(path, headers={"Accept-Language": locale}).get_data(as_text=True)
    section = page[page.index('class="card compare"'):]
    section = section[:section.index("</section>")]
    return re.findall(r'<p class="compare-name"(?: lang="(\w+)")?>([^<]+)</p>', section)


def test_verify_page_api_and_token(app, client):
    _setup, with_thai, without = _issue(app, both=True)
    path = verify_path(app, with_thai)
    assert _compare_names(client, path, "th") == [("th", THAI), ("lo", LAO), ("", "Somphone Keomany")]
    assert _compare_names(client, path, "lo") == [("lo", LAO), ("th", THAI), ("", "Somphone Keomany")]
    older = _compare_names(client, verify_path(app, without), "th")
    assert older == [("lo", "ບຸນມີ ພົມມະຈັນ"), ("", "Bounmy Phommachanh")]  # none recorded: none shown

    spec = client.get("/api/v1/openapi.json").json
    validator = jsonschema.Draft202012Validator({"$ref": "#/components/schemas/Verification",
                                                 "components": spec["components"]})
    for certificate_id, expected in ((with_thai, THAI), (without, None)):
        answer = client.get("/api/v1/verify/" + verify_path(app, certificate_id).rsplit("/", 1)[1]).json
        validator.validate(answer)
        assert answer["verdict"] == "genuine" and answer["certificate"]["holder"]["name_thai"] == expected

    # Format 1, unchanged: the token carries the Lao and romanised names, not the Thai one.
    with app.app_context():
        certificate = db.session.get(Certificate, with_thai)
        assert certificate.name_thai == THAI
        fields = set(json.loads(certificate.payload))
        facts = signing.decode_payload(certificate.payload)
    assert fields == set(payload_format._FIELDS) | {"v"} and THAI.encode() not in certificate.payload
    assert (facts.name_lao, facts.name_latin) == (LAO, "Somphone Keomany")


def test_credential_and_pdf(app, tmp_path):
    setup, certificate_id, _none = _issue(app)
    with app.app_context():
        token = db.session.get(Certificate, certificate_id).download_token
    holder = app.test_client()
    credential = json.loads(holder.get(f"/d/{token}/credential.json").data)
    names = [entry["identityHash"] for entry in credential["credentialSubject"]["identifier"]
             if entry["identityType"] == "name"]
    assert names == [LAO, "Somphone Keomany", THAI]
    result, = node_verify([{"credential": credential, "checkStatus": True}], documents_for(holder, credential))
    assert result["accepted"] is True, result

    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (Debian poppler-utils) is not installed")
    office = WebClient(app.test_client())
    office.login(setup.officer.username)
    pdf = office.get(f"/certificates/{certificate_id}/pdf")
    assert pdf.status_code == 200
    (tmp_path / "c.pdf").write_bytes(pdf.data)
    text = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(tmp_path / "c.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    lines = [line.strip() for line in text.splitlines()]
    assert lines.index(THAI) == lines.index(LAO) + 1  # under the Lao name
    flat = " ".join(text.split())
    assert "verify.sdi.gov.la/verify" in flat and "the holder's date of birth" in flat
    assert "วันเกิดของผู้ถือ" in flat.replace(" ", "")
