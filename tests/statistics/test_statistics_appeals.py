"""Appeals in the statistics: the figures read from the snapshot equal a count appeal by appeal
and person by person from the registry, for any filters (hypothesis), and small cells are
suppressed like every other table."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from pathlib import Path

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from test_statistics_cube import _bounded_ok, _filters, _month, filters

from skills_cert.accounts.models import User
from skills_cert.appeals.models import Appeal, AppealStatus
from skills_cert.assessment.models import Assessment, AssessmentStatus, Candidate
from skills_cert.assessment.models import TestingCentre as Centre
from skills_cert.assessment.models import TestSession as Sitting
from skills_cert.devtools import demo
from skills_cert.extensions import db
from skills_cert.standards.models import Standard
from skills_cert.statistics import appeals as appeal_statistics
from skills_cert.statistics import snapshot as statistics_snapshot
from skills_cert.statistics.appeals import COLUMNS, PENDING
from skills_cert.statistics.suppression import THRESHOLD

TODAY = dt.date.today()


def _appeal_some(session, rng: random.Random) -> None:
    """Appeals against about a third of the approved decisions, in several months and every
    status; some people appeal two decisions (retakes)."""
    office = session.scalar(sa.select(User.id).order_by(User.id).limit(1))
    decided = session.scalars(sa.select(Assessment).where(Assessment.status == AssessmentStatus.APPROVED)
                              .order_by(Assessment.id)).all()
    for assessment in decided:
        if rng.random() < 0.35:
            lodged = assessment.session.test_date + dt.timedelta(days=rng.randint(0, 40))
            session.add(Appeal(assessment_id=assessment.id, status=rng.choice(list(AppealStatus)),
                               grounds="Illustrative appeal.", lodged_on=lodged, deadline=lodged,
                               lodged_by_id=office))
    session.flush()


@pytest.fixture()
def appealed(app):
    with app.app_context():
        demo.seed(db.session, 300, key_dir=Path(app.config["SIGNING_KEY_DIR"]),
                  standards_dir=Path(app.config["STANDARDS_DIR"]), today=TODAY, rng=random.Random(5))
        _appeal_some(db.session, random.Random(7))
        statistics_snapshot.refresh(db.session, TODAY)
        db.session.commit()
        return {
            "month": sorted({_month(d) for d in db.session.scalars(sa.select(Appeal.lodged_on))}),
            "province": sorted(set(db.session.scalars(sa.select(Centre.province)))),
            "centre": sorted(db.session.scalars(sa.select(Centre.id))),
            "standard": sorted(set(db.session.scalars(sa.select(Standard.code)))),
            "level": sorted(set(db.session.scalars(sa.select(Standard.level)))),
        }


def _rows(session):
    return session.execute(
        sa.select(Assessment.candidate_id, Appeal.lodged_on, Centre.id, Centre.province, Standard.code,
                  Standard.level, Assessment.pathway, Candidate.sex, Appeal.status)
        .select_from(Appeal).join(Assessment, Assessment.id == Appeal.assessment_id)
        .join(Sitting, Sitting.id == Assessment.session_id).join(Centre, Centre.id == Sitting.centre_id)
        .join(Standard, Standard.id == Sitting.standard_id)
        .join(Candidate, Candidate.id == Assessment.candidate_id)).all()


def _kept(row, f) -> bool:
    _person, day, centre, province, code, level, pathway, sex, _status = row
    month = _month(day)
    return ((not f.date_from or month >= _month(f.date_from)) and (not f.date_to or month <= _month(f.date_to))
            and (not f.province or province == f.province) and (not f.centre_id or centre == f.centre_id)
            and (not f.standard_code or code == f.standard_code) and (not f.level or level == f.level)
            and (not f.pathway or pathway.value == f.pathway) and (not f.sex or sex.value == f.sex))


def _column(status: AppealStatus) -> str:
    return PENDING if status in (AppealStatus.LODGED, AppealStatus.WITH_PANEL) else status.value


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(picks=filters)
def test_appeal_figures_equal_a_count_appeal_by_appeal(app, appealed, picks):
    f = _filters(appealed, picks)
    with app.app_context():
        rows = [r for r in _rows(db.session) if _kept(r, f)]
        found = appeal_statistics.figures(db.session, appeal_statistics.FAMILY, f, ["standard", "centre", "total"],
                                          appeal_statistics._measures())
    for key, group_of in (("standard", lambda r: r[4]), ("centre", lambda r: str(r[2])),
                          ("total", lambda r: "total")):
        expected = defaultdict(lambda: {name: [0, set()] for name in COLUMNS})
        for r in rows:
            e = expected[group_of(r)]
            for name in ("lodged", _column(r[-1])):
                e[name][0] += 1
                e[name][1].add(r[0])
        if key == "total":
            expected.setdefault("total", expected["total"])
        assert set(found[key]) == set(expected), key
        for group, e in expected.items():
            got = found[key][group]
            for name, (count, people) in e.items():
                assert got[name] == count, (key, group, name)
                assert _bounded_ok(got[f"{name}_people"], len(people)), (key, group, name)


def test_the_appeal_tables_suppress_small_cells(app, appealed):
    with app.app_context():
        table = appeal_statistics.appeals_table(db.session, statistics_snapshot_filters(), "centre",
                                                appeal_statistics.centre_names(db.session, "en"))
    people = {}
    with app.app_context():
        for r in _rows(db.session):
            people.setdefault((str(r[2]), _column(r[-1])), set()).add(r[0])
    seen_small = False
    for row in table.rows:
        for name, cell in zip(COLUMNS[1:], row.cells[1:]):
            true = len(people.get((row.key, name), ()))
            if 0 < true < THRESHOLD:
                seen_small = True
                assert cell.suppressed, (row.key, name)
    assert seen_small, "the seeded registry should have some small cells"
    assert table.total.cells[0].shown == sum(len(v) for k, v in _appeal_counts(app).items())


def statistics_snapshot_filters():
    from skills_cert.statistics.figures import Filters

    return Filters()


def _appeal_counts(app):
    with app.app_context():
        return {a.id: [a.id] for a in db.session.scalars(sa.select(Appeal))}


def test_the_dashboard_shows_the_appeal_tables(app, client, users, appealed):
    from skills_cert.roles import Role

    client.login(users[Role.ANALYST].username)
    page = client.get("/stats/?date_from=2000-01&date_to=2100-12", headers={"Accept-Language": "en"})
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and "Appeals by testing centre" in body and "Decision overturned" in body
    csv = client.get("/stats/appeals_by_standard.csv").get_data(as_text=True)
    assert csv.startswith("\ufeffkey,label,lodged,upheld,overturned,reassessment,pending") and "total" in csv
