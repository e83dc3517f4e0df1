"""Hypothesis over the URL of every GET route in `app.url_map`: whatever the path parameters and
the query string hold, the answer is never a 5xx, and a GET writes no row (except the few tables
named in GET_WRITES, for the reasons given there).

Each rule gets its own fixed seed, so a CI run is reproducible; widen the search by raising
EXAMPLES_PER_RULE by hand. Requests go as an anonymous visitor and as a logged-in administrator,
with GET or HEAD, on SQLite and on PostgreSQL (the `app` fixture)."""

from __future__ import annotations

import re
import zlib
from urllib.parse import quote, urlencode

import pytest
import sqlalchemy as sa
from certificate_fixtures import issued
from hypothesis import HealthCheck, example, given, seed, settings
from hypothesis import strategies as st

EXAMPLES_PER_RULE = 20
# The only tables whose row count a GET may change, by endpoint; every other table keeps its row
# count on every GET (updates, such as a user's chosen language, are not counted).
_VERIFICATION = {"verification_events"}
# Each verification by token is logged (verdict, channel, a daily salted client hash): the
# registry's record of checks.
_CREDENTIAL = {"issued_credentials", "audit_log", "signing_keys"}
# A valid certificate's Open Badges credential is made and kept on its first request, with its
# audit entry; outside production a development signing key is made on the fly if none exists.
_SNAPSHOT = {"stats_snapshots", "stats_cells", "stats_overlaps", "stats_overlap_cells", "stats_pairs"}
# The statistics snapshot is rebuilt (deleted and written again) when it is stale.
GET_WRITES = {
    "verify.certificate": _VERIFICATION, "api.verify": _VERIFICATION,
    "api.credential": _CREDENTIAL, "certificates.detail": _CREDENTIAL,
    "certificates.office_credential": _CREDENTIAL, "certificates.download_page": _CREDENTIAL,
    "certificates.download_pdf": _CREDENTIAL, "certificates.holder_credential": _CREDENTIAL,
    "certificates.session_zip": _CREDENTIAL,
    "verify.status_list": {"signing_keys", "audit_log"},  # the development key, as above
    "stats.dashboard": _SNAPSHOT, "stats.table_csv": _SNAPSHOT, "stats.report_pdf": _SNAPSHOT,
    "stats.table_xlsx": _SNAPSHOT, "stats.report_xlsx": _SNAPSHOT,
}
PARAMETER_KEYS = ["next", "page", "per_page", "q", "lao", "lang", "date_from", "date_to", "province",
                  "centre", "standard", "level", "pathway", "sex", "country", "sector", "occupation",
                  "superseded", "format"]
INTEGERS = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70),
    st.integers(min_value=0, max_value=5),  # rows that exist
    st.sampled_from([2**31 - 1, 2**31, 2**63 - 1, 2**63, 2**64, -(2**63) - 1, 10**30]),
).map(str)
TEXT = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=200),
    st.text(alphabet="ກຂຄງຈສຊຍດຕຖທນບປຜຝພຟມຢຣລວຫອຮະາິີຶືຸູເແໂໃໄ່້໊໋໑໒໐กขคงจฉชซญดตถทนบปผฝพฟมยรลวสหอฮะาิีึืุู่้๊๋๑๒๐",
            max_size=60),
    st.sampled_from(["", " ", "\x00", "abc\x00def", "\n", "a\r\nSet-Cookie: x=1", "..", "../..",
                     "../../etc/passwd", ".", "~", "\u202eevil", "ສົມ\u200bພອນ", "\u0e48\u0e48",
                     "A" * 5000, "1' OR '1'='1", "<script>alert(1)</script>", "\ud7ff", "\ufffd",
                     "0", "-1", "1e999", "NaN", "null", "[]", "{}"]),
)
# A path segment as it appears in the URL: encoded text, or raw %-sequences (some broken).
SEGMENT = st.one_of(
    TEXT.map(lambda text: quote(text, safe="")),
    INTEGERS,
    st.sampled_from(["%00", "abc%00def", "%0A", "%0d%0a", "%2e%2e", "%2E%2E%2F%2E%2E", "%2F", "%25",
                     "%", "%ZZ", "%E0%BA", "%FF%FE", "%C0%AF", "%u0000", "..%2f..", "a%09b",
                     "%E0%BA%AA%E0%BA%BB", "%7F", "%C2%85"]),
)
NEXT = st.sampled_from(["//evil.example", "/\\evil.example", "https://evil.example/", "/a\nb",
                        "/a\r\nLocation: //evil.example", "/\t/evil.example", "\\\\evil.example",
                        "/ok", "/standards/?page=2", "javascript:alert(1)", " /x", "/%0a", "/" * 3000])
PAGE = st.one_of(INTEGERS, st.sampled_from(["", "abc", "1.5", "0x10", " 3", "１", "໑", "๑", "9" * 5000]))
VALUE = st.one_of(TEXT, INTEGERS, NEXT, PAGE, st.sampled_from(["2026-01", "9999-12", "0001-01", "2026-13",
                                                              "2026-02-30", "LA-VT", "male", "rpl"]))
QUERY = st.one_of(
    st.lists(st.tuples(st.one_of(st.sampled_from(PARAMETER_KEYS), TEXT), VALUE), max_size=6).map(urlencode),
    st.lists(st.tuples(st.just("next"), NEXT), min_size=1, max_size=3).map(urlencode),
    st.lists(st.tuples(st.just("page"), PAGE), min_size=1, max_size=3).map(urlencode),
    st.sampled_from(["", "page", "page=", "=", "&&&", "a=%00", "next=%0a", "q=%FF", "%", "a=1;b=2",
                     "page=1&page=2&page=-1"]),
)

# Every rule is also requested once with real values and this query, whatever is generated.
HOSTILE = "next=%2Fa%0Ab&next=%2F%2Fevil.example&page=2147483647&q=%E0%BA%AA%0A"


def _known_values(app) -> dict[str, list[str]]:
    """Real values for each path parameter name, so that some requests reach real rows. The
    first is the one of each rule's explicit example."""
    from skills_cert.certification.issuing import token_of
    from skills_cert.certification.models import Certificate
    from skills_cert.extensions import db
    from skills_cert.standards.models import Standard
    from skills_cert.statistics.report import TABLE_KEYS

    with app.app_context():
        certificates = list(db.session.scalars(sa.select(Certificate)))
        standards = list(db.session.scalars(sa.select(Standard)))
        units = [unit.code for standard in standards[:1] for unit in standard.units]
        return {
            "token": [token_of(c) for c in certificates] + [c.download_token for c in certificates],
            "public_id": [c.public_id for c in certificates],
            "authority": sorted({c.authority_code for c in certificates}),
            "code": ["en"] + sorted({s.code for s in standards})[:3] + units[:3] + ["lo", "th"],
            "key": sorted(TABLE_KEYS),
            "part": ["summary", "mappings", "coverage"],  # of the benchmarking report's CSV files
            "filename": ["css/app.css", "js/zip.js", "fonts/OFL.txt", "../setup.cfg"],
        }


def _path(rule, values: dict[str, str]) -> str:
    """The rule's path with each `<converter:name>` replaced by the raw URL text in *values*."""
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", lambda m: values[m.group(1)], rule.rule)


def _counts(app) -> dict[str, int]:
    from skills_cert.extensions import db

    tables = db.metadata.sorted_tables
    with app.app_context():
        row = db.session.execute(sa.select(*[
            sa.select(sa.func.count()).select_from(table).scalar_subquery().label(table.name)
            for table in tables])).one()
        db.session.rollback()
    return dict(row._mapping)


def _get_rules(app):
    return sorted((rule for rule in app.url_map.iter_rules() if "GET" in rule.methods),
                  key=lambda rule: rule.rule)


@pytest.fixture()
def registry(app):
    """Standards, a session, a certificate and a statement of attainment; limits out of the way."""
    issued(app)
    saved = app.config["API_RATE_LIMIT"], app.config["LOOKUP_RATE_LIMIT"]
    app.config["API_RATE_LIMIT"] = app.config["LOOKUP_RATE_LIMIT"] = "1000000 per minute"
    yield _known_values(app)
    app.config["API_RATE_LIMIT"], app.config["LOOKUP_RATE_LIMIT"] = saved


@pytest.mark.parametrize("who", ["anonymous", "administrator"])
def test_no_url_of_any_get_route_fails_or_writes(app, client, registry, who, database_url):
    from helpers import make_user

    from skills_cert.roles import Role

    if who == "administrator":
        client.login(make_user(app, Role.ADMINISTRATOR).username)
    rules = _get_rules(app)
    requests = sum(_fuzz(app, client, rule, registry, who) for rule in rules)
    if who == "administrator":  # still logged in: the requests above ran as the administrator
        assert client.get("/admin/users").status_code == 200
    print(f"\n{requests} requests fuzzed as {who} on {database_url.split(':')[0]}")
    assert requests >= EXAMPLES_PER_RULE * len(rules) // 2


def _fuzz(app, client, rule, registry: dict, who: str) -> int:
    """Hypothesis over one rule's URLs; returns how many requests were made."""
    names = sorted(rule.arguments)
    strategies = {name: st.one_of(st.sampled_from(registry[name]), SEGMENT) if registry.get(name)
                  else SEGMENT for name in names}
    allowed = GET_WRITES.get(rule.endpoint, set())
    made = []

    @seed(zlib.crc32(f"{rule.rule} {who}".encode()))
    @settings(max_examples=EXAMPLES_PER_RULE, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @example(values={name: registry.get(name, ["1"])[0] for name in names}, query=HOSTILE, method="GET")
    @given(values=st.fixed_dictionaries(strategies), query=QUERY, method=st.sampled_from(["GET", "HEAD"]))
    def check(values, query, method):
        url = _path(rule, values) + ("?" + query if query else "")
        before = _counts(app)
        response = client.open(url, method=method)
        made.append(url)
        assert response.status_code < 500, (method, url, response.status_code)
        after = _counts(app)
        grown = {table for table in after if after[table] != before[table]}
        assert grown <= allowed, (method, url, response.status_code, grown - allowed)

    check()
    return len(made)
