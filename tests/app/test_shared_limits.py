"""Limits as production serves them: gunicorn with three workers, rate limits in Redis (and in
memory, where that must not matter), clients behind a trusted reverse proxy or spoofing one.

Each request opens a new connection to gunicorn's sync workers, so a series of them is spread
over the workers by the kernel; limits kept per worker would let through about three times more.
"""

import re
import secrets

import pytest
import requests
from helpers import make_user
from server_fixtures import gunicorn, redis_store, redis_url, refused_start, server_env  # noqa: F401

from skills_cert.roles import Role

WORKERS = 3
LOCKED = "Too many failed attempts: log-in to this account is blocked for 15 minutes."
BAD_FORMAT = {"number": "not-a-number", "date_of_birth": "1990-01-01"}  # no guess counted per number


def _login_attempt(base: str, username: str, password: str) -> str:
    session = requests.Session()
    page = session.get(f"{base}/auth/login", headers={"Accept-Language": "en"}, timeout=10).text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    answer = session.post(f"{base}/auth/login", data={"username": username, "password": password, "csrf_token": token},
                          headers={"Accept-Language": "en"}, timeout=10, allow_redirects=False)
    assert answer.status_code in (200, 302), answer.status_code
    return "locked" if LOCKED in answer.text else "wrong" if answer.status_code == 200 else "in"


@pytest.mark.parametrize("store", ["memory", "redis"])
def test_a_real_account_and_an_unknown_name_lock_at_the_same_failure_whatever_the_worker(
        app, database_url, tmp_path, request, store):
    make_user(app, Role.ASSESSOR, "somphone")
    settings = {"RATELIMIT_STORAGE_URI": request.getfixturevalue("redis_store")} if store == "redis" else {}
    with gunicorn(server_env(database_url, tmp_path, **settings), tmp_path, WORKERS) as base:
        real = [_login_attempt(base, "somphone", "wrong password!") for _ in range(7)]
        unknown = [_login_attempt(base, "nobody-at-all", "wrong password!") for _ in range(7)]
    assert real == unknown == ["wrong"] * 4 + ["locked"] * 3


def test_the_lookup_limit_is_shared_by_the_workers_in_redis(app, database_url, tmp_path, redis_store):
    env = server_env(database_url, tmp_path, RATELIMIT_STORAGE_URI=redis_store, LOOKUP_RATE_LIMIT="5 per minute")
    with gunicorn(env, tmp_path, WORKERS) as base:
        codes = [requests.post(f"{base}/api/v1/verify", json=BAD_FORMAT, timeout=10).status_code for _ in range(8)]
    assert codes == [404] * 5 + [429] * 3


def test_behind_a_trusted_proxy_each_client_has_its_own_bucket(app, database_url, tmp_path, redis_store):
    env = server_env(database_url, tmp_path, RATELIMIT_STORAGE_URI=redis_store, LOOKUP_RATE_LIMIT="3 per minute",
                     TRUSTED_PROXIES="127.0.0.1, ::1")

    def lookup(base, forwarded):
        return requests.post(f"{base}/api/v1/verify", json=BAD_FORMAT, timeout=10,
                             headers={"X-Forwarded-For": forwarded}).status_code

    with gunicorn(env, tmp_path, WORKERS) as base:
        first = [lookup(base, "203.0.113.10") for _ in range(4)]
        # A client's own X-Forwarded-For is left of what the proxy appends: it is not believed.
        second = [lookup(base, f"198.51.100.{n}, 203.0.113.20") for n in range(4)]
        third = lookup(base, "203.0.113.30")
    assert first == [404, 404, 404, 429] and second == [404, 404, 404, 429] and third == 404


def test_without_a_trusted_proxy_a_forwarded_header_is_ignored(app, database_url, tmp_path, redis_store):
    env = server_env(database_url, tmp_path, RATELIMIT_STORAGE_URI=redis_store, LOOKUP_RATE_LIMIT="3 per minute",
                     TRUSTED_PROXIES="192.0.2.1")  # a proxy, but not the address these requests come from
    with gunicorn(env, tmp_path, WORKERS) as base:
        codes = [requests.post(f"{base}/api/v1/verify", json=BAD_FORMAT, timeout=10,
                               headers={"X-Forwarded-For": f"203.0.113.{n}"}).status_code for n in range(5)]
    assert codes == [404, 404, 404, 429, 429]


def _production(database_url, tmp_path, **settings):
    return server_env(database_url, tmp_path, SKILLS_CERT_ENV="production", SECRET_KEY=secrets.token_urlsafe(48),
                      **settings)


def test_production_refuses_limits_in_memory_with_several_workers(app, database_url, tmp_path, redis_store):
    log = refused_start(_production(database_url, tmp_path), tmp_path, 2)
    assert "Refusing to start in production: gunicorn runs 2 workers" in log and "RATELIMIT_STORAGE_URI" in log
    log = refused_start(_production(database_url, tmp_path, WEB_CONCURRENCY="3"), tmp_path, None)
    assert "gunicorn runs 3 workers" in log
    with gunicorn(_production(database_url, tmp_path), tmp_path, 1) as base:  # one worker: one count
        assert requests.get(base + "/healthz", timeout=5).ok
    with gunicorn(_production(database_url, tmp_path, RATELIMIT_STORAGE_URI=redis_store), tmp_path, 2) as base:
        assert requests.get(base + "/healthz", timeout=5).ok


@pytest.mark.parametrize("peer, forwarded, proto, client, scheme", [
    ("127.0.0.1", "203.0.113.5", "https", "203.0.113.5", "https"),
    ("127.0.0.1", "6.6.6.6, 203.0.113.5", "https", "203.0.113.5", "https"),  # the client wrote 6.6.6.6
    ("127.0.0.1", "203.0.113.5, 10.0.0.2", "http", "203.0.113.5", "http"),  # through two proxies
    ("127.0.0.1", "", "", "127.0.0.1", "http"),
    ("127.0.0.1", "nonsense", "gopher", "127.0.0.1", "http"),
    ("127.0.0.1", "2001:db8::7", "https", "2001:db8::7", "https"),
    ("198.51.100.1", "203.0.113.5", "https", "198.51.100.1", "http"),  # not a trusted proxy
])
def test_the_forwarded_client_is_read_only_from_trusted_proxies(peer, forwarded, proto, client, scheme):
    from skills_cert.config import trusted_networks
    from skills_cert.web.proxy import TrustedProxies

    seen = {}

    def app(environ, start_response):
        seen.update(client=environ["REMOTE_ADDR"], scheme=environ["wsgi.url_scheme"])
        return []

    TrustedProxies(app, trusted_networks("127.0.0.1, 10.0.0.0/8"))(
        {"REMOTE_ADDR": peer, "HTTP_X_FORWARDED_FOR": forwarded, "HTTP_X_FORWARDED_PROTO": proto,
         "wsgi.url_scheme": "http"}, None)
    assert seen == {"client": client, "scheme": scheme}


@pytest.mark.parametrize("setting, value, says", [
    ("TRUSTED_PROXIES", "127.0.0.1, nginx", "'nginx' is not an IP address"),
    ("LOOKUP_GUESS_LIMIT", "five", "LOOKUP_GUESS_LIMIT must be one limit"),
    ("LOOKUP_GUESS_LIMIT", "5 per day;10 per week", "LOOKUP_GUESS_LIMIT must be one limit"),
])
def test_bad_limit_and_proxy_settings_are_refused_with_a_reason(tmp_path, setting, value, says):
    from skills_cert.config import ConfigError, load_config

    with pytest.raises(ConfigError, match=re.escape(says)):
        load_config(str(tmp_path), {"ENV_NAME": "testing", setting: value})
