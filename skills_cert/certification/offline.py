"""Check a skills certificate's QR code, or its Open Badges credential file, offline, with nothing
but the issuer's published keys.

Usage::

    python -m skills_cert.certification.offline TOKEN_OR_URL --keys keys.json [--json]
    python -m skills_cert.certification.offline CREDENTIAL.json --keys keys.json
        [--status-list STATUS.json] [--id-number NUMBER --check-code CODE] [--json]

A credential file is checked by `offline_credential.py` (proof, key, validity period; revocation
only with the status list file).

TOKEN_OR_URL is what the QR code holds: the whole verification URL (for example
``https://verify.sdi.gov.la/v/<token>``; the last path segment is taken) or the bare token.
keys.json is the issuer's published key set (``skills_cert/keyset@1``, served by the
verification site); download it once and keep it, no network is used here.

The report says whether the facts are exactly what the issuing authority signed, and prints
every signed fact. Offline, it cannot know whether a certificate was later revoked or replaced:
check the URL online for that. The expiry date is shown, and flagged when it has passed.

Exit status: 0 genuine (the signature is valid; this does not mean "not revoked"),
1 anything else (altered, malformed, unknown key, compromised key), 2 bad usage or an
unreadable key set file.

This module imports only `skills_cert.certification.signing` and `credentials` (no Flask, no
database).
"""

from __future__ import annotations

import argparse
import datetime
import json
import sys
from pathlib import Path
from urllib.parse import urlsplit

from skills_cert.certification import offline_credential, signing

HEADLINES = {
    "genuine": "GENUINE: these are exactly the facts the issuing authority signed.",
    "altered": "ALTERED: the signature does not match. Do NOT accept this certificate.",
    "malformed": "MALFORMED: this is not a readable skills certificate code "
                 "(damaged, cut short, or not a certificate). Do NOT accept it.",
    "unknown_key": "UNKNOWN KEY: signed with a key that is not in your key set file. Get the "
                   "issuer's current key set and check again; until then do not accept it.",
    "compromised_key": "COMPROMISED KEY: the key that signed this was reported stolen, so anyone "
                       "could have made it. The facts below are NOT proof: check it online.",
}
LABELS = (
    ("number", "Certificate number"), ("kind", "Kind"), ("name_lao", "Name (Lao)"),
    ("name_latin", "Name (Latin)"), ("standard_code", "Standard"),
    ("standard_version", "Standard version"), ("level", "Level"), ("units", "Units achieved"),
    ("issued_on", "Issued on"), ("expires_on", "Expires on"), ("authority", "Issuing authority"),
    ("public_id", "Public id"), ("key_id", "Signing key"),
)
KIND_TITLES = {"certificate": "full certificate", "attainment": "statement of attainment"}


class UsageError(Exception):
    """Bad arguments or key set file: exit status 2."""


def token_from(text: str) -> str:
    """The token in a bare token or a verification URL (its last non-empty path segment)."""
    text = text.strip()
    if "/" not in text:
        return text
    segments = [part for part in urlsplit(text).path.split("/") if part]
    return segments[-1] if segments else ""


def load_keys(path: Path) -> dict[str, signing.PublishedKey]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise UsageError(f"cannot read the key set file {path}: {exc.strerror or exc}") from None
    except ValueError as exc:
        raise UsageError(f"the key set file {path} is not valid JSON: {exc}") from None
    try:
        return signing.keyset_from_json(data)
    except ValueError as exc:
        raise UsageError(f"the key set file {path} is not usable: {exc}") from None


def _key_dict(key: signing.PublishedKey | None) -> dict | None:
    if key is None:
        return None
    return {"kid": key.key_id, "authority": key.authority, "status": key.status,
            "valid_from": key.valid_from.isoformat(),
            "valid_until": key.valid_until.isoformat() if key.valid_until else None}


def report_dict(check: signing.TokenCheck, today: datetime.date) -> dict:
    facts = check.facts
    return {"outcome": check.outcome, "genuine": check.is_genuine, "detail": check.detail,
            "facts": signing.facts_as_dict(facts) if facts else None,
            "expired": (today > facts.expires_on) if facts else None,
            "checked_on": today.isoformat(), "key": _key_dict(check.key),
            "revocation_checked": False}


def report_text(check: signing.TokenCheck, today: datetime.date) -> str:
    lines = [HEADLINES[check.outcome], f"Reason: {check.detail}"]
    facts = check.facts
    if facts is not None:
        lines.append("")
        lines.append("Signed facts:" if check.is_genuine else "Claimed facts (NOT proof):")
        values = signing.facts_as_dict(facts)
        values["kind"] = f"{facts.kind} ({KIND_TITLES[facts.kind]})"
        values["units"] = ", ".join(facts.units)
        if today > facts.expires_on:
            values["expires_on"] += "  (this date has passed: the certificate has EXPIRED)"
        width = max(len(label) for _name, label in LABELS)
        lines += [f"  {label.ljust(width)}  {values[name]}" for name, label in LABELS]
    if check.key is not None:
        key = check.key
        period = (f"valid {key.valid_from} to {key.valid_until}" if key.valid_until
                  else f"valid from {key.valid_from}, still issuing")
        lines.append(f"Key named in the code: {key.key_id} ({key.authority}, {key.status}, "
                     f"{period})")
    if check.is_genuine:
        lines.append("Not checked offline: whether the certificate was later revoked or replaced. "
                     "Open the URL online to check that.")
    return "\n".join(lines)


def _is_file(text: str) -> bool:
    try:
        return Path(text).is_file()
    except (OSError, ValueError):  # a token is no file name (too long, or a NUL byte)
        return False


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m skills_cert.verify_offline",
        description="Check a skills certificate QR code, or its Open Badges 3.0 credential file, offline "
                    "against published keys.",
        epilog="Exit status: 0 genuine (a credential: genuine, within its validity period and not known "
               "to be revoked), 1 not, 2 bad usage or an unreadable file. A QR code's revocation is not "
               "checked offline; a credential's only with --status-list.")
    parser.add_argument("token", metavar="TOKEN_OR_URL_OR_CREDENTIAL",
                        help="the QR code's URL or its token, or a credential .json file")
    parser.add_argument("--keys", required=True, type=Path, metavar="KEYS_JSON",
                        help="the issuer's published key set (JSON)")
    parser.add_argument("--status-list", type=Path, metavar="STATUS_JSON",
                        help="a credential's status list credential, downloaded from its statusListCredential URL")
    parser.add_argument("--id-number", help="the number on the holder's ID card (with --check-code)")
    parser.add_argument("--check-code", help="the holder's ID check code (with --id-number)")
    parser.add_argument("--json", action="store_true", help="print a JSON report")
    args = parser.parse_args(argv)  # exits with status 2 on bad usage
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(errors="backslashreplace")  # Lao names on a non-UTF-8 terminal
    is_file = args.token.endswith(".json") or _is_file(args.token)
    if (args.id_number is None) != (args.check_code is None) or (
            not is_file and (args.status_list or args.id_number)):
        print("error: --status-list, --id-number and --check-code are for a credential file; "
              "--id-number and --check-code go together", file=sys.stderr)
        return 2
    try:
        keys = load_keys(args.keys)
        if is_file:
            return offline_credential.run(Path(args.token), keys, args.status_list, args.json, args.id_number,
                                          args.check_code)
    except (UsageError, offline_credential.CredentialFileError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    check = signing.check_token(token_from(args.token), keys)
    today = datetime.date.today()
    if args.json:
        print(json.dumps(report_dict(check, today), ensure_ascii=False, indent=2))
    else:
        print(report_text(check, today))
    return 0 if check.is_genuine else 1


if __name__ == "__main__":
    sys.exit(main())
