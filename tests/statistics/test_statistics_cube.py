"""The statistics snapshot: figures read from it equal the same figures counted person by person
from the registry, for any filters (hypothesis); when it is rebuilt; `flask statistics refresh`;
the dashboard's month filters.

The registry is a seeded one (retakes, several centres and standards, both sexes, both
pathways, verifications), with people added in three or more cells of a family (three tests of
one person, checks of one certificate in three months), which the snapshot handles separately
from the common pairs.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from pathlib import Path

import pytest
import sqlalchemy as sa
from helpers import make_user
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as hs

from skills_cert.assessment.models import Assessment, AssessmentStatus, Candidate, Outcome
from skills_cert.assessment.models import TestingCentre as Centre
from skills_cert.assessment.models import TestSession as Sitting
from skills_cert.certification.models import Certificate, VerificationEvent
from skills_cert.devtools import demo
from skills_cert.extensions import db
from skills_cert.roles import Role
from skills_cert.standards.models import Standard
from skills_cert.statistics import figures as st
from skills_cert.statistics import snapshot as statistics_snapshot
from skills_cert.statistics.figures import Filters
from skills_cert.statistics.models import StatsOverlap, StatsSnapshot
from skills_cert.statistics.suppression import THRESHOLD

TODAY = dt.date.today()
EN = {"Accept-Language": "en"}
UTC = dt.timezone.utc


def _month(day) -> str:
    return day.strftime("%Y-%m")


def _third_cells(session) -> None:
    """Three people tested three times (two more sessions each, other months), and ten
    certificates checked in three months by different channels."""
    people = session.scalars(sa.select(Assessment).where(Assessment.status == AssessmentStatus.APPROVED)
                             .order_by(Assessment.id).limit(3)).all()
    sessions = session.scalars(sa.select(Sitting).order_by(Sitting.test_date)).all()
    for n, first in enumerate(people):
        others = [s for s in sessions if _month(s.test_date) != _month(first.session.test_date)][n::3][:2]
        for k, other in enumerate(others):
            session.add(Assessment(session_id=other.id, candidate_id=first.candidate_id, pathway=first.pathway,
                                   status=AssessmentStatus.APPROVED, knowledge_percent=40.0,
                                   outcome=Outcome.NOT_YET_COMPETENT if k == 0 else Outcome.COMPETENT,
                                   achieved_units=[], practical_points={},
                                   reasons=[{"code": "knowledge_below_pass_mark", "unit": None}]))
    for certificate_id in session.scalars(sa.select(Certificate.id).order_by(Certificate.id).limit(10)):
        for months_ago, channel in ((1, "qr"), (2, "api"), (3, "manual")):
            at = dt.datetime.combine(TODAY.replace(day=1), dt.time(12), UTC) - dt.timedelta(days=28 * months_ago)
            session.add(VerificationEvent(at=at, certificate_id=certificate_id, verdict="genuine", channel=channel,
                                          client_hash="t"))
    session.flush()


@pytest.fixture()
def seeded(app):
    with app.app_context():
        demo.seed(db.session, 400, key_dir=Path(app.config["SIGNING_KEY_DIR"]),
                  standards_dir=Path(app.config["STANDARDS_DIR"]), today=TODAY, rng=random.Random(11))
        _third_cells(db.session)
        statistics_snapshot.refresh(db.session, TODAY)
        db.session.commit()
        months = sorted({_month(d) for d in db.session.scalars(sa.select(Sitting.test_date))})
        options = {
            "month": months,
            "province": sorted(set(db.session.scalars(sa.select(Centre.province)))),
            "centre": sorted(db.session.scalars(sa.select(Centre.id))),
            "standard": sorted(set(db.session.scalars(sa.select(Standard.code)))),
            "level": sorted(set(db.session.scalars(sa.select(Standard.level)))),
        }
    return options


def _testing_rows(session):
    """One row per approved assessment, with everything a filter or a grouping names."""
    return session.execute(
        sa.select(Assessment.candidate_id, Sitting.test_date, Centre.id, Centre.province,
                  Standard.code, Standard.level, Assessment.pathway, Candidate.sex, Assessment.outcome)
        .join(Sitting, Sitting.id == Assessment.session_id)
        .join(Centre, Centre.id == Sitting.centre_id)
        .join(Standard, Standard.id == Sitting.standard_id)
        .join(Candidate, Candidate.id == Assessment.candidate_id)
        .where(Assessment.status == AssessmentStatus.APPROVED)).all()


def _verification_rows(session):
    return session.execute(
        sa.select(Certificate.candidate_id, VerificationEvent.at, Centre.id, Centre.province,
                  Standard.code, Standard.level, Assessment.pathway, Candidate.sex, VerificationEvent.channel)
        .select_from(VerificationEvent)
        .outerjoin(Certificate, Certificate.id == VerificationEvent.certificate_id)
        .outerjoin(Assessment, Assessment.id == Certificate.assessment_id)
        .outerjoin(Sitting, Sitting.id == Assessment.session_id)
        .outerjoin(Centre, Centre.id == Sitting.centre_id)
        .outerjoin(Standard, Standard.id == Certificate.standard_id)
        .outerjoin(Candidate, Candidate.id == Certificate.candidate_id)).all()


def _kept(row, f: Filters) -> bool:
    _person, day, centre, province, code, level, pathway, sex, _facet = row
    month = _month(day)
    return ((not f.date_from or month >= _month(f.date_from)) and (not f.date_to or month <= _month(f.date_to))
            and (not f.province or province == f.province) and (not f.centre_id or centre == f.centre_id)
            and (not f.standard_code or code == f.standard_code) and (not f.level or level == f.level)
            and (not f.pathway or (pathway and pathway.value) == f.pathway)
            and (not f.sex or (sex and sex.value) == f.sex))


def _group(row, key: str) -> str:
    _person, day, _centre, province, code, _level, _pathway, sex, _facet = row
    return {"total": "total", "month": _month(day), "sex": sex.value if sex else "", "standard": code,
            "province": province}[key]


def _bounded_ok(shown: int, true: int) -> bool:
    """What suppression needs of a count of people that is not shown: zero exactly when nobody,
    below the threshold exactly when the true count is, and never below the true count."""
    return (shown == 0) == (true == 0) and (shown < THRESHOLD) == (true < THRESHOLD) and shown >= true


filters = hs.builds(
    lambda d1, d2, province, centre, standard, level, pathway, sex: (d1, d2, province, centre, standard, level,
                                                                     pathway, sex),
    hs.integers(-1, 60), hs.integers(-1, 60), hs.integers(-1, 8), hs.integers(-1, 8), hs.integers(-1, 8),
    hs.integers(-1, 3), hs.sampled_from([None, "regular", "rpl"]), hs.sampled_from([None, "female", "male"]))


def _filters(options: dict, picks) -> Filters:
    d1, d2, province, centre, standard, level, pathway, sex = picks

    def pick(kind: str, i: int):
        values = options[kind]
        return values[i % len(values)] if i >= 0 and values else None

    start, end = pick("month", d1), pick("month", d2)
    return Filters(date_from=dt.date.fromisoformat(f"{start}-01") if start else None,
                   date_to=dt.date.fromisoformat(f"{end}-28") if end else None,
                   province=pick("province", province) if province % 3 == 0 else None,
                   centre_id=pick("centre", centre) if centre % 4 == 0 else None,
                   standard_code=pick("standard", standard) if standard % 2 == 0 else None,
                   level=pick("level", level), pathway=pathway, sex=sex)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(picks=filters)
def test_testing_figures_equal_a_count_person_by_person(app, seeded, picks):
    f = _filters(seeded, picks)
    with app.app_context():
        rows = [r for r in _testing_rows(db.session) if _kept(r, f)]
        keys = ["month", "sex", "standard", "province", "total"]
        found = st.testing_figures(db.session, f, keys[:-1])
    for key in keys:
        expected = defaultdict(lambda: {"people": set(), "assessed": 0, "competent": 0, "cp": set(), "np": set()})
        for r in rows:
            e = expected[_group(r, key)]
            competent = r[-1] is Outcome.COMPETENT
            e["people"].add(r[0])
            e["assessed"] += 1
            e["competent"] += competent
            (e["cp"] if competent else e["np"]).add(r[0])
        if key == "total":
            expected.setdefault("total", expected["total"])
        assert set(found[key]) == set(expected), key
        for group, e in expected.items():
            got = found[key][group]
            assert (got["people"], got["assessed"], got["competent"]) == (
                len(e["people"]), e["assessed"], e["competent"]), (key, group)
            assert _bounded_ok(got["cp"], len(e["cp"])) and _bounded_ok(got["np"], len(e["np"])), (key, group)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(picks=filters)
def test_verification_figures_equal_a_count_person_by_person(app, seeded, picks):
    f = _filters(seeded, picks)
    with app.app_context():
        rows = [r for r in _verification_rows(db.session) if _kept(r, f)]
        found = st.figures(db.session, "verifications", f, ["month", "total"], st.VERIFICATION_MEASURES)
    for key in ("month", "total"):
        expected = defaultdict(lambda: defaultdict(list))
        for r in rows:
            for name in (r[-1], "all"):
                expected[_group(r, key)][name].append(r[0])
        if key == "total":
            expected.setdefault("total", expected["total"])
        assert set(found[key]) == set(expected), key
        for group, e in expected.items():
            for name in ("qr", "manual", "api", "all"):
                got = found[key][group]
                assert got[name] == len(e[name]), (key, group, name)
                holders = {p for p in e[name] if p is not None}
                assert _bounded_ok(got[f"{name}_people"], len(holders)), (key, group, name)


def test_the_registry_has_the_overlaps_the_tests_need(app, seeded):
    with app.app_context():
        sizes = dict(db.session.execute(sa.select(StatsOverlap.family, sa.func.max(StatsOverlap.size))
                                        .group_by(StatsOverlap.family)).all())
    assert sizes["testing"] >= 3 and sizes["verifications"] >= 3


def test_a_person_tested_three_times_is_counted_once(app, seeded):
    """The snapshot counts one person three times in its cells; the figures count them once."""
    with app.app_context():
        person = db.session.scalar(sa.select(Assessment.candidate_id).group_by(Assessment.candidate_id)
                                   .having(sa.func.count() == 3))
        standard = db.session.scalar(sa.select(Standard.code).join(Sitting, Sitting.standard_id == Standard.id)
                                     .join(Assessment, Assessment.session_id == Sitting.id)
                                     .where(Assessment.candidate_id == person).limit(1))
        cells = db.session.scalar(sa.text("SELECT SUM(people) FROM stats_cells WHERE family = 'testing'"))
        people = db.session.scalar(sa.select(sa.func.count(sa.distinct(Assessment.candidate_id)))
                                   .where(Assessment.status == AssessmentStatus.APPROVED))
        total = st.testing_figures(db.session, Filters(), [])["total"]["total"]
    assert standard
    assert cells > people and total["people"] == people


def test_snapshot_is_rebuilt_when_old_or_from_another_day(app, seeded):
    with app.app_context():
        first = statistics_snapshot.current(db.session)
        built_at = first.built_at
        assert statistics_snapshot.fresh(db.session, today=TODAY, max_age=3600)[0].built_at == built_at
        candidates = db.session.scalar(sa.select(sa.func.count()).select_from(StatsSnapshot))
        assert candidates == 1
        again, _kept = statistics_snapshot.fresh(db.session, today=TODAY + dt.timedelta(days=1), max_age=3600)
        again_at = again.built_at
        assert again.built_for == TODAY + dt.timedelta(days=1) and again_at > built_at
        assert statistics_snapshot.fresh(db.session, today=again.built_for, max_age=0)[0].built_at > again_at
        assert db.session.scalar(sa.select(sa.func.count()).select_from(StatsSnapshot)) == 1
        assert db.session.scalar(sa.text("SELECT COUNT(*) FROM stats_pairs")) == 0  # scratch left empty
        assert db.session.scalar(sa.text("SELECT MAX(representative) FROM stats_overlaps")) == 0  # no person


def test_dashboard_shows_the_snapshot_until_it_is_stale(app, client, monkeypatch):
    """With STATISTICS_MAX_AGE, a registry change is seen after the snapshot's age runs out (or
    after `flask statistics refresh`); the page says when its figures are from."""
    monkeypatch.setitem(app.config, "STATISTICS_MAX_AGE", 3600)  # the app outlives the test
    analyst = make_user(app, Role.ANALYST)
    client.login(analyst.username)
    with app.app_context():
        demo.seed(db.session, 6, key_dir=Path(app.config["SIGNING_KEY_DIR"]),
                  standards_dir=Path(app.config["STANDARDS_DIR"]), today=TODAY, rng=random.Random(3))
        db.session.commit()
    page = client.get("/stats/?date_from=&date_to=", headers=EN).get_data(as_text=True)
    assert "Figures as at" in page and "Periods are whole calendar months" in page
    with app.app_context():
        before = st.testing_figures(db.session, Filters(), [])["total"]["total"]["assessed"]
        demo.seed(db.session, 5, key_dir=Path(app.config["SIGNING_KEY_DIR"]),
                  standards_dir=Path(app.config["STANDARDS_DIR"]), today=TODAY, rng=random.Random(4))
        db.session.commit()
        assert st.testing_figures(db.session, Filters(), [])["total"]["total"]["assessed"] == before
    result = app.test_cli_runner().invoke(args=["statistics", "refresh"])
    assert result.exit_code == 0, result.output
    assert f"statistics snapshot built for {TODAY.isoformat()}" in result.output
    with app.app_context():
        assert st.testing_figures(db.session, Filters(), [])["total"]["total"]["assessed"] == before + 5


@pytest.mark.parametrize("value, shown", [("2026-03", "2026-03"), ("2026-03-17", "2026-03")])
def test_month_filter_takes_a_month_or_a_day(app, client, value, shown):
    analyst = make_user(app, Role.ANALYST)
    client.login(analyst.username)
    page = client.get(f"/stats/?date_from={value}&date_to=", headers=EN).get_data(as_text=True)
    assert f'type="month" value="{shown}"' in page
    assert f"Period: {shown} to …" in page


@pytest.mark.parametrize("lang, message", [
    ("en", "Not a valid month: use the form YYYY-MM, e.g. 2026-01."),
    ("th", "เดือนไม่ถูกต้อง"),
    ("lo", "ເດືອນບໍ່ຖືກຕ້ອງ"),
])
def test_a_bad_month_is_refused_in_the_readers_language(app, client, lang, message):
    analyst = make_user(app, Role.ANALYST)
    client.login(analyst.username)
    answer = client.get("/stats/?date_from=March&date_to=", headers={"Accept-Language": lang})
    assert answer.status_code == 200
    assert message in answer.get_data(as_text=True)


def test_a_slow_rebuild_is_left_to_the_command_and_the_page_says_so(app, client):
    """A stale snapshot whose last rebuild took longer than STATISTICS_INLINE_REBUILD_SECONDS is
    shown as it is, with a warning: the page does not wait for a recount."""
    analyst = make_user(app, Role.ANALYST)
    client.login(analyst.username)
    with app.app_context():
        demo.seed(db.session, 6, key_dir=Path(app.config["SIGNING_KEY_DIR"]),
                  standards_dir=Path(app.config["STANDARDS_DIR"]), today=TODAY, rng=random.Random(5))
        db.session.commit()
    client.get("/stats/", headers=EN)  # builds it (none yet): STATISTICS_MAX_AGE is 0 in tests
    with app.app_context():
        db.session.execute(sa.update(StatsSnapshot).values(seconds=75.0))
        demo.seed(db.session, 5, key_dir=Path(app.config["SIGNING_KEY_DIR"]),
                  standards_dir=Path(app.config["STANDARDS_DIR"]), today=TODAY, rng=random.Random(6))
        db.session.commit()
        built_at = statistics_snapshot.current(db.session).built_at
    page = client.get("/stats/?date_from=&date_to=", headers=EN).get_data(as_text=True)
    assert "Recounting this registry takes about 75 seconds" in page
    with app.app_context():
        assert statistics_snapshot.current(db.session).built_at == built_at
        assert st.testing_figures(db.session, Filters(), [])["total"]["total"]["assessed"] == 6
    assert app.test_cli_runner().invoke(args=["statistics", "refresh"]).exit_code == 0
    page = client.get("/stats/?date_from=&date_to=", headers=EN).get_data(as_text=True)
    assert "Recounting" not in page  # the new snapshot took well under the limit
    with app.app_context():
        assert st.testing_figures(db.session, Filters(), [])["total"]["total"]["assessed"] == 11


def test_two_rebuilds_at_once_leave_one_snapshot(app):
    """Two workers finding the snapshot stale at the same moment: one rebuild waits for the
    other, and the cells are not doubled (on SQLite the second writer waits its turn too)."""
    import threading

    with app.app_context():
        demo.seed(db.session, 30, key_dir=Path(app.config["SIGNING_KEY_DIR"]),
                  standards_dir=Path(app.config["STANDARDS_DIR"]), today=TODAY, rng=random.Random(8))
        db.session.commit()
    errors = []
    barrier = threading.Barrier(2)

    def rebuild():
        try:
            with app.app_context():
                barrier.wait()
                statistics_snapshot.refresh(db.session, TODAY)
                db.session.commit()
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=rebuild) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(StatsSnapshot)) == 1
        assert st.testing_figures(db.session, Filters(), [])["total"]["total"]["assessed"] == 30
