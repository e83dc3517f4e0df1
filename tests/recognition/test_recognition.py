"""The recognition engine: full, partial and none, agreement status and dates, versions, and
certificates with only some units achieved."""

from __future__ import annotations

import datetime as dt

import pytest
from helpers import make_user
from hypothesis import given, settings
from hypothesis import strategies as st
from standards_fixtures import import_shipped

from skills_cert.recognition.derived import (
    COVERED,
    FULL,
    MISSING,
    NONE,
    PARTIAL,
    PARTLY,
    DestinationUnit,
    Entry,
    cover,
)
from skills_cert.recognition.models import AgreementStatus, Relation
from skills_cert.roles import Role

T = {"lo": "x", "th": "x", "en": "x"}
DEST = [DestinationUnit(f"D{i}", T, True) for i in range(1, 4)]
ENTRIES = [
    Entry(("O1",), ("D1",), Relation.EQUIVALENT),
    Entry(("O2", "O3"), ("D2",), Relation.EQUIVALENT),  # achieved together
    Entry(("O3",), ("D3",), Relation.PARTIAL, gap={"lo": "g", "th": "g", "en": "gap"}),
    Entry(("O4",), (), Relation.NONE),
]


def test_full_when_every_required_unit_is_covered_by_equivalent_achieved_units():
    entries = ENTRIES + [Entry(("O4",), ("D3",), Relation.EQUIVALENT)]
    result = cover(DEST, entries, ["O1", "O2", "O3", "O4"])
    assert result.outcome == FULL and result.missing == []
    assert result.covered_count == result.required_count == 3


def test_partial_lists_the_missing_units_with_the_gap_and_the_bridging():
    result = cover(DEST, ENTRIES, ["O1", "O2", "O3"], bridging={"D3": {"lo": "b", "th": "b", "en": "bridge"}})
    assert result.outcome == PARTIAL
    [missing] = result.missing
    assert (missing.code, missing.state, missing.by) == ("D3", PARTLY, ("O3",))
    assert missing.gaps[0]["en"] == "gap" and missing.bridging["en"] == "bridge"


def test_units_mapped_together_need_all_of_them():
    result = cover(DEST, ENTRIES, ["O1", "O2"])
    assert {u.code: u.state for u in result.units} == {"D1": COVERED, "D2": MISSING, "D3": MISSING}
    assert result.outcome == PARTIAL


def test_nothing_covered_is_not_recognised():
    assert cover(DEST, ENTRIES, ["O4"]).outcome == NONE
    assert cover(DEST, ENTRIES, []).outcome == NONE
    # Partly covered units alone are not recognition.
    assert cover(DEST, ENTRIES, ["O3"]).outcome == NONE


def test_electives_the_destination_asks_for_must_be_covered_too():
    units = [DestinationUnit("D1", T, True), DestinationUnit("E1", T, False), DestinationUnit("E2", T, False)]
    entries = [Entry(("O1",), ("D1",), Relation.EQUIVALENT), Entry(("O2",), ("E2",), Relation.EQUIVALENT)]
    assert cover(units, entries, ["O1"], electives_required=1).outcome == PARTIAL
    assert [u.code for u in cover(units, entries, ["O1"], electives_required=1).missing] == ["E1"]
    assert cover(units, entries, ["O1", "O2"], electives_required=1).outcome == FULL
    assert cover(units, entries, ["O1"], electives_required=0).outcome == FULL


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.sets(st.sampled_from(["O1", "O2", "O3", "O4"])), st.sets(st.sampled_from(["O1", "O2", "O3", "O4"])))
def test_achieving_more_never_lowers_recognition(first, extra):
    rank = {NONE: 0, PARTIAL: 1, FULL: 2}
    entries = ENTRIES + [Entry(("O4",), ("D3",), Relation.EQUIVALENT)]
    less = cover(DEST, entries, first)
    more = cover(DEST, entries, first | extra)
    assert rank[more.outcome] >= rank[less.outcome]
    assert more.covered_count >= less.covered_count


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.lists(st.tuples(st.sets(st.sampled_from(["O1", "O2", "O3"]), min_size=1),
                          st.sets(st.sampled_from(["D1", "D2", "D3"])),
                          st.sampled_from(list(Relation))), max_size=6),
       st.sets(st.sampled_from(["O1", "O2", "O3"])))
def test_full_means_no_missing_unit_and_order_does_not_matter(raw, achieved):
    entries = [Entry(tuple(sorted(o)), tuple(sorted(d)) if r is not Relation.NONE else (), r) for o, d, r in raw]
    result = cover(DEST, entries, achieved)
    assert (result.outcome == FULL) == (result.missing == [])
    assert cover(DEST, list(reversed(entries)), achieved).outcome == result.outcome


# ---------------------------------------------------------------- against the shipped data

TODAY = dt.date(2026, 11, 22)


@pytest.fixture
def shipped(app):
    import_shipped(app)
    with app.app_context():
        yield app


def _recognise(code: str, *, units=None, on=TODAY, version: int = 1):
    from skills_cert.extensions import db
    from skills_cert.recognition import derived as recognition
    from skills_cert.standards.versions import find_standard

    standard = find_standard(db.session, code, version)
    achieved = units if units is not None else [u.code for u in standard.units]
    return recognition.recognitions(db.session, standard.id, achieved, on)


def _agreement(code="MRS-LA-TH-CON"):
    import sqlalchemy as sa

    from skills_cert.extensions import db
    from skills_cert.recognition.models import Agreement

    return db.session.scalar(sa.select(Agreement).where(Agreement.code == code))


def _officer(app):
    from skills_cert.accounts.models import User
    from skills_cert.extensions import db

    return db.session.get(User, make_user(app, Role.STANDARDS_OFFICER).id)


def test_lao_bricklaying_is_recognised_as_thai_bricklayer_level_1(shipped):
    [result] = _recognise("LA-CON-BRL-L1")
    assert (result.outcome, result.country, result.destination_code, result.destination_level) == \
        (FULL, "TH", "TH-CON-BRL-L1", 1)
    assert result.agreement_title["en"] == "Lao PDR–Thailand MRS agreement on construction skills"
    assert result.missing == []


def test_lao_plastering_is_partial_and_names_the_thai_unit_not_covered(shipped):
    [result] = _recognise("LA-CON-PLS-L1")
    assert result.outcome == PARTIAL
    assert [u.code for u in result.missing] == ["TH-CON-PLS-05"]
    assert "bridging assessment" in result.missing[0].bridging["en"]
    assert result.as_json()["not_covered"][0]["code"] == "TH-CON-PLS-05"


def test_cambodian_bricklaying_goes_through_its_own_corridor(shipped):
    [result] = _recognise("KH-CON-BRL-L1")
    assert result.country == "TH" and result.agreement_code.startswith("MRS-KH-TH")
    assert result.outcome in (FULL, PARTIAL)


def test_a_statement_of_attainment_is_recognised_for_what_it_covers(shipped):
    [result] = _recognise("LA-CON-BRL-L1", units=["LA-CON-BRL-01", "LA-CON-BRL-02"])
    assert result.outcome == PARTIAL
    assert [u.code for u in result.missing] == ["TH-CON-BRL-03", "TH-CON-BRL-04", "TH-CON-BRL-05"]
    # LA-CON-BRL-04 alone does not cover the Thai set-out unit: it needs 02 as well.
    [result] = _recognise("LA-CON-BRL-L1", units=["LA-CON-BRL-04"])
    assert result.outcome == NONE and result.reason == "in_force"


def test_a_standard_without_an_agreement_has_no_recognition(shipped):
    assert _recognise("LA-ELE-BEW-L1") == []


@pytest.mark.parametrize("on, outcome, reason", [
    (dt.date(2025, 12, 31), NONE, "not_yet"),
    (dt.date(2026, 1, 1), FULL, None),
    (dt.date(2030, 12, 31), FULL, None),
    (dt.date(2031, 1, 1), NONE, "expired"),
])
def test_the_effective_period_bounds_recognition(shipped, on, outcome, reason):
    [result] = _recognise("LA-CON-BRL-L1", on=on)
    assert (result.outcome, result.reason) == (outcome, reason)


def test_suspension_and_withdrawal_change_recognition_from_their_day_only(shipped):
    from skills_cert.extensions import db
    from skills_cert.recognition import agreements

    officer = _officer(shipped)
    agreement = _agreement()
    agreements.change_status(db.session, agreement, AgreementStatus.SUSPENDED, on=dt.date(2027, 3, 1),
                             reason="Review of the plastering mapping", actor=officer)
    assert _recognise("LA-CON-BRL-L1", on=dt.date(2027, 2, 28))[0].outcome == FULL
    suspended = _recognise("LA-CON-BRL-L1", on=dt.date(2027, 3, 1))[0]
    assert (suspended.outcome, suspended.reason, suspended.status_since) == (NONE, "suspended", dt.date(2027, 3, 1))
    agreements.change_status(db.session, agreement, AgreementStatus.IN_FORCE, on=dt.date(2027, 6, 1),
                             reason="", actor=officer)
    assert _recognise("LA-CON-BRL-L1", on=dt.date(2027, 6, 1))[0].outcome == FULL
    agreements.change_status(db.session, agreement, AgreementStatus.WITHDRAWN, on=dt.date(2028, 1, 1),
                             reason="Replaced", actor=officer)
    assert _recognise("LA-CON-BRL-L1", on=dt.date(2027, 12, 31))[0].outcome == FULL
    assert _recognise("LA-CON-BRL-L1", on=dt.date(2028, 1, 1))[0].reason == "withdrawn"
    # The history is kept: the day before the suspension is still answered as it was.
    assert _recognise("LA-CON-BRL-L1", on=dt.date(2027, 2, 1))[0].outcome == FULL


def test_a_new_standard_version_is_not_recognised_until_it_is_mapped(shipped):
    """Mappings are per standard version: v2 of the Lao standard has none until an agreement maps
    it, while certificates on the superseded v1 keep theirs."""
    from skills_cert.extensions import db
    from skills_cert.standards import versions as standards
    from skills_cert.standards.models import StandardStatus

    officer = _officer(shipped)
    v1 = standards.find_standard(db.session, "LA-CON-BRL-L1", 1)
    v2 = standards.new_version(db.session, v1, actor=officer)
    standards.endorse(db.session, v2, actor=officer)
    assert v1.status is StandardStatus.SUPERSEDED
    assert _recognise("LA-CON-BRL-L1", version=2) == []
    assert _recognise("LA-CON-BRL-L1", version=1)[0].outcome == FULL



def test_cached_answers_never_outlive_a_status_change(shipped):
    """Answers are cached per standard version and units, keyed by the MRS stamp: the second
    question costs one small query, and a suspension is seen at once."""
    from types import SimpleNamespace

    import sqlalchemy as sa

    from skills_cert.extensions import db
    from skills_cert.recognition import agreements
    from skills_cert.recognition import derived as recognition
    from skills_cert.standards.versions import find_standard

    standard = find_standard(db.session, "LA-CON-BRL-L1", 1)
    certificate = SimpleNamespace(standard_id=standard.id, units=[u.code for u in standard.units])
    assert [r.outcome for r in recognition.for_certificate(db.session, certificate, TODAY)] == ["full"]
    statements = []
    sa.event.listen(db.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    assert [r.outcome for r in recognition.for_certificate(db.session, certificate, TODAY)] == ["full"]
    assert len(statements) == 1 and "mrs_agreement_events" in statements[0]
    agreements.change_status(db.session, _agreement(), AgreementStatus.SUSPENDED, on=TODAY, reason="Review",
                             actor=_officer(shipped))
    found = recognition.for_certificate(db.session, certificate, TODAY)
    assert [(r.outcome, r.reason) for r in found] == [("none", "suspended")]
