"""Guessing a holder's date of birth: failures are counted per certificate number, across the
three lookups (the holder's page, /verify, POST /api/v1/verify) and every address, and an
unknown number behaves exactly like a known one."""

import datetime as dt
import re
import time

import pytest
import sqlalchemy as sa
from certificate_fixtures import issued
from helpers import csrf_token

from skills_cert.attempts import FailedAttempts
from skills_cert.certification import lookups
from skills_cert.certification.models import Certificate
from skills_cert.extensions import db

BIRTH = dt.date(1990, 3, 14)  # the first candidate's (assessment_fixtures)
UNKNOWN = "LA-2026-999999"


@pytest.fixture()
def number(app):
    _setup, first, _second = issued(app)
    with app.app_context():
        return db.session.get(Certificate, first).number


class Guesser:
    """One client address, with a form token for the two HTML lookups."""

    def __init__(self, app, address: str):
        self.client = app.test_client()
        self.environ = {"REMOTE_ADDR": address}
        page = self.client.get("/certificate", environ_base=self.environ)
        self.token = csrf_token(page.get_data(as_text=True))

    def guess(self, route: str, number: str, birth: dt.date):
        if route == "api":
            return self.client.post("/api/v1/verify", json={"number": number, "date_of_birth": birth.isoformat()},
                                    environ_base=self.environ, headers={"Accept-Language": "en"})
        return self.client.post("/certificate" if route == "holder" else "/verify", environ_base=self.environ,
                                data={"number": number, "date_of_birth": birth.isoformat(), "csrf_token": self.token},
                                headers={"Accept-Language": "en"})


def found(response) -> bool:
    """Did this answer give the certificate away?"""
    body = response.get_data(as_text=True)
    return (response.status_code in (301, 302, 303) and "/d/" in response.headers.get("Location", "")) \
        or "Genuine and valid" in body or '"verdict"' in body


def test_ten_thousand_guesses_from_a_thousand_addresses_never_find_the_date(app, number):
    """10,000 different dates, the right one among them, each address making ten guesses (within
    its own per-address limit) spread over the three lookups."""
    dates = [dt.date(1976, 1, 1) + dt.timedelta(days=n) for n in range(10_000)]
    assert 5_000 < dates.index(BIRTH) < 5_500
    routes = ("holder", "verify", "api")
    answers, started = {}, time.monotonic()
    guessers = [Guesser(app, f"10.{n // 250}.{n % 250}.1") for n in range(1_000)]
    for n, birth in enumerate(dates):
        response = guessers[n % 1_000].guess(routes[n % 3], number, birth)
        assert not found(response), (n, birth)
        answers[response.status_code] = answers.get(response.status_code, 0) + 1
    elapsed = time.monotonic() - started
    # "No match" for the first four; the fifth failure starts the pause (429), and every later
    # guess is refused unchecked (429), except one after each pause has run out (1, 2, 4 ...
    # minutes), which starts a longer one.
    assert answers[429] >= 10_000 - 4 - int(elapsed // 60) - 1, (answers, elapsed)
    assert answers.get(200, 0) + answers.get(404, 0) == 10_000 - answers[429], answers
    # The holder is not locked out of what does not need the date: the pause ends, and the right
    # date then finds the certificate.
    with app.app_context():
        db.session.execute(sa.update(FailedAttempts).values(paused_until=None, last_at=dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc)))
        db.session.commit()
    assert found(Guesser(app, "192.0.2.1").guess("verify", number, BIRTH))


def _normalised(response, number: str) -> tuple:
    body = response.get_data(as_text=True).replace(number, "NUMBER")
    body = re.sub(r'name="csrf_token" type="hidden" value="[^"]*"', "", body)
    body = re.sub(r"\d+ (seconds?|minutes?)", "WAIT", body)
    wait = response.headers.get("Retry-After")
    return response.status_code, body, wait is not None and abs(int(wait) - 60) <= 2


@pytest.mark.parametrize("route", ["holder", "verify", "api"])
def test_an_unknown_number_is_answered_and_paused_exactly_like_a_known_one(app, number, route):
    wrong = [BIRTH + dt.timedelta(days=n) for n in range(1, 8)]
    guesser = Guesser(app, "203.0.113.5")  # one address each: within the per-address limit
    known = [_normalised(guesser.guess(route, number, birth), number) for birth in wrong]
    unknown = [_normalised(Guesser(app, "203.0.113.6").guess(route, UNKNOWN, birth), UNKNOWN) for birth in wrong]
    assert known == unknown
    assert [status for status, _body, _wait in known] == [404 if route == "api" else 200] * 4 + [429] * 3
    assert all(wait for status, _body, wait in known if status == 429)
    assert "lookups are paused" in known[-1][1]
    # Paused, the right date is refused too.
    assert guesser.guess(route, number, BIRTH).status_code == 429


def test_failures_are_shared_by_the_three_lookups_and_cleared_by_the_right_date(app, number):
    guesser = Guesser(app, "203.0.113.9")
    for route in ("holder", "verify", "api", "holder"):
        assert guesser.guess(route, number, BIRTH + dt.timedelta(days=1)).status_code in (200, 404)
    assert found(guesser.guess("api", number, BIRTH))  # the right date clears the four failures
    for route in ("verify", "api", "holder", "verify"):
        assert guesser.guess(route, number, BIRTH + dt.timedelta(days=2)).status_code in (200, 404)
    assert guesser.guess("api", number, BIRTH + dt.timedelta(days=3)).status_code == 429


def test_the_pause_doubles_with_each_further_failure_and_is_forgotten_after_quiet(app, number):
    rules = lookups.policy({"LOOKUP_GUESS_LIMIT": "5 per 7 days"})
    start = dt.datetime(2026, 12, 5, 8, 0, tzinfo=dt.timezone.utc)
    wrong = BIRTH + dt.timedelta(days=1)

    def attempt(now):
        with app.app_context():
            result = lookups.find(db.session, number, wrong, secret_key="k", rules=rules, now=now)
            db.session.commit()
            return result.paused_until

    for n in range(4):
        assert attempt(start + dt.timedelta(seconds=n)) is None
    now = start + dt.timedelta(seconds=4)
    pauses = []
    for _ in range(6):
        until = attempt(now)
        assert attempt(until - dt.timedelta(seconds=1)) == until  # still paused, and not longer for asking
        pauses.append(until - now)
        now = until
    assert pauses == [dt.timedelta(minutes=m) for m in (1, 2, 4, 8, 16, 32)]
    assert attempt(now + dt.timedelta(days=7, seconds=1)) is None  # a week of quiet: a fresh start
    with app.app_context():
        row = db.session.scalar(sa.select(FailedAttempts))
        assert row.failures == 1 and number not in row.key_hash and len(row.key_hash) == 64


def test_the_number_and_birth_lookup_is_not_open_to_other_web_origins(app, client, number):
    origin = {"Origin": "https://evil.example"}
    posted = client.post("/api/v1/verify", json={"number": number, "date_of_birth": "1990-03-14"}, headers=origin)
    assert posted.status_code == 200 and "Access-Control-Allow-Origin" not in posted.headers
    preflight = client.options("/api/v1/verify", headers={**origin, "Access-Control-Request-Method": "POST",
                                                          "Access-Control-Request-Headers": "content-type"})
    assert "Access-Control-Allow-Origin" not in preflight.headers
    with app.app_context():
        from skills_cert.certification.issuing import token_of

        token = token_of(db.session.scalar(sa.select(Certificate).where(Certificate.number == number)))
    by_token = client.get(f"/api/v1/verify/{token}", headers=origin)
    assert by_token.status_code == 200 and by_token.headers["Access-Control-Allow-Origin"] == "*"


def test_simultaneous_guesses_are_checked_one_after_the_other(app, number):
    """Forty guesses at once, from forty addresses: only the first five are checked."""
    from concurrent.futures import ThreadPoolExecutor

    guessers = [Guesser(app, f"10.9.{n}.1") for n in range(40)]
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda n: guessers[n].guess("api", number, BIRTH + dt.timedelta(days=n + 1)).status_code,
                                range(40)))
    assert sorted(answers) == [404] * 4 + [429] * 36, answers
