"""Recognition of a certificate in another country, derived from the MRS mappings in force.

Nothing here is stored: recognition is computed from the certificate's standard version, the units
it records as achieved, and the agreements as they stand on the day asked about. Suspending or
withdrawing an agreement therefore changes the answer from that day, while the certificate itself
stays valid; the two life cycles are separate.

- full: every required destination unit (every core unit, plus the number of electives the
  destination standard asks for) is covered by an `equivalent` mapping whose origin units were all
  achieved;
- partial: at least one destination unit is covered, but not all that are required; the missing
  units are listed with what would close each gap;
- none: nothing is covered, or no agreement for the standard is in force that day.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Iterable

import sqlalchemy as sa
import sqlalchemy.orm as so

from skills_cert.recognition.models import (
    Agreement,
    AgreementEvent,
    AgreementStatus,
    Relation,
    StandardMapping,
    UnitMapping,
)
from skills_cert.standards.models import Standard, Text3, Unit

FULL, PARTIAL, NONE = "full", "partial", "none"
COVERED, PARTLY, MISSING = "covered", "partly", "missing"


@dataclass(frozen=True)
class Entry:
    """One unit mapping, as the engine needs it."""

    origin: tuple[str, ...]
    destination: tuple[str, ...]
    relation: Relation
    gap: Text3 | None = None


@dataclass(frozen=True)
class DestinationUnit:
    code: str
    title: Text3
    core: bool


@dataclass(frozen=True)
class UnitCoverage:
    code: str
    title: Text3
    required: bool
    state: str  # covered | partly | missing
    by: tuple[str, ...]  # origin units that cover it (equivalent) or part of it (partial)
    gaps: tuple[Text3, ...]  # what the partial mappings say is missing
    bridging: Text3 | None  # what would close the gap, from the mapping


@dataclass(frozen=True)
class Coverage:
    outcome: str
    units: tuple[UnitCoverage, ...]

    @property
    def missing(self) -> list[UnitCoverage]:
        """Required destination units not covered, the gap a worker would have to close."""
        return [u for u in self.units if u.required and u.state != COVERED]

    @property
    def required_count(self) -> int:
        return sum(1 for u in self.units if u.required)

    @property
    def covered_count(self) -> int:
        return sum(1 for u in self.units if u.required and u.state == COVERED)


def cover(units: Iterable[DestinationUnit], entries: Iterable[Entry], achieved: Iterable[str], *,
          electives_required: int = 0, bridging: dict[str, Text3] | None = None) -> Coverage:
    """The pure core: which destination units the achieved origin units cover."""
    achieved = set(achieved)
    applicable = [e for e in entries if set(e.origin) <= achieved]
    bridging = bridging or {}
    result = []
    for unit in units:
        equivalent = [e for e in applicable if e.relation is Relation.EQUIVALENT and unit.code in e.destination]
        partial = [e for e in applicable if e.relation is Relation.PARTIAL and unit.code in e.destination]
        if equivalent:
            state, by = COVERED, equivalent
        elif partial:
            state, by = PARTLY, partial
        else:
            state, by = MISSING, []
        result.append(UnitCoverage(
            code=unit.code, title=unit.title, required=unit.core, state=state,
            by=tuple(dict.fromkeys(code for e in by for code in e.origin)),
            gaps=tuple(e.gap for e in partial if e.gap) if state != COVERED else (),
            bridging=bridging.get(unit.code) if state != COVERED else None))
    # Electives: the destination standard asks for a number of them; covered ones count first.
    electives = [u for u in result if not u.required]
    covered_electives = [u for u in electives if u.state == COVERED]
    needed = max(electives_required - len(covered_electives), 0)
    if needed:
        wanting = [u for u in electives if u.state != COVERED][:needed]
        result = [UnitCoverage(**{**u.__dict__, "required": True}) if u in wanting else u for u in result]
    required = [u for u in result if u.required]
    if required and all(u.state == COVERED for u in required) and len(covered_electives) >= electives_required:
        outcome = FULL
    elif any(u.state == COVERED for u in result):
        outcome = PARTIAL
    else:
        outcome = NONE
    return Coverage(outcome, tuple(result))


@dataclass(frozen=True)
class Recognition:
    """Recognition in one destination standard, on one day."""

    on: dt.date
    outcome: str  # full | partial | none
    reason: str | None  # for none: in_force (nothing covered), suspended, withdrawn, expired, not_yet
    country: str
    agreement_code: str
    agreement_version: int
    agreement_title: Text3
    agreement_reference: str
    agreement_illustrative: bool
    agreement_status: str  # the status that day
    status_since: dt.date | None
    destination_code: str
    destination_version: int
    destination_title: Text3
    destination_level: int
    destination_authority: Text3
    coverage: Coverage

    @property
    def missing(self) -> list[UnitCoverage]:
        return self.coverage.missing if self.outcome == PARTIAL else []

    def as_json(self) -> dict:
        """The machine-readable form, for the API."""
        return {
            "country": self.country,
            "outcome": self.outcome,
            "reason": self.reason,
            "on": self.on.isoformat(),
            "agreement": {"code": self.agreement_code, "version": self.agreement_version,
                          "title": self.agreement_title, "reference": self.agreement_reference,
                          "illustrative": self.agreement_illustrative, "status": self.agreement_status,
                          "status_since": self.status_since.isoformat() if self.status_since else None},
            "destination_standard": {"code": self.destination_code, "version": self.destination_version,
                                     "title": self.destination_title, "level": self.destination_level,
                                     "authority": self.destination_authority},
            "units_required": self.coverage.required_count,
            "units_covered": self.coverage.covered_count if self.reason in (None, "in_force") else 0,
            "not_covered": [{"code": u.code, "title": u.title, "partly_covered_by": list(u.by) if u.state == PARTLY else [],
                             "gaps": list(u.gaps), "bridging": u.bridging} for u in self.missing],
        }


def _status_reason(agreement: Agreement, on: dt.date) -> tuple[str, str]:
    """(status that day, reason code) for an agreement that may or may not be in force."""
    status = agreement.status_on(on)
    if on < agreement.effective_from:
        return status.value, "not_yet"
    if agreement.effective_until and on > agreement.effective_until:
        return "expired", "expired"
    if status is AgreementStatus.IN_FORCE:
        return status.value, "in_force"
    if status is AgreementStatus.DRAFT:
        return status.value, "not_yet"
    return status.value, status.value


def mappings_for(session: so.Session, standard_id: int) -> list[StandardMapping]:
    """Every mapping of this origin standard version under an agreement that is not a draft."""
    return list(session.scalars(
        sa.select(StandardMapping)
        .join(Agreement)
        .where(StandardMapping.origin_standard_id == standard_id, Agreement.status != AgreementStatus.DRAFT)
        # Only the columns recognition reads: the units' long texts (application, evidence,
        # conditions) and the mappings' justifications cost more to decode than the rest together.
        .options(so.selectinload(StandardMapping.units).load_only(
                     UnitMapping.position, UnitMapping.origin_units, UnitMapping.destination_units,
                     UnitMapping.relation, UnitMapping.gap),
                 so.joinedload(StandardMapping.agreement).selectinload(Agreement.events),
                 so.joinedload(StandardMapping.destination).joinedload(Standard.authority),
                 so.joinedload(StandardMapping.destination).selectinload(Standard.units).load_only(
                     Unit.position, Unit.code, Unit.title, Unit.is_core))
        .order_by(Agreement.effective_from.desc(), Agreement.version.desc())).unique())


def recognitions(session: so.Session, standard_id: int, achieved: Iterable[str], on: dt.date) -> list[Recognition]:
    """Recognition of these achieved units in every destination standard that an agreement maps
    this standard version to. Per destination standard, the agreement in force that day is used;
    if none is, the most recent one explains why not."""
    achieved = tuple(achieved)
    chosen: dict[str, StandardMapping] = {}
    for mapping in mappings_for(session, standard_id):
        key = mapping.destination.code
        current = chosen.get(key)
        if current is None or (mapping.agreement.in_force_on(on) and not current.agreement.in_force_on(on)):
            chosen[key] = mapping
    return [recognition_under(mapping, achieved, on) for mapping in chosen.values()]


def recognition_under(mapping: StandardMapping, achieved: Iterable[str], on: dt.date) -> Recognition:
    agreement = mapping.agreement
    destination = mapping.destination
    status, reason = _status_reason(agreement, on)
    coverage = cover(
        [DestinationUnit(u.code, u.title, u.is_core) for u in destination.units],
        [Entry(tuple(e.origin_units), tuple(e.destination_units), e.relation, e.gap) for e in mapping.units],
        achieved, electives_required=destination.packaging_electives, bridging=mapping.bridging)
    outcome = coverage.outcome if reason == "in_force" else NONE
    return Recognition(
        on=on, outcome=outcome, reason=None if outcome != NONE else reason,
        country=agreement.destination_country, agreement_code=agreement.code,
        agreement_version=agreement.version, agreement_title=agreement.title,
        agreement_reference=agreement.reference, agreement_illustrative=agreement.is_illustrative,
        agreement_status=status,
        status_since=_since(agreement, on), destination_code=destination.code,
        destination_version=destination.version, destination_title=destination.title,
        destination_level=destination.level, destination_authority=destination.authority.name,
        coverage=coverage)


def _since(agreement: Agreement, on: dt.date) -> dt.date | None:
    days = [e.effective_on for e in agreement.events if e.effective_on <= on]
    return days[-1] if days else None



_STAMP = sa.select(sa.func.count(AgreementEvent.id), sa.func.max(AgreementEvent.id),
                   sa.func.max(AgreementEvent.recorded_at))


def mrs_stamp(session: so.Session) -> tuple:
    """What changes whenever recognition could: agreements that are not drafts are frozen, so only
    their status events (appended, never edited) change the answer. One small aggregate query, run
    on the session's connection (Core, not the ORM's execution: it runs on every verification)."""
    return tuple(session.connection().execute(_STAMP).one())


class _Cache:
    """The most recently used answers, per process, keyed by the MRS stamp: a status change in
    any worker changes the stamp every worker reads, so no answer outlives the data it came from."""

    def __init__(self, size: int):
        self.size = size
        self._items: OrderedDict[tuple, tuple[Recognition, ...]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple) -> tuple[Recognition, ...] | None:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, key: tuple, value: tuple[Recognition, ...]) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


_cache = _Cache(1024)


def for_certificate(session: so.Session, certificate, on: dt.date) -> list[Recognition]:
    """Recognition of a certificate's achieved units abroad on *on*, strongest first.

    Certificates of one standard version mostly record the same units, so the answer is cached
    per (standard version, achieved units, day) for as long as the MRS stamp does not change."""
    return list(cached(session, certificate.standard_id, certificate.units, on, mrs_stamp(session)))


def cached(session: so.Session, standard_id: int, achieved: Iterable[str], on: dt.date,
           stamp: tuple) -> tuple[Recognition, ...]:
    """`recognitions`, strongest first, from the cache while *stamp* (`mrs_stamp`) holds."""
    key = (stamp, standard_id, tuple(sorted(achieved)), on)
    found = _cache.get(key)
    if found is None:
        order = {FULL: 0, PARTIAL: 1, NONE: 2}
        found = tuple(sorted(recognitions(session, standard_id, achieved, on),
                             key=lambda r: (order[r.outcome], r.country, r.destination_code)))
        _cache.put(key, found)
    return found
