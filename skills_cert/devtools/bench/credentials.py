"""Open Badges credentials signed per second (eddsa-rdfc-2022: RDF canonicalisation by pyld, then
Ed25519) against a bare Ed25519 signature of the same canonical bytes, and credentials verified
per second by our Python verifier against Digital Bazaar's JavaScript verifier (tests/vc_verifier,
timed inside Node, without its start-up), on the same credentials, one core each."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
import subprocess
import time

import yaml
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from skills_cert.certification import signing
from skills_cert.certification.credentials import badge, contexts, issuers, proofs, status_list, verifier
from skills_cert.config import ROOT

BASE = "https://verify.sdi.gov.la"
NAMES = ["ສົມພອນ ແກ້ວມະນີ", "ບຸນມີ ພົມມະຈັນ", "ວຽງຄຳ ໄຊຍະວົງ", "ຄຳໃສ ວົງສາ"]
VERIFIER = ROOT / "tests" / "vc_verifier"


def sample_documents(count: int) -> list[dict]:
    """Unsigned credentials that differ in number, holder and ID hash, as a session's would."""
    doc = yaml.safe_load((ROOT / "standards" / "la" / "LA-CON-BRL-L1-v1.yaml").read_text("utf-8"))
    units = tuple(badge.UnitFacts(u["code"], u["title"]) for u in doc["units"])
    text = {lang: doc["title"][lang] for lang in badge.LANGUAGES}
    achievement = badge.AchievementFacts(
        url=f"{BASE}/achievements/{doc['code']}/{doc['version']}", code=doc["code"], version=doc["version"],
        name=text, description=text, narrative=text, isco=doc["occupation"]["isco"],
        tags=(f"Level {doc['level']}",), units=units, earlier_versions=())
    documents = []
    for i in range(count):
        documents.append(badge.credential_document(badge.CredentialFacts(
            credential_url=f"{BASE}/api/v1/credentials/{i:026d}", number=f"LA-2026-{i + 1:06d}",
            kind="certificate", name=text, description=text,
            issuer_id=issuers.issuer_did(BASE, "LA-SDI"), issuer_name=doc["authority"]["name"], issuer_url=BASE,
            name_lao=NAMES[i % len(NAMES)], name_latin=f"Somphone Keomany {i}", id_type="passport",
            identity_hash=badge.identity_hash(f"P{i:07d}", f"{i:032x}"), achievement=achievement,
            units=tuple(u.code for u in units), pathway=text, pathway_code="regular",
            assessed_on=dt.date(2026, 3, 1), evidence=text, valid_from=dt.date(2026, 3, 14),
            valid_until=dt.date(2031, 3, 14), status_list_url=f"{BASE}/credentials/status/LA-SDI/1",
            status_index=i)))
    return documents


def _per_second(func, items) -> float:
    func(items[0])  # warm the context cache outside the timing
    start = time.perf_counter()
    for item in items:
        func(item)
    return len(items) / (time.perf_counter() - start)


def _row(name, rate, floor, detail, count) -> dict:
    return {"name": name, "figure": f"{rate:.0f} /s", "floor": f"{floor:.0f} /s",
            "ratio": round(floor / rate, 1), "goal": "reported", "meets_goal": True, "detail": detail,
            "per_second": round(rate, 1), "floor_per_second": round(floor, 1), "count": count}


def run(count: int) -> list[dict]:
    key = Ed25519PrivateKey.generate()
    did = issuers.issuer_did(BASE, "LA-SDI")
    published = signing.PublishedKey(key_id=signing.key_id_for(key.public_key()), authority="LA-SDI",
                                     public_key=key.public_key(), valid_from=dt.date(2026, 1, 1),
                                     valid_until=None, status="active")
    method = issuers.verification_method(did, published.key_id)
    now = dt.datetime(2026, 3, 14, 9, tzinfo=dt.timezone.utc)
    documents = sample_documents(count)
    signed = [proofs.add_proof(document, key, method, now) for document in documents]
    canonical = [hashlib.sha256(proofs.canonical_nquads(d).encode()).digest() * 2 for d in documents]
    signing_rate = _per_second(lambda d: proofs.add_proof(d, key, method, now), documents)
    bare = _per_second(key.sign, canonical)
    rows = [_row("credentials signed (eddsa-rdfc-2022)", signing_rate, bare,
                 "floor: a bare Ed25519 signature of the same 64 bytes; the rest is RDF canonicalisation",
                 count)]
    # Both verifiers check the proof, the dates and the revocation bit, which means the status
    # list's own proof too.
    list_url = signed[0]["credentialStatus"]["statusListCredential"]
    status = proofs.add_proof(status_list.list_credential(list_url, did, [], now), key, method, now)
    keys = {published.key_id: published}
    verify_rate = _per_second(lambda d: verifier.check_credential(d, keys, status), signed)
    node = shutil.which("node")
    if node is None or not (VERIFIER / "node_modules").is_dir():
        return rows + [{"name": "credentials verified, Python vs Node", "error": "Node.js or "
                        "tests/vc_verifier/node_modules is missing (make test installs them)", "goal": "reported",
                        "meets_goal": False}]
    loader = {url: contexts.context_document(url) for url in contexts.BUNDLED}
    loader[did] = issuers.did_document(did, [published])
    loader[list_url] = status
    completed = subprocess.run([node, str(VERIFIER / "verify.mjs")], input=json.dumps(
        {"cases": [{"credential": d, "checkStatus": True} for d in signed], "documents": loader, "timed": True}),
        capture_output=True, text=True, timeout=600, cwd=VERIFIER, check=True)
    output = json.loads(completed.stdout)
    if not all(result["accepted"] for result in output["results"]):
        raise RuntimeError("the Node verifier refused a credential: " + json.dumps(output["results"][0]))
    rows.append(_row("credentials verified, Python (Node is the floor)", verify_rate,
                     len(signed) / output["seconds"],
                     "floor: Digital Bazaar's @digitalbazaar/vc on Node, same credentials, timed inside Node",
                     count))
    return rows
