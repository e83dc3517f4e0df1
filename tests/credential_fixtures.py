"""Credentials as a third party sees them: fetched over HTTP from the app, and verified by Digital
Bazaar's JavaScript libraries (tests/vc_verifier) as well as by our own verifier."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from certificate_fixtures import need_tool

from skills_cert.certification.credentials import contexts

VERIFIER = Path(__file__).parent / "vc_verifier"


def path_of(url: str) -> str:
    """The app's path for one of its own public URLs."""
    return urlsplit(url).path


def fetch_json(client, url: str, status: int = 200) -> dict:
    response = client.get(path_of(url))
    assert response.status_code == status, (url, response.status_code, response.get_data(as_text=True)[:300])
    return json.loads(response.get_data(as_text=True))


def documents_for(client, credential: dict) -> dict:
    """What a verifier's document loader may serve: the bundled contexts, the issuer's DID
    document and the credential's status list, each fetched from the app."""
    documents = {url: contexts.context_document(url) for url in contexts.BUNDLED}
    issuer = credential["issuer"]["id"] if isinstance(credential["issuer"], dict) else credential["issuer"]
    authority = issuer.rsplit(":", 1)[1]
    documents[issuer] = fetch_json(client, f"/issuers/{authority}/did.json")
    status = credential.get("credentialStatus")
    if isinstance(status, dict):
        documents[status["statusListCredential"]] = fetch_json(client, status["statusListCredential"])
    return documents


def node_verify(cases: list[dict], documents: dict) -> list[dict]:
    """Digital Bazaar's verdict on each case ({"credential", "now"?, "checkStatus"?}), in one Node
    process: a failure under CI=true when Node or the libraries are missing, else a skip."""
    node = need_tool("node", "nodejs")
    if not (VERIFIER / "node_modules" / "@digitalbazaar" / "vc").is_dir():
        message = "the independent verifier is not installed: run `make test` (npm ci --prefix tests/vc_verifier)"
        if os.environ.get("CI") == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    completed = subprocess.run([node, str(VERIFIER / "verify.mjs")], input=json.dumps(
        {"cases": cases, "documents": documents}), capture_output=True, text=True, timeout=120, cwd=VERIFIER)
    assert completed.returncode == 0, completed.stderr[-3000:]
    return json.loads(completed.stdout)
