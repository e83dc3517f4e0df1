"""RPL services: the self-assessment, the evidence portfolio and its judgement, units credited by
the rule engine from the guideline's `rpl:` rules, the stored decision, the audit trail, and the
migration of the registration notes. No HTTP here."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import sqlalchemy as sa
from assessment_fixtures import all_satisfactory, build
from rpl_fixtures import (
    TODAY,
    UNIT,
    UNIT_ONLY_ITEMS,
    add_accepted_reference,
    shorter_demonstration,
)

from skills_cert.accounts.models import User
from skills_cert.assessment import portfolio, recording, self_assessment
from skills_cert.assessment.decisions import Evidence, decide, rules_from_document
from skills_cert.assessment.models import Assessment, AssessmentStatus, Outcome
from skills_cert.assessment.rpl_models import (
    Frequency,
    Judgement,
    PortfolioItem,
    SelfRating,
)
from skills_cert.audit.log import verify_chain
from skills_cert.audit.models import AuditEntry
from skills_cert.config import ROOT
from skills_cert.errors import InvalidState, NotAllowed, ValidationFailed
from skills_cert.standards.files import load_yaml
from skills_cert.standards.validate import document_problems

LAO = ROOT / "standards" / "la" / "LA-CON-BRL-L1-v1.yaml"


@pytest.fixture()
def setup(app):
    return build(app)


def _doc() -> dict:
    document, problems = load_yaml(LAO, LAO.name)
    assert not problems
    return document


def _actions(db, assessment_id) -> list[str]:
    return list(db.session.scalars(sa.select(AuditEntry.action).where(
        AuditEntry.object_type == "assessment", AuditEntry.object_id == str(assessment_id))
        .order_by(AuditEntry.id)))


# --- the rule engine, pure -----------------------------------------------------------------

def _evidence(rules, portfolio=None, **items):
    marks = {i.code: True for i in rules.items}
    marks.update({code.replace("_", "."): value for code, value in items.items()})
    return Evidence(80, marks, portfolio=portfolio or {})


def test_a_unit_is_credited_on_accepted_items_and_its_shorter_demonstration():
    rules = rules_from_document(_doc())
    unrecorded = {code.replace(".", "_"): None for code in UNIT_ONLY_ITEMS}
    decision = decide(rules, _evidence(rules, {UNIT: (2, 5)}, **unrecorded))
    assert decision.competent and decision.complete and dict(decision.credited) == {UNIT: (2, 5)}
    assert [r.message() for r in decision.reasons] == [
        "Unit LA-CON-BRL-02 credited on portfolio evidence items 2 and 5."]
    assert (decision.recorded_items, decision.total_items) == (26, 26)
    # without the portfolio, the same checklist is not yet competent and not complete
    plain = decide(rules, _evidence(rules, **unrecorded))
    assert not plain.competent and not plain.complete and plain.total_items == 30
    assert not any(r.code == "unit_credited" for r in plain.reasons)


def test_one_item_reads_as_one():
    rules = rules_from_document(_doc())
    unrecorded = {code.replace(".", "_"): None for code in UNIT_ONLY_ITEMS}
    decision = decide(rules, _evidence(rules, {f"{UNIT}/3": (4,)}, **unrecorded))
    assert decision.reasons[0].message() == "Unit LA-CON-BRL-02 credited on portfolio evidence item 4."


def test_a_unit_assessed_in_full_is_not_said_to_be_credited():
    rules = rules_from_document(_doc())
    decision = decide(rules, _evidence(rules, {UNIT: (1,)}))
    assert decision.competent and dict(decision.credited) == {} and decision.reasons == ()


def test_credit_needs_every_demonstration_item_satisfactory():
    rules = rules_from_document(_doc())
    unrecorded = {code.replace(".", "_"): None for code in UNIT_ONLY_ITEMS}
    failed = decide(rules, _evidence(rules, {UNIT: (1,)}, T1_8=False, **unrecorded))
    assert not failed.competent and dict(failed.credited) == {}
    assert "Unit LA-CON-BRL-02 is not credited: demonstration item T1.8 is not satisfactory." in [
        r.message() for r in failed.reasons]
    missing = decide(rules, _evidence(rules, {UNIT: (1,)}, T1_8=None, **unrecorded))
    assert dict(missing.credited) == {} and not missing.complete


def test_credit_rules_count_items_and_elements():
    rules = rules_from_document(_doc())
    walls = {"T1_12": None, "T1_13": None}  # LA-CON-BRL-04 only; its demonstration items are satisfactory
    too_few = decide(rules, _evidence(rules, {"LA-CON-BRL-04": (1,)}, **walls))
    messages = [r.message() for r in too_few.reasons]
    assert "Unit LA-CON-BRL-04 is not credited: 1 accepted portfolio item(s) support it; 2 needed." in messages
    assert "Unit LA-CON-BRL-04 is not credited: no accepted portfolio item supports element 1." in messages
    every = {f"LA-CON-BRL-04/{n}": (n,) for n in (1, 2, 3, 4)}
    credited = decide(rules, _evidence(rules, every, **walls))
    assert credited.competent and dict(credited.credited) == {"LA-CON-BRL-04": (1, 2, 3, 4)}


def test_knowledge_and_safety_still_apply_to_credited_units():
    rules = rules_from_document(_doc())
    unrecorded = {code.replace(".", "_"): None for code in UNIT_ONLY_ITEMS}
    failed = decide(rules, Evidence(40, _evidence(rules, **unrecorded).items, portfolio={UNIT: (1,)}))
    assert failed.achieved_units == () and dict(failed.credited) == {}
    unsafe = decide(rules, _evidence(rules, {UNIT: (1,)}, T1_1=False, **unrecorded))
    assert unsafe.achieved_units == () and dict(unsafe.credited) == {}


def test_units_without_rules_are_never_credited():
    rules = rules_from_document(_doc())
    decision = decide(rules, _evidence(rules, {"LA-CON-BRL-01": (1, 2, 3)}, T1_2=None))
    assert "LA-CON-BRL-01" not in decision.achieved_units and dict(decision.credited) == {}


# --- the standard file format --------------------------------------------------------------

def test_the_shipped_lao_standard_has_valid_rpl_rules():
    document = _doc()
    assert [c["unit"] for c in document["guideline"]["rpl"]["credit"]] == [
        "LA-CON-BRL-02", "LA-CON-BRL-04", "LA-CON-BRL-05"]
    assert document_problems(document, "la") == []


@pytest.mark.parametrize("change, path, words", [
    (lambda rpl: rpl["credit"][0].update(unit="LA-CON-BRL-99"), "guideline.rpl.credit[0].unit",
     "is not a unit of this standard"),
    (lambda rpl: rpl["credit"].append(copy.deepcopy(rpl["credit"][0])), "guideline.rpl.credit[3].unit",
     "named more than once"),
    (lambda rpl: rpl["credit"][0].update(demonstration=["T9.9"]), "guideline.rpl.credit[0].demonstration[0]",
     "is not a checklist item"),
    (lambda rpl: rpl["credit"][0].update(demonstration=["T1.1"]), "guideline.rpl.credit[0].demonstration[0]",
     "evidences no criterion of unit LA-CON-BRL-02"),
    (lambda rpl: rpl["credit"][0].update(demonstration=["T1.8", "T1.8"]),
     "guideline.rpl.credit[0].demonstration[1]", "listed more than once"),
    (lambda rpl: rpl["credit"][0].update(min_evidence=0), "guideline.rpl.credit[0].min_evidence", "minimum"),
    (lambda rpl: rpl["credit"][0].pop("all_elements"), "guideline.rpl.credit[0]", "all_elements"),
    (lambda rpl: rpl.update(credit=[]), "guideline.rpl.credit", "should be non-empty"),
    (lambda rpl: rpl.update(extra=1), "guideline.rpl", "unknown field"),
])
def test_bad_rpl_rules_are_refused_with_a_clear_problem(app, change, path, words):
    document = _doc()
    change(document["guideline"]["rpl"])
    with app.test_request_context(headers={"Accept-Language": "en"}):
        problems = document_problems(document, "la")
    assert any(p.path == path and words in p.message for p in problems), problems


def test_rpl_rules_round_trip_through_the_database(app, db, setup):
    from skills_cert.standards.document import document_of, fingerprint
    from skills_cert.standards.models import Standard

    standard = db.session.get(Standard, setup.standard_id)
    assert standard.guideline.rpl == _doc()["guideline"]["rpl"]
    assert fingerprint(document_of(standard)) == fingerprint(_doc())


# --- services --------------------------------------------------------------------------------

def test_self_assessment_is_saved_audited_and_checked(app, db, setup):
    assessment = db.session.get(Assessment, setup.assessment_ids[0])
    assessor = db.session.get(User, setup.assessor.id)
    changed = self_assessment.record_self_assessment(
        db.session, assessment, {UNIT: "regularly", f"{UNIT}/3": "sometimes", "LA-CON-BRL-05": "never"},
        actor=assessor, today=TODAY)
    db.session.commit()
    assert changed == 3
    assert self_assessment.ratings_of(db.session, assessment)[UNIT] is Frequency.REGULARLY
    assert self_assessment.record_self_assessment(db.session, assessment, {UNIT: "regularly"},
                                                  actor=assessor, today=TODAY) == 0
    with pytest.raises(ValidationFailed):
        self_assessment.record_self_assessment(db.session, assessment, {"LA-CON-BRL-99": "never"},
                                               actor=assessor, today=TODAY)
    with pytest.raises(ValidationFailed):
        self_assessment.record_self_assessment(db.session, assessment, {UNIT: "always"}, actor=assessor, today=TODAY)
    db.session.rollback()
    # the desk (an administrator) may help; a certifying officer or an unassigned assessor may not
    desk = db.session.get(User, setup.admin.id)
    assert self_assessment.record_self_assessment(db.session, assessment, {UNIT: "sometimes"}, actor=desk,
                                                  today=TODAY) == 1
    for who in (setup.officer.id, setup.other_assessor.id):
        with pytest.raises(NotAllowed):
            self_assessment.record_self_assessment(db.session, assessment, {UNIT: "never"},
                                                   actor=db.session.get(User, who), today=TODAY)
    db.session.commit()
    assert _actions(db, assessment.id).count("assessment.self_assessment") == 2


def test_a_regular_candidate_has_no_portfolio(app, db, setup):
    assessment = db.session.get(Assessment, setup.assessment_ids[1])
    assessor = db.session.get(User, setup.assessor.id)
    with pytest.raises(InvalidState):
        portfolio.add_item(db.session, assessment, portfolio.ItemData("photo", "Wall", supports=(UNIT,)),
                           actor=assessor, today=TODAY)
    with pytest.raises(InvalidState):
        self_assessment.record_self_assessment(db.session, assessment, {UNIT: "never"}, actor=assessor, today=TODAY)


def test_portfolio_items_are_numbered_checked_and_judged(app, db, setup):
    assessment = db.session.get(Assessment, setup.assessment_ids[0])
    assessor = db.session.get(User, setup.assessor.id)
    with pytest.raises(ValidationFailed) as refused:
        portfolio.add_item(db.session, assessment, portfolio.ItemData(
            "diploma", "x", date_from=TODAY, date_to=TODAY.replace(year=TODAY.year - 1),
            supports=("LA-CON-BRL-99",)), actor=assessor, today=TODAY)
    assert set(refused.value.reasons) == {"kind", "date_to", "supports"}
    first = portfolio.add_item(db.session, assessment, portfolio.ItemData("photo", "Wall in Bangkok",
                                                                          supports=(f"{UNIT}/3",)),
                               actor=assessor, today=TODAY)
    second = portfolio.add_item(db.session, assessment, portfolio.ItemData("work_history", "Site work",
                                                                           supports=(UNIT,)),
                                actor=assessor, today=TODAY)
    assert (first.number, second.number) == (1, 2)
    with pytest.raises(ValidationFailed):  # "not accepted" needs a reason
        portfolio.judge_item(db.session, first, "not_accepted", "", (UNIT,), actor=assessor, today=TODAY)
    with pytest.raises(ValidationFailed):
        portfolio.judge_item(db.session, first, "maybe", None, (UNIT,), actor=assessor, today=TODAY)
    portfolio.judge_item(db.session, first, "needs_confirmation", "Call the employer", (UNIT, f"{UNIT}/1"),
                         actor=assessor, today=TODAY)
    other = db.session.get(User, setup.other_assessor.id)
    with pytest.raises(NotAllowed):  # accredited, but not assigned to the session
        portfolio.judge_item(db.session, second, "accepted", None, (UNIT,), actor=other, today=TODAY)
    db.session.commit()
    assert first.judgement is Judgement.NEEDS_CONFIRMATION and first.supports == [UNIT, f"{UNIT}/1"]
    assert _actions(db, assessment.id)[-3:] == ["portfolio.add", "portfolio.add", "portfolio.judge"]


def test_accepted_reference_credits_the_unit_and_the_decision_is_stored(app, db, setup):
    assessment_id = setup.assessment_ids[0]
    number = add_accepted_reference(app, assessment_id, setup.assessor.id)
    add_accepted_reference(app, assessment_id, setup.assessor.id, pdf=False, judgement="needs_confirmation")
    assessment = db.session.get(Assessment, assessment_id)
    assessor = db.session.get(User, setup.assessor.id)
    items = shorter_demonstration(app, setup.standard_id)
    decision = recording.save(db.session, assessment, recording.Recording(items, 80.0, {}, assessment.version),
                              actor=assessor, today=TODAY)
    assert decision.complete and decision.competent and dict(decision.credited) == {UNIT: (number,)}
    recording.submit(db.session, assessment, actor=assessor, today=TODAY, expected_version=assessment.version)
    recording.approve(db.session, assessment, actor=db.session.get(User, setup.officer.id),
                      expected_version=assessment.version)
    db.session.commit()
    assert assessment.status is AssessmentStatus.APPROVED and assessment.outcome is Outcome.COMPETENT
    assert assessment.credited_units == [UNIT] and len(assessment.achieved_units) == 5
    assert {"code": "unit_credited", "params": {"unit": UNIT, "items": [number]}, "unit": UNIT} in assessment.reasons
    assert verify_chain(db.session)[1] == []


def test_a_submitted_portfolio_is_frozen(app, db, setup):
    assessment = db.session.get(Assessment, setup.assessment_ids[0])
    assessor = db.session.get(User, setup.assessor.id)
    recording.save(db.session, assessment, recording.Recording(all_satisfactory(app, setup.standard_id), 80.0, {},
                                                               assessment.version), actor=assessor, today=TODAY)
    recording.submit(db.session, assessment, actor=assessor, today=TODAY, expected_version=assessment.version)
    with pytest.raises(InvalidState):
        portfolio.add_item(db.session, assessment, portfolio.ItemData("photo", "Wall", supports=(UNIT,)),
                           actor=assessor, today=TODAY)
    with pytest.raises(InvalidState):
        self_assessment.record_self_assessment(db.session, assessment, {UNIT: "never"}, actor=assessor, today=TODAY)


def test_reading_a_file_is_audited_and_limited_to_those_who_need_it(app, db, setup):
    number = add_accepted_reference(app, setup.assessment_ids[0], setup.assessor.id)
    item = db.session.scalar(sa.select(PortfolioItem).where(PortfolioItem.number == number))
    row = item.files[0]
    folder = Path(app.config["EVIDENCE_DIR"])
    assert (folder / row.stored_name).stat().st_mode & 0o777 == 0o600
    for who in (setup.assessor.id, setup.officer.id, setup.admin.id):
        data = portfolio.read_file(db.session, row, actor=db.session.get(User, who), folder=folder)
        assert data.startswith(b"%PDF-")
    with pytest.raises(NotAllowed):
        portfolio.read_file(db.session, row, actor=db.session.get(User, setup.other_assessor.id), folder=folder)
    db.session.commit()
    assert _actions(db, setup.assessment_ids[0]).count("portfolio.file_view") == 3


def test_migration_copies_registration_notes_into_the_portfolio(app, db, setup):
    from flask_migrate import downgrade, upgrade

    db.session.close()
    downgrade(revision="0014")
    try:
        upgrade(revision="0015")
    finally:
        upgrade()
    rows = db.session.execute(sa.select(PortfolioItem.assessment_id, PortfolioItem.number, PortfolioItem.kind,
                                        PortfolioItem.description, PortfolioItem.judgement)
                              .order_by(PortfolioItem.number)).all()
    assert [(r.assessment_id, r.number, r.kind.value, r.judgement) for r in rows] == [
        (setup.assessment_ids[0], 1, "work_history", None), (setup.assessment_ids[0], 2, "other", None)]
    assert rows[0].description == "Bricklayer on building sites in Bangkok, 2016-2024."
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SelfRating)) == 0


def test_statistics_count_the_units_credited_through_rpl(app, db, setup):
    """Five RPL candidates credited unit 02 and one regular candidate assessed in full: the table
    names the unit with 5 assessments and 5 candidates, by pathway too; none of the credit reasons
    is counted as a reason for "not yet competent"."""
    import datetime as dt

    from skills_cert.assessment import candidates, sessions
    from skills_cert.assessment.models import TestSession
    from skills_cert.statistics import figures, report

    admin = db.session.get(User, setup.admin.id)
    test_session = db.session.get(TestSession, setup.session_id)
    ids = [setup.assessment_ids[0]]
    names = [("ບຸນເຫຼືອ ສີວົງ", "Bounleua Sivong"), ("ຄຳພອນ ແສງດາວ", "Khamphone Sengdao"),
             ("ວັນນາ ພົມມະວົງ", "Vanna Phommavong"), ("ນ້ອຍ ສຸລິຍະ", "Noy Souliya")]
    for n, (lao, latin) in enumerate(names):
        person = candidates.register(db.session, candidates.CandidateData(
            name_lao=lao, name_latin=latin, sex="male" if n % 2 else "female",
            date_of_birth=dt.date(1985 + n, 1, 2), nationality="LA", id_type="passport", id_number=f"R765432{n}",
            pathway="rpl", rpl_work_history="Bricklayer in Thailand.", rpl_portfolio="A reference letter."),
            actor=admin, today=TODAY)
        ids.append(sessions.enrol(db.session, test_session, person, actor=admin).id)
    db.session.commit()
    assessor, officer = db.session.get(User, setup.assessor.id), db.session.get(User, setup.officer.id)
    for assessment_id in ids:
        add_accepted_reference(app, assessment_id, setup.assessor.id, pdf=False)
        assessment = db.session.get(Assessment, assessment_id)
        recording.save(db.session, assessment, recording.Recording(
            shorter_demonstration(app, setup.standard_id), 80.0, {}, assessment.version), actor=assessor, today=TODAY)
        recording.submit(db.session, assessment, actor=assessor, today=TODAY, expected_version=assessment.version)
        recording.approve(db.session, assessment, actor=officer, expected_version=assessment.version)
        db.session.commit()  # before the next item is added in its own app context
    with app.test_request_context(headers={"Accept-Language": "en"}):
        whole = report.build(db.session, figures.Filters(), today=TODAY, locale="en")
        table = whole.table("rpl_credits")
        assert [(r.key, r.label.split(" ", 1)[0], [c.shown for c in r.cells]) for r in table.rows] == [
            (UNIT, UNIT, [5, 5])]
        assert table.rows[0].label.endswith("Prepare bricklaying materials and mix mortar")
        regular = report.build(db.session, figures.Filters(pathway="regular"), today=TODAY, locale="en",
                               only="rpl_credits")
        assert regular.table("rpl_credits").rows == []
        reasons = whole.table("reasons")
        assert not any(r.key.split(":")[0] in ("unit_credited", "credit_too_few_items") for r in reasons.rows)
