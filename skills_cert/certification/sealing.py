"""Sealing a certificate PDF: a PAdES baseline signature made with pyHanko.

The whole document is certified with DocMDP "no changes allowed", and the signer's chain up to the
authority's root is embedded, so any PDF reader that trusts the root validates the seal offline,
and any edit of the printed facts (an incremental update or a rewrite) breaks it. Level B-B; B-T
when a timestamp authority is configured (`TSA_URL`, RFC 3161).

A PDF is sealed each time it is served, not stored: see `documents.py` for why.
"""

from __future__ import annotations

import asyncio
import gc
import io
from concurrent.futures import ThreadPoolExecutor

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.sign.timestamps import HTTPTimeStamper, TimeStamper
from pyhanko_certvalidator.registry import SimpleCertificateStore

from skills_cert.certification.seals import SealKeys

FIELD_NAME = "AuthoritySeal"


def asn1_certificate(certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))


def _signer(keys: SealKeys) -> signers.SimpleSigner:
    key = asn1_keys.PrivateKeyInfo.load(keys.key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    root = asn1_certificate(keys.root)
    return signers.SimpleSigner(signing_cert=asn1_certificate(keys.certificate), signing_key=key,
                                cert_registry=SimpleCertificateStore.from_certs([root]))


_signers: dict[tuple[str, str], signers.SimpleSigner] = {}


def signer_for(keys: SealKeys) -> signers.SimpleSigner:
    """One pyHanko signer per seal key and process (loading the key costs more than signing)."""
    found = _signers.get((keys.authority, keys.serial))
    if found is None:
        found = _signers[keys.authority, keys.serial] = _signer(keys)
    return found


def timestamper(tsa_url: str | None) -> TimeStamper | None:
    return HTTPTimeStamper(tsa_url, timeout=10) if tsa_url else None


def seal_pdf(pdf: bytes, keys: SealKeys, *, name: str, location: str, reason: str,
             stamper: TimeStamper | None = None) -> bytes:
    """*pdf* with the authority's seal over all of it: a certification signature that allows no
    change, the chain embedded, and a timestamp when *stamper* is given."""
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME, certify=True, docmdp_permissions=fields.MDPPerm.NO_CHANGES,
        subfilter=fields.SigSeedSubFilter.PADES, md_algorithm="sha256", name=name,
        location=location, reason=reason, embed_validation_info=False)
    signer = signer_for(keys)

    async def sign() -> bytes:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
        out = await signers.async_sign_pdf(writer, meta, signer=signer, timestamper=stamper,
                                           new_field_spec=fields.SigFieldSpec(FIELD_NAME))
        return out.getvalue()
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        sealed = asyncio.run(sign())
    else:
        # pyHanko is asyncio inside; a thread that already runs an event loop (an async server, a
        # browser test's driver) hands the work to a thread of its own.
        with ThreadPoolExecutor(max_workers=1) as pool:
            sealed = pool.submit(asyncio.run, sign()).result()
    # pyHanko leaves reference cycles behind; collecting the youngest generation now (about
    # 0.1 ms) keeps a session ZIP of 500 sealed PDFs flat in memory (a third of the peak).
    gc.collect(0)
    return sealed

