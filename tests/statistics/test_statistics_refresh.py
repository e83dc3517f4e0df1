"""An administrator recounts the statistics from the dashboard after approving results, within
the limit a page keeps to on a large registry; nobody else can."""

import datetime as dt
import random
from pathlib import Path

import sqlalchemy as sa
from helpers import WebClient, make_user

from skills_cert.devtools import demo
from skills_cert.extensions import db
from skills_cert.roles import Role
from skills_cert.statistics import snapshot as statistics_snapshot
from skills_cert.statistics.models import StatsSnapshot

TODAY = dt.date.today()
EN = {"Accept-Language": "en"}


def _seed(app, n: int, seed: int) -> None:
    with app.app_context():
        demo.seed(db.session, n, key_dir=Path(app.config["SIGNING_KEY_DIR"]),
                  standards_dir=Path(app.config["STANDARDS_DIR"]), today=TODAY, rng=random.Random(seed))
        db.session.commit()


def _built_at(app):
    with app.app_context():
        return statistics_snapshot.current(db.session).built_at


def _age(app, by: float, **values) -> None:
    with app.app_context():
        snapshot = statistics_snapshot.current(db.session)
        db.session.execute(sa.update(StatsSnapshot).values(
            built_at=snapshot.built_at - dt.timedelta(seconds=by), **values))
        db.session.commit()


def test_an_administrator_recounts_and_nobody_else_can(app, monkeypatch):
    monkeypatch.setitem(app.config, "STATISTICS_MAX_AGE", 3600)
    _seed(app, 4, 1)
    admin = WebClient(app.test_client())
    admin.login(make_user(app, Role.ADMINISTRATOR).username)
    page = admin.get("/stats/?date_from=&date_to=", headers=EN).get_data(as_text=True)
    assert "Recount now" in page and "recounted at most every 60 minutes" in page
    _seed(app, 3, 2)
    _age(app, 120)
    before = _built_at(app)
    answer = admin.submit("/stats/refresh", {"next": "/stats/?date_from=&date_to="}, form_url="/stats/",
                          headers=EN)
    assert answer.status_code == 302 and answer.headers["Location"] == "/stats/?date_from=&date_to="
    assert _built_at(app) > before
    assert "The figures were recounted at" in admin.get(answer.headers["Location"], headers=EN).get_data(as_text=True)
    # pressed again at once: no second recount
    again = admin.submit("/stats/refresh", {}, form_url="/stats/", headers=EN)
    assert again.status_code == 302 and again.headers["Location"] == "/stats/"
    assert "a moment ago" in admin.get("/stats/", headers=EN).get_data(as_text=True)
    # a registry whose recount takes longer than a page may wait is left to the command
    _age(app, 120, seconds=75.0)
    slow = _built_at(app)
    admin.submit("/stats/refresh", {}, form_url="/stats/", headers=EN)
    assert "takes about 75 seconds" in admin.get("/stats/", headers=EN).get_data(as_text=True)
    assert _built_at(app) == slow
    # an analyst reads the figures but has no button, and a forged post is refused
    analyst = WebClient(app.test_client())
    analyst.login(make_user(app, Role.ANALYST).username)
    assert "Recount now" not in analyst.get("/stats/", headers=EN).get_data(as_text=True)
    assert analyst.submit("/stats/refresh", {}, form_url="/stats/").status_code == 403
