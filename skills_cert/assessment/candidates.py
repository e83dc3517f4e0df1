"""Registering candidates, with the checks that keep certificates printable and records unique.

The name in Thai script (`name_thai`) is what a Thai employer reads. The registration form
proposes it from the Lao name (`candidate_checks.suggest_thai`, rules in `thai_script.py`) and
the assessor corrects it; this service takes what was confirmed and never invents one. A Thai
national's own name may be registered in Thai script: it is then the name in Thai script too.
Candidates registered before the field existed have none until someone adds it
(`correct_thai_name`): a machine proposal nobody looked at is never put on a certificate.
"""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import gettext as _

from skills_cert.assessment import candidate_checks as checks
from skills_cert.assessment.models import Candidate, Pathway, Sex
from skills_cert.assessment.photos import process_photo
from skills_cert.audit import log as audit
from skills_cert.database import contains
from skills_cert.errors import ServiceError, ValidationFailed

SIMILARITY = 0.85  # names at least this alike (same date of birth) are flagged as possible duplicates


@dataclass(frozen=True)
class CandidateData:
    name_lao: str
    name_latin: str
    sex: str
    date_of_birth: dt.date | None
    nationality: str
    id_type: str
    id_number: str
    pathway: str
    name_thai: str | None = None
    phone: str | None = None
    rpl_work_history: str | None = None
    rpl_portfolio: str | None = None
    photo: bytes | None = None


class PossibleDuplicates(ServiceError):
    """Candidates with a similar name and the same date of birth exist; the user must confirm."""

    def __init__(self, candidates: list[Candidate]):
        self.candidates = candidates
        super().__init__(_("Possible duplicates found."))


def _check(reasons: dict, field: str, func, *args, **kwargs):
    try:
        return func(*args, **kwargs)
    except checks.CheckFailed as exc:
        reasons.setdefault(field, []).append(str(exc))
        return None


def clean(data: CandidateData, *, today: dt.date) -> dict:
    """Validate every field; raise ValidationFailed with a message per bad field."""
    reasons: dict[str, list[str]] = {}
    nationality = _check(reasons, "nationality", checks.check_nationality, data.nationality or "")
    cleaned = {
        "name_lao": _check(reasons, "name_lao", checks.check_own_name, data.name_lao or "",
                           nationality=nationality),
        "name_latin": _check(reasons, "name_latin", checks.check_latin_name, data.name_latin or ""),
        "nationality": nationality,
        "id_number": _check(reasons, "id_number", checks.check_id_number, data.id_type, data.id_number or ""),
        "phone": _check(reasons, "phone", checks.check_phone, data.phone or ""),
        "id_type": data.id_type,
    }
    cleaned["name_thai"] = _clean_thai_name(reasons, cleaned["name_lao"], data.name_thai)
    if data.date_of_birth is None:
        reasons["date_of_birth"] = [_("Enter the date of birth.")]
    else:
        cleaned["date_of_birth"] = _check(reasons, "date_of_birth", checks.check_date_of_birth,
                                          data.date_of_birth, today=today)
    try:
        cleaned["sex"] = Sex(data.sex)
    except ValueError:
        reasons["sex"] = [_("Choose the sex.")]
    try:
        cleaned["pathway"] = Pathway(data.pathway)
    except ValueError:
        reasons["pathway"] = [_("Choose the pathway.")]
    for field in ("rpl_work_history", "rpl_portfolio"):
        text = checks.normalise_text(getattr(data, field) or "")
        if len(text) > 4000:
            reasons[field] = [_("Use at most %(n)d characters.", n=4000)]
        cleaned[field] = text or None
    if cleaned.get("pathway") is Pathway.RPL:
        if not cleaned["rpl_work_history"]:
            reasons.setdefault("rpl_work_history", []).append(
                _("For recognition of prior learning, summarise the work history."))
        if not cleaned["rpl_portfolio"]:
            reasons.setdefault("rpl_portfolio", []).append(
                _("For recognition of prior learning, summarise the portfolio of evidence."))
    if data.photo:
        cleaned["photo"] = _check(reasons, "photo", process_photo, data.photo)
    if reasons:
        raise ValidationFailed(reasons)
    return cleaned


def _clean_thai_name(reasons: dict, own_name: str | None, value: str | None) -> str | None:
    if own_name is None:  # the name itself was refused: check the Thai one on its own
        text = checks.normalise_text(value or "")
        return _check(reasons, "name_thai", checks.check_thai_name, text) if text else None
    return _check(reasons, "name_thai", checks.check_thai_spelling, value, own_name=own_name)


def thai_spelling(name_lao: str, name_thai: str | None) -> str | None:
    """Where a Thai-script name came from, for the audit trail: "own_script" (the name is in Thai
    script), "proposed" (the transliteration, unchanged), "corrected", or None (none)."""
    if name_thai is None:
        return None
    if name_thai == name_lao:
        return "own_script"
    return "proposed" if name_thai == checks.suggest_thai(name_lao) else "corrected"


def correct_thai_name(session: so.Session, candidate: Candidate, name_thai: str | None, *,
                      actor) -> bool:
    """Set or correct a registered candidate's name in Thai script (None or "" removes it).
    Certificates already issued keep the name they were issued with. True if it changed."""
    reasons: dict[str, list[str]] = {}
    cleaned = _clean_thai_name(reasons, candidate.name_lao, name_thai)
    if reasons:
        raise ValidationFailed(reasons)
    old = candidate.name_thai
    if cleaned == old:
        return False
    candidate.name_thai = cleaned
    session.flush()
    audit.record(session, actor=actor, action="candidate.name_thai", object_type="candidate",
                 object_id=candidate.id, changes={  # which field, never the name itself
                     "fields": ["name_thai"], "had_one": old is not None,
                     "thai_spelling": thai_spelling(candidate.name_lao, cleaned)})
    return True


def search_key(name_lao: str, name_latin: str) -> str:
    return f"{name_lao} | {name_latin}".casefold()


def _squash(text: str) -> str:
    return "".join(text.casefold().split())


def find_duplicates(session: so.Session, *, id_type: str, id_number: str, date_of_birth: dt.date | None,
                    name_lao: str, name_latin: str, exclude_id: int | None = None) -> tuple[Candidate | None, list[Candidate]]:
    """The candidate with the same identity document, and others with a similar name and birthday."""
    same_id = session.scalar(sa.select(Candidate).where(
        Candidate.id_type == id_type, Candidate.id_number == id_number, Candidate.id != (exclude_id or -1)))
    similar = []
    if date_of_birth is not None:
        for other in session.scalars(sa.select(Candidate).where(
                Candidate.date_of_birth == date_of_birth, Candidate.id != (exclude_id or -1))):
            if other is same_id:
                continue
            lao = difflib.SequenceMatcher(None, _squash(other.name_lao), _squash(name_lao)).ratio()
            latin = difflib.SequenceMatcher(None, _squash(other.name_latin), _squash(name_latin)).ratio()
            if max(lao, latin) >= SIMILARITY:
                similar.append(other)
    return same_id, similar


def register(session: so.Session, data: CandidateData, *, actor, today: dt.date,
             confirm_similar: bool = False) -> Candidate:
    cleaned = clean(data, today=today)
    same_id, similar = find_duplicates(
        session, id_type=cleaned["id_type"], id_number=cleaned["id_number"],
        date_of_birth=cleaned["date_of_birth"], name_lao=cleaned["name_lao"],
        name_latin=cleaned["name_latin"])
    if same_id is not None:
        raise ValidationFailed.single("id_number", _(
            "A candidate with this identity document is already registered: %(name)s (%(number)s).",
            name=same_id.name_latin, number=f"#{same_id.id}"))
    if similar and not confirm_similar:
        raise PossibleDuplicates(similar)
    photo = cleaned.pop("photo", None)
    candidate = Candidate(**cleaned, photo=photo, has_photo=photo is not None,
                          search_name=search_key(cleaned["name_lao"], cleaned["name_latin"]),
                          created_by_id=actor.id)
    session.add(candidate)
    session.flush()
    audit.record(session, actor=actor, action="candidate.create", object_type="candidate",
                 object_id=candidate.id,
                 changes={"fields": sorted(k for k, v in cleaned.items() if v is not None),
                          "photo": photo is not None, "confirmed_similar": [c.id for c in similar],
                          "thai_spelling": thai_spelling(cleaned["name_lao"], cleaned["name_thai"])})
    return candidate


def search_select(query: str = "") -> sa.Select:
    stmt = sa.select(Candidate).order_by(Candidate.id.desc())
    query = query.strip()
    if query:
        by_id = query.replace(" ", "").replace("-", "").upper()
        stmt = stmt.where(sa.or_(contains(Candidate.search_name, query.casefold()),
                                 Candidate.id_number == by_id))
    return stmt
