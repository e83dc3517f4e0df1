"""One test per input that once answered 500. Each is refused where the input enters: redirect
targets by `web.access.safe_next`, path parameters by the converters of `web.urls`, JSON bodies by
`web.json_body`, and a CSV value over the csv module's limit by the importer as a row error."""

from __future__ import annotations

import csv
import io

import pytest
import sqlalchemy as sa
from helpers import make_user

from skills_cert.roles import Role


def test_deeply_nested_json_is_a_400_in_the_clients_language(app, client):
    from flask_babel import force_locale, gettext

    from skills_cert.web.json_body import MAX_DEPTH

    body = '{"number": ' + "[" * 1000 + "]" * 1000 + ', "date_of_birth": "1990-03-14"}'
    response = client.post("/api/v1/verify", data=body, content_type="application/json",
                           headers={"Accept-Language": "th"})
    assert response.status_code == 400
    with app.test_request_context(), force_locale("th"):
        expected = gettext("The JSON body is nested more than %(depth)d levels deep. Send a flat "
                           "JSON object.", depth=MAX_DEPTH)
        title = gettext("Bad request")
    assert response.get_json() == {"error": {"code": 400, "title": title, "message": expected}}


@pytest.mark.parametrize("target", ["/standards/\n/x", "/a\r\nSet-Cookie: x=1", "/\t/evil.example",
                                    "//evil.example", "/\\evil.example", "https://evil.example/",
                                    "/a\x1bb", "evil.example"])
def test_an_unsafe_next_after_a_language_change_goes_home(client, target):
    response = client.get("/lang/en", query_string={"next": target})
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_a_newline_in_next_after_log_in_logs_in_and_goes_home(app, client):
    user = make_user(app, Role.ADMINISTRATOR)
    page = client.get("/auth/login")
    assert page.status_code == 200
    response = client.login(user.username, query_string={"next": "/admin/users\nX: y"})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert client.get("/admin/users").status_code == 200


def test_a_newline_in_next_after_the_second_factor_goes_home(app, client):
    import pyotp

    from skills_cert.accounts import totp
    from skills_cert.accounts.models import User
    from skills_cert.columns import utcnow
    from skills_cert.extensions import db

    user = make_user(app, Role.ADMINISTRATOR)
    with app.app_context():
        row = db.session.get(User, user.id)
        secret = totp.start_enrolment(db.session, row, key=totp.encryption_key(app.config))
        row.totp_enabled_at = utcnow()
        db.session.commit()
    assert client.login(user.username, query_string={"next": "/a\nb"}).status_code == 302
    response = client.submit("/auth/two-factor", {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302 and response.headers["Location"] == "/"


@pytest.mark.parametrize("path", ["/d/abc%00def", "/d/abc%00def/certificate.pdf", "/v/abc%00def",
                                  "/api/v1/verify/abc%00def", "/api/v1/credentials/%00",
                                  "/issuers/LA%00/did.json", "/stats/%00.csv", "/d/abc%0Adef"])
def test_a_control_character_in_a_path_parameter_is_404(app, client, path):
    client.login(make_user(app, Role.ADMINISTRATOR).username)
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("number", ["9223372036854775808", "2147483648", "0", "01", "9" * 5000,
                                    "\u0e51", "\u0ed1"])  # Thai and Lao digit one
def test_an_id_beyond_the_database_integer_is_404(app, client, number):
    client.login(make_user(app, Role.ADMINISTRATOR).username)
    for path in ("/certificates/{}", "/candidates/{}", "/sessions/{}", "/standards/{}",
                 "/auth/users/{}/two-factor/reset"):
        assert client.get(path.format(number)).status_code == 404, path


def test_a_csv_value_over_the_field_limit_is_a_row_error_and_nothing_is_imported(app, client):
    from assessment_fixtures import build
    from flask_babel import force_locale, gettext

    from skills_cert.assessment.bulk_import import write_template
    from skills_cert.assessment.models import ItemResult, TestSession
    from skills_cert.audit.models import AuditEntry
    from skills_cert.extensions import db

    setup = build(app)
    with app.app_context():
        rows = list(csv.reader(io.StringIO(write_template(db.session, db.session.get(TestSession, setup.session_id)))))
        before = [db.session.scalar(sa.select(sa.func.count()).select_from(m)) for m in (ItemResult, AuditEntry)]
    for row in rows[1:]:
        row[4:] = ["75"] + ["S"] * (len(row) - 5)
    rows[2][4] = "7" * (csv.field_size_limit() + 1)
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    client.login(setup.assessor.username)
    response = client.submit(f"/sessions/{setup.session_id}/import", {
        "file": (io.BytesIO(out.getvalue().encode()), "results.csv"), "good_only": "y"},
        content_type="multipart/form-data", headers={"Accept-Language": "th"})
    assert response.status_code == 422
    with app.test_request_context(), force_locale("th"):
        expected = gettext("This row cannot be read: a value is longer than %(limit)d characters. Check "
                           "that every quotation mark (\") is closed.", limit=csv.field_size_limit())
        line = gettext("Line %(n)d", n=3)
    page = response.get_data(as_text=True)
    assert f"{line}: {expected}".replace('"', "&#34;") in page
    with app.app_context():  # not even the good row before it, though good rows only were asked for
        assert [db.session.scalar(sa.select(sa.func.count()).select_from(m))
                for m in (ItemResult, AuditEntry)] == before
