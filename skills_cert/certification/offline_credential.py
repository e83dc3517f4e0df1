"""The offline verifier's report on an Open Badges 3.0 credential file (`credential.json`).

It checks, with no network and no database: the proof (eddsa-rdfc-2022, contexts from the
package), the key (in the published key set, valid on the day it signed, not compromised) and the
validity period at today's date. Revocation is checked only when the status list credential is
given as a file (`--status-list`); otherwise it is reported as "not checked offline". With
`--id-number` and `--check-code` (the holder's ID check code), it says whether the ID card's
number is the one the credential was issued for.
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path

from skills_cert.certification.credentials import badge, verifier
from skills_cert.certification.signing import PublishedKey

HEADLINES = {
    "genuine": "GENUINE: this credential is exactly what the issuing authority signed.",
    "altered": "ALTERED: the proof does not match. Do NOT accept this credential.",
    "malformed": "MALFORMED: this is not a readable skills credential. Do NOT accept it.",
    "unknown_key": "UNKNOWN KEY: signed with a key that is not in your key set file. Get the issuer's "
                   "current key set and check again; until then do not accept it.",
    "compromised_key": "COMPROMISED KEY: the key that signed this was reported stolen, so anyone could have "
                       "made it. It is NOT proof: check the certificate online.",
}
PERIODS = {"expired": "EXPIRED: its validity period has ended.",
           "not_yet_valid": "NOT YET VALID: its validity period has not started."}
STATUSES = {"not_checked": "Revocation: not checked offline (give --status-list FILE, or check online).",
            "not_revoked": "Revocation: NOT revoked, according to the status list given.",
            "revoked": "Revocation: REVOKED. Do NOT accept this credential.",
            "unusable": "Revocation: the status list given cannot be used"}


class CredentialFileError(Exception):
    """A file that cannot be read as JSON: bad usage (exit status 2)."""


def read_json(path: Path, what: str) -> object:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise CredentialFileError(f"cannot read the {what} {path}: {exc.strerror or exc}") from None
    except ValueError as exc:
        raise CredentialFileError(f"the {what} {path} is not valid JSON: {exc}") from None


def _facts(document: dict) -> dict:
    subject = document.get("credentialSubject", {})
    names = [entry.get("identityHash") for entry in subject.get("identifier", [])
             if isinstance(entry, dict) and entry.get("identityType") == "name"]
    achievement = subject.get("achievement", {})
    units = [alignment.get("targetCode") for result in subject.get("result", [])
             for alignment in result.get("alignment", [])]
    return {"number": subject.get("licenseNumber"), "holder": names, "achievement": achievement.get("name"),
            "standard": achievement.get("humanCode"), "standard_version": achievement.get("version"),
            "achievement_type": achievement.get("achievementType"), "units": units,
            "issuer": (document.get("issuer") or {}).get("name"), "valid_from": document.get("validFrom"),
            "valid_until": document.get("validUntil")}


def check(document: object, keys: dict[str, PublishedKey], status_credential: object | None,
          now: datetime.datetime, id_number: str | None = None, check_code: str | None = None) -> dict:
    """The report as plain data; "accept" is true only for a genuine, current credential that is
    not known to be revoked (and matches the ID card when one was given)."""
    result = verifier.check_credential(document, keys, status_credential)
    period = result.period(now) if result.outcome in ("genuine", "compromised_key") else None
    report = {"outcome": result.outcome, "detail": result.detail, "period": period,
              "status": result.status, "status_detail": result.status_detail,
              "key": result.key.key_id if result.key else None, "checked_at": now.isoformat(),
              "facts": _facts(document) if result.outcome in ("genuine", "compromised_key") else None,
              "id_match": None}
    if id_number is not None and check_code is not None and report["facts"] is not None:
        report["id_match"] = badge.check_identity(document, id_number, check_code)
    report["accept"] = (result.is_genuine and period == "current" and result.status in ("not_checked", "not_revoked")
                        and report["id_match"] is not False)
    return report


def report_text(report: dict) -> str:
    lines = [HEADLINES[report["outcome"]], f"Reason: {report['detail']}"]
    if report["period"] in PERIODS:
        lines.append(PERIODS[report["period"]])
    facts = report["facts"]
    if facts is not None:
        lines.append("")
        lines.append("Signed facts:" if report["outcome"] == "genuine" else "Claimed facts (NOT proof):")
        rows = [("Certificate number", facts["number"]), ("Holder", " / ".join(filter(None, facts["holder"]))),
                ("Achievement", facts["achievement"]), ("Type", facts["achievement_type"]),
                ("Standard", f"{facts['standard']} version {facts['standard_version']}"),
                ("Units achieved", ", ".join(filter(None, facts["units"]))), ("Issuer", facts["issuer"]),
                ("Valid from", facts["valid_from"]), ("Valid until", facts["valid_until"]),
                ("Signing key", report["key"])]
        width = max(len(label) for label, _value in rows)
        lines += [f"  {label.ljust(width)}  {value}" for label, value in rows]
        status = STATUSES[report["status"]]
        lines.append(status + (f": {report['status_detail']}" if report["status"] == "unusable" else ""))
    if report["id_match"] is True:
        lines.append("ID card: the number and check code MATCH this credential.")
    elif report["id_match"] is False:
        lines.append("ID card: the number and check code do NOT match this credential.")
    lines.append("")
    lines.append("ACCEPT" if report["accept"] else "DO NOT ACCEPT")
    return "\n".join(lines)


def run(path: Path, keys: dict[str, PublishedKey], status_path: Path | None, as_json: bool,
        id_number: str | None, check_code: str | None) -> int:
    """Print the report on a credential file; the exit status (0 accept, 1 do not accept)."""
    document = read_json(path, "credential file")
    status = read_json(status_path, "status list file") if status_path else None
    report = check(document, keys, status, datetime.datetime.now(datetime.timezone.utc), id_number, check_code)
    print(json.dumps(report, ensure_ascii=False, indent=2) if as_json else report_text(report))
    return 0 if report["accept"] else 1
