"""Every certificate is also an Open Badges 3.0 credential: fetched over HTTP as any holder, wallet
or verifier would, and checked by someone else's code (Digital Bazaar's libraries) as well as by
our own verifier and the offline command, on both databases."""

from __future__ import annotations

import copy
import datetime as dt
import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import jsonschema
import pikepdf
import pytest
from certificate_fixtures import issued
from credential_fixtures import documents_for, fetch_json, node_verify, path_of
from helpers import WebClient

from skills_cert.certification import keys as key_service
from skills_cert.certification.credentials import badge, verifier
from skills_cert.certification.models import Certificate, IssuedCredential
from skills_cert.certification.signing import keyset_from_json
from skills_cert.extensions import db

SCHEMA = Path(badge.__file__).parent / "schemas" / "ob_v3p0_achievementcredential_schema.json"


@pytest.fixture()
def certs(app):
    return issued(app)


def _officer(app, setup) -> WebClient:
    client = WebClient(app.test_client())
    client.login(setup.officer.username)
    client.get("/lang/en")
    return client


def _certificate(app, certificate_id: int) -> Certificate:
    with app.app_context():
        certificate = db.session.get(Certificate, certificate_id)
        db.session.expunge(certificate)
        return certificate


def _download(app, certificate_id: int) -> tuple[dict, bytes]:
    """The credential from the holder's personal link, as they would download it."""
    token = _certificate(app, certificate_id).download_token
    response = app.test_client().get(f"/d/{token}/credential.json")
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/json"
    assert response.headers["Content-Disposition"].endswith('.credential.json"')
    return json.loads(response.data), response.data


def _keys(client) -> dict:
    return keyset_from_json(fetch_json(client, "/.well-known/skills-cert-keys.json"))


def _changed(credential: dict, change) -> dict:
    altered = copy.deepcopy(credential)
    change(altered)
    return altered


ALTERATIONS = {
    "holder name": lambda c: c["credentialSubject"]["identifier"][1].update(identityHash="Somphone Forged"),
    "level": lambda c: c["credentialSubject"]["achievement"]["tag"].__setitem__(0, "Level 3"),
    "a unit": lambda c: c["credentialSubject"]["result"][0]["alignment"][0].update(targetCode="LA-CON-XXX-99"),
    "validUntil": lambda c: c.update(validUntil="2099-01-01T00:00:00Z"),
    "issuer": lambda c: c["issuer"].update(id=c["issuer"]["id"].replace("LA-SDI", "TH-DSD")),
    "an added property": lambda c: c["credentialSubject"].update(nickname="anything"),
}


def test_a_certificate_is_an_open_badge_that_digital_bazaar_and_our_verifier_accept(app, certs):
    setup, full, partial = certs
    client = app.test_client()
    credential, raw = _download(app, full)
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["@context"] == ["https://www.w3.org/ns/credentials/v2",
                                      "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]
    assert credential["issuer"]["id"].startswith("did:web:") and credential["issuer"]["id"].endswith(":issuers:LA-SDI")
    assert credential["proof"][0]["cryptosuite"] == "eddsa-rdfc-2022"
    subject = credential["credentialSubject"]
    certificate = _certificate(app, full)
    assert subject["licenseNumber"] == certificate.number
    assert [entry["identityHash"] for entry in subject["identifier"][:2]] == [certificate.name_lao,
                                                                            certificate.name_latin]
    assert [r["alignment"][0]["targetCode"] for r in subject["result"]] == certificate.units
    assert subject["achievement"]["achievementType"] == "Certificate"
    assert credential["validUntil"].startswith(certificate.expires_on.isoformat())
    # The same bytes every time, from every route.
    assert _download(app, full)[1] == raw
    assert client.get(f"/api/v1/credentials/{certificate.public_id}").data == raw
    assert _officer(app, setup).get(f"/certificates/{full}/credential.json").data == raw

    jsonschema.Draft201909Validator(json.loads(SCHEMA.read_text())).validate(credential)
    documents = documents_for(client, credential)
    attainment, _raw = _download(app, partial)
    assert attainment["credentialSubject"]["achievement"]["achievementType"] == "ext:StatementOfAttainment"
    jsonschema.Draft201909Validator(json.loads(SCHEMA.read_text())).validate(attainment)
    results = node_verify([{"credential": credential, "checkStatus": True},
                           {"credential": attainment, "checkStatus": True}], documents)
    assert results[0] == {"accepted": True, "verified": True, "error": None,
                          "status": {"verified": True, "revoked": [False], "error": None}}, results[0]
    assert results[1]["accepted"] is True, results[1]
    status_list = fetch_json(client, credential["credentialStatus"]["statusListCredential"])
    for document in (credential, attainment):
        ours = verifier.check_credential(document, _keys(client), status_list)
        assert (ours.outcome, ours.status) == ("genuine", "not_revoked"), ours


def test_every_altered_copy_fails_in_both_verifiers(app, certs):
    _setup, full, _partial = certs
    client = app.test_client()
    credential, _raw = _download(app, full)
    keys = _keys(client)
    documents = documents_for(client, credential)
    altered = {name: _changed(credential, change) for name, change in ALTERATIONS.items()}
    for name, document in altered.items():
        assert document != credential, name
        assert not verifier.check_credential(document, keys).is_genuine, name
    results = node_verify([{"credential": document} for document in altered.values()], documents)
    for name, result in zip(altered, results):
        assert result["verified"] is False and result["accepted"] is False, (name, result)


def test_a_revoked_certificate_fails_the_status_check_in_both_verifiers(app, certs, tmp_path):
    setup, full, _partial = certs
    client = app.test_client()
    credential, _raw = _download(app, full)
    certificate = _certificate(app, full)
    response = _officer(app, setup).submit(f"/certificates/{full}/revoke", {
        "version": certificate.version, "reason": "fraud", "note": "", "confirm": certificate.number},
        form_url=f"/certificates/{full}")
    assert response.status_code == 302
    status_list = fetch_json(client, credential["credentialStatus"]["statusListCredential"])
    ours = verifier.check_credential(credential, _keys(client), status_list)
    assert (ours.outcome, ours.status) == ("genuine", "revoked"), ours
    result, = node_verify([{"credential": credential, "checkStatus": True}], documents_for(client, credential))
    assert result["status"] == {"verified": True, "revoked": [True], "error": None}, result
    assert result["accepted"] is False
    # The offline command, given the list as published now, says so and fails.
    (tmp_path / "credential.json").write_text(json.dumps(credential))
    (tmp_path / "keys.json").write_bytes(client.get("/.well-known/skills-cert-keys.json").data)
    (tmp_path / "status.json").write_text(json.dumps(status_list))
    offline = subprocess.run([sys.executable, "-m", "skills_cert.verify_offline", str(tmp_path / "credential.json"),
                              "--keys", str(tmp_path / "keys.json"), "--status-list", str(tmp_path / "status.json"),
                              "--json"], capture_output=True, text=True, timeout=120)
    assert offline.returncode == 1, offline.stdout + offline.stderr
    assert json.loads(offline.stdout)["status"] == "revoked"
    # No new copy is handed out for a revoked certificate, from any route.
    assert client.get(f"/api/v1/credentials/{certificate.public_id}").status_code == 410
    assert client.get(f"/d/{certificate.download_token}/credential.json").status_code == 410


def test_a_credential_signed_by_a_key_later_marked_compromised_is_reported(app, certs):
    _setup, full, _partial = certs
    client = app.test_client()
    credential, _raw = _download(app, full)
    with app.app_context():
        key_id = db.session.scalar(db.select(IssuedCredential.key_id))
        key_service.mark_compromised(db.session, key_id, today=dt.date.today())
        db.session.commit()
    did = fetch_json(client, "/issuers/LA-SDI/did.json")
    method = f"{credential['issuer']['id']}#{key_id}"
    assert method not in did["assertionMethod"]
    assert [m.get("revoked") for m in did["verificationMethod"] if m["id"] == method][0]
    ours = verifier.check_credential(credential, _keys(client))
    assert ours.outcome == "compromised_key", ours
    result, = node_verify([{"credential": credential}], documents_for(client, credential))
    assert result["verified"] is False, result


def test_an_expired_credential_fails_in_both_verifiers(app, certs):
    _setup, full, _partial = certs
    client = app.test_client()
    credential, _raw = _download(app, full)
    later = dt.datetime.fromisoformat(credential["validUntil"].replace("Z", "+00:00")) + dt.timedelta(days=1)
    result, = node_verify([{"credential": credential, "now": later.isoformat()}], documents_for(client, credential))
    assert result["verified"] is False and "validUntil" in (result["error"] or ""), result
    assert verifier.check_credential(credential, _keys(client)).period(later) == "expired"


def test_the_offline_command_agrees_and_checks_the_id_card(app, certs, tmp_path):
    setup, full, _partial = certs
    client = app.test_client()
    credential, raw = _download(app, full)
    (tmp_path / "credential.json").write_bytes(raw)
    (tmp_path / "keys.json").write_bytes(client.get("/.well-known/skills-cert-keys.json").data)
    (tmp_path / "altered.json").write_text(json.dumps(_changed(credential, ALTERATIONS["a unit"])))
    (tmp_path / "status.json").write_bytes(client.get(path_of(
        credential["credentialStatus"]["statusListCredential"])).data)
    certificate = _certificate(app, full)
    page = client.get(f"/d/{certificate.download_token}").get_data(as_text=True)
    with app.app_context():
        row = db.session.scalar(db.select(IssuedCredential).where(IssuedCredential.certificate_id == full))
        code = "-".join(row.id_salt[i:i + 4] for i in range(0, len(row.id_salt), 4)).upper()
        id_number = db.session.get(Certificate, full).candidate.id_number
    assert code in page, "the holder's page shows the ID check code"
    for secret in (id_number, row.id_salt):
        assert secret not in raw.decode(), "the credential holds neither the ID number nor the salt"

    def offline(*args):
        return subprocess.run([sys.executable, "-m", "skills_cert.verify_offline", *args, "--keys",
                               str(tmp_path / "keys.json")], capture_output=True, text=True, timeout=120)

    genuine = offline(str(tmp_path / "credential.json"))
    assert genuine.returncode == 0 and genuine.stdout.startswith("GENUINE"), genuine.stdout + genuine.stderr
    assert "not checked offline" in genuine.stdout and certificate.number in genuine.stdout
    with_status = offline(str(tmp_path / "credential.json"), "--status-list", str(tmp_path / "status.json"), "--json")
    assert json.loads(with_status.stdout)["status"] == "not_revoked"
    assert offline(str(tmp_path / "altered.json")).returncode == 1
    matched = offline(str(tmp_path / "credential.json"), "--id-number", id_number, "--check-code", code, "--json")
    assert json.loads(matched.stdout)["id_match"] is True
    other = offline(str(tmp_path / "credential.json"), "--id-number", "999999999", "--check-code", code)
    assert other.returncode == 1 and "do NOT match" in other.stdout
    missing = offline(str(tmp_path / "nothing.json"))
    assert missing.returncode == 2 and "cannot read" in missing.stderr


def test_the_credential_travels_inside_the_pdf_and_the_session_zip(app, certs):
    setup, full, partial = certs
    credential, raw = _download(app, full)
    officer = _officer(app, setup)
    pdf = officer.get(f"/certificates/{full}/pdf").data
    with pikepdf.open(io.BytesIO(pdf)) as document:
        attached = document.attachments["open-badge-credential.json"].get_file().read_bytes()
    assert attached == raw
    with app.app_context():
        session_id = db.session.get(Certificate, full).assessment.session_id
    archive = zipfile.ZipFile(io.BytesIO(officer.get(f"/sessions/{session_id}/certificates.zip").data))
    number = _certificate(app, full).number
    assert archive.read(f"{number}.credential.json") == raw
    assert f"{_certificate(app, partial).number}.credential.json" in archive.namelist()


def test_public_documents_behind_a_credential(app, certs):
    _setup, full, _partial = certs
    client = app.test_client()
    credential, _raw = _download(app, full)
    achievement = credential["credentialSubject"]["achievement"]
    page = client.get(path_of(achievement["id"]), headers={"Accept-Language": "th"})
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    for alignment in achievement["alignment"]:
        assert f'id="{alignment["targetCode"]}"' in text
    assert client.get("/achievements/LA-CON-BRL-L1/999").status_code == 404
    assert client.get("/achievements/%3Cscript%3E/1").status_code == 404
    assert client.get("/issuers/XX-NONE/did.json").status_code == 404
    for path in ("/credentials/status/LA-SDI/2", "/credentials/status/LA-SDI/0",
                 "/credentials/status/LA-SDI/99999999999999999999999", "/achievements/LA-CON-BRL-L1/99999999999999999999"):
        assert client.get(path).status_code == 404, path
    assert client.get("/api/v1/credentials/" + "a" * 26).status_code == 404
    assert client.get("/api/v1/credentials/not-an-id").status_code == 404


def test_a_rotated_key_keeps_old_credentials_valid_and_a_reissue_gets_a_new_credential(app, certs):
    setup, full, _partial = certs
    client = app.test_client()
    old, _raw = _download(app, full)
    with app.app_context():
        key_service.rotate(db.session, "LA-SDI", Path(app.config["SIGNING_KEY_DIR"]), today=dt.date.today())
        db.session.commit()
    certificate = _certificate(app, full)
    response = _officer(app, setup).submit(f"/certificates/{full}/reissue", {
        "version": certificate.version, "name_lao": certificate.name_lao, "name_latin": "Somphone Keomany Jr"},
        form_url=f"/certificates/{full}")
    assert response.status_code == 302
    new_id = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    new, _raw = _download(app, new_id)
    assert new["credentialSubject"]["identifier"][1]["identityHash"] == "Somphone Keomany Jr"
    assert new["proof"][0]["verificationMethod"] != old["proof"][0]["verificationMethod"]  # the new key
    keys = _keys(client)
    lists = {url: fetch_json(client, url) for url in {c["credentialStatus"]["statusListCredential"] for c in (old, new)}}
    replaced = verifier.check_credential(old, keys, lists[old["credentialStatus"]["statusListCredential"]])
    current = verifier.check_credential(new, keys, lists[new["credentialStatus"]["statusListCredential"]])
    assert (replaced.outcome, replaced.status) == ("genuine", "revoked"), replaced  # superseded sets its bit
    assert (current.outcome, current.status) == ("genuine", "not_revoked"), current
    documents = documents_for(client, old) | {url: document for url, document in lists.items()}
    old_result, new_result = node_verify([{"credential": old, "checkStatus": True},
                                          {"credential": new, "checkStatus": True}], documents)
    assert old_result["verified"] and old_result["status"]["revoked"] == [True], old_result
    assert new_result["accepted"], new_result


def test_without_a_usable_signing_key_production_answers_503_not_500(app, certs, monkeypatch, tmp_path):
    """Production never makes a key on the fly: with the authority's only key compromised and no
    new one started, a credential or a status list cannot be signed; every route says so."""
    setup, full, _partial = certs
    monkeypatch.setitem(app.config, "ENV_NAME", "production")
    with app.app_context():
        for key in key_service.published_keys(db.session).values():
            key_service.mark_compromised(db.session, key.key_id, today=dt.date.today())
        db.session.commit()
    certificate = _certificate(app, full)
    client = app.test_client()
    assert client.get(f"/d/{certificate.download_token}/credential.json").status_code == 503
    assert client.get(f"/api/v1/credentials/{certificate.public_id}").status_code == 503
    assert client.get("/credentials/status/LA-SDI/1").status_code == 503
    page = client.get(f"/d/{certificate.download_token}", headers={"Accept-Language": "en"})
    assert page.status_code == 200 and "ID check code" not in page.get_data(as_text=True)
    export = app.test_cli_runner().invoke(args=["certificates", "export", certificate.number, "-o", str(tmp_path)])
    assert export.exit_code == 1 and "cannot be signed" in export.output
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(IssuedCredential.id))) == 0
