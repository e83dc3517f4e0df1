"""Hypothesis against the form handlers and the CSV importer: whatever is typed or uploaded, the
answer is a page or a clean refusal (never a 5xx), and a refused submission writes nothing."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from standards_fixtures import import_shipped

from skills_cert.assessment.models import Candidate, ItemResult
from skills_cert.audit.models import AuditEntry
from skills_cert.recognition.models import Agreement
from skills_cert.roles import Role

FUZZ = settings(max_examples=25, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
# Anything a keyboard, a paste or a broken client can send: control characters, NUL, lone
# combining marks, Lao and Thai, right-to-left text, emoji, very long strings.
TEXT = st.one_of(
    st.text(max_size=60),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=300),
    st.sampled_from(["", " ", "\x00", "\u0e48\u0e48", "ສົມ\u200bພອນ", "\u202eevil", "A" * 5000,
                     "1' OR '1'='1", "<script>alert(1)</script>", "%00", "../../etc/passwd"]),
)


def _count(app, model) -> int:
    from skills_cert.extensions import db

    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _token(client, url: str) -> str:
    from helpers import csrf_token

    return csrf_token(client.get(url).get_data(as_text=True))


@pytest.fixture()
def assessor(app, client, users):
    client.login(users[Role.ASSESSOR].username)
    return client


@FUZZ
@given(name_lao=TEXT, name_latin=TEXT, sex=TEXT, dob=TEXT, nationality=TEXT, id_type=TEXT,
       id_number=TEXT, phone=TEXT, pathway=TEXT)
def test_candidate_registration_refuses_cleanly_and_writes_nothing(app, assessor, name_lao, name_latin,
                                                                   sex, dob, nationality, id_type,
                                                                   id_number, phone, pathway):
    before = _count(app, Candidate), _count(app, AuditEntry)
    response = assessor.post("/candidates/new", data={
        "csrf_token": _token(assessor, "/candidates/new"), "name_lao": name_lao, "name_latin": name_latin,
        "sex": sex, "date_of_birth": dob, "nationality": nationality, "id_type": id_type,
        "id_number": id_number, "phone": phone, "pathway": pathway})
    assert response.status_code < 500
    if response.status_code != 302:
        assert (_count(app, Candidate), _count(app, AuditEntry)) == before


@FUZZ
@given(number=TEXT, birth=TEXT)
def test_public_lookups_never_fail(app, client, number, birth):
    for url in ("/certificate", "/verify"):
        response = client.post(url, data={"csrf_token": _token(client, url), "number": number,
                                          "date_of_birth": birth})
        assert response.status_code < 500
    assert client.get("/standards/", query_string={"q": number}).status_code < 500


@FUZZ
@given(username=TEXT, password=TEXT)
def test_login_never_fails(app, client, username, password):
    response = client.post("/auth/login", data={"csrf_token": _token(client, "/auth/login"),
                                                "username": username, "password": password})
    assert response.status_code < 500


@pytest.fixture()
def officer(app, client, users):
    client.login(users[Role.STANDARDS_OFFICER].username)
    return client


@FUZZ
@given(code=TEXT, title=TEXT, reference=TEXT, start=TEXT, until=TEXT, country=TEXT)
def test_a_new_agreement_is_refused_cleanly(app, officer, code, title, reference, start, until, country):
    client = officer
    before = _count(app, Agreement)
    response = client.post("/mrs/new", data={
        "csrf_token": _token(client, "/mrs/"), "code": code, "origin_country": "LA",
        "destination_country": country, "sector": "construction", "title-lo": title, "title-th": title,
        "title-en": title, "reference": reference, "effective_from": start, "effective_until": until})
    assert response.status_code < 500
    if response.status_code != 302:
        assert _count(app, Agreement) == before


@pytest.fixture()
def import_setup(app):
    from assessment_fixtures import build

    return build(app)


def _template(app, setup) -> str:
    from skills_cert.assessment.bulk_import import write_template
    from skills_cert.assessment.models import TestSession
    from skills_cert.extensions import db

    with app.app_context():
        return write_template(db.session, db.session.get(TestSession, setup.session_id))


@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_the_csv_importer_refuses_broken_files_without_a_partial_write(app, import_setup, data):
    """Valid templates damaged at random: cells replaced, lines cut, bytes flipped, encodings mixed."""
    from skills_cert.accounts.models import User
    from skills_cert.assessment import bulk_import
    from skills_cert.extensions import db

    lines = _template(app, import_setup).splitlines()
    header = lines[0].split(",")
    rows = [line.split(",") for line in lines[1:]]
    for row in rows:
        row[4] = "75"
        row[5:] = ["S"] * (len(header) - 5)
    for _ in range(data.draw(st.integers(1, 4))):
        row = data.draw(st.sampled_from(rows))
        row[data.draw(st.integers(0, len(row) - 1))] = data.draw(TEXT).replace("\n", " ")
    text = "\n".join(",".join(r) for r in [header] + rows)
    raw = text.encode(data.draw(st.sampled_from(["utf-8", "utf-16", "latin-1"])), errors="replace")
    if data.draw(st.booleans()):
        cut = data.draw(st.integers(0, len(raw)))
        raw = raw[:cut] + data.draw(st.binary(max_size=40)) + raw[cut:]
    before = _count(app, ItemResult), _count(app, AuditEntry)
    with app.app_context():
        actor = db.session.get(User, import_setup.assessor.id)
        result = bulk_import.import_results(db.session, raw, actor=actor, today=dt.date.today())
        if result.errors:
            db.session.rollback()
        else:
            db.session.commit()
    if result.errors:
        assert all(error.message for error in result.errors)
        assert (_count(app, ItemResult), _count(app, AuditEntry)) == before
    else:  # an undamaged-looking file imports whole: one result per item of every row
        assert _count(app, ItemResult) - before[0] == result.imported * (len(header) - 5)
        with app.app_context():  # put the session back for the next example
            db.session.execute(sa.delete(ItemResult))
            from skills_cert.assessment.models import Assessment, AssessmentStatus

            db.session.execute(sa.update(Assessment).values(status=AssessmentStatus.DRAFT, version=Assessment.version + 1))
            db.session.commit()


def test_shipped_standards_load_for_the_fuzzers(app):
    import_shipped(app)  # the fixtures above build on it; a broken shipped file fails here first


def _small_photo(kind: str) -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    image = Image.new("RGB", (320, 400), (200, 120, 40))
    image.paste((20, 60, 160), (0, 200, 320, 400))
    image.save(out, kind)
    return out.getvalue()


PHOTOS = {kind: _small_photo(kind) for kind in ("JPEG", "PNG", "WEBP")}


@settings(max_examples=60, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.one_of(
    st.binary(max_size=2048),
    # a real photo with bytes changed, cut short or with junk appended: what a broken upload sends
    st.tuples(st.sampled_from(sorted(PHOTOS)), st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)),
                                                       max_size=8),
              st.integers(0, 10**6), st.binary(max_size=64)).map(
        lambda t: _mutate(PHOTOS[t[0]], t[1], t[2], t[3]))))
def test_photo_uploads_are_a_clean_photo_or_a_clean_refusal(app, data):
    """Whatever bytes arrive as a photo: a re-encoded JPEG comes back, or a translated refusal,
    never another exception (which would be a 500 on the registration page)."""
    from skills_cert.assessment.candidate_checks import CheckFailed
    from skills_cert.assessment.photos import process_photo

    with app.test_request_context(headers={"Accept-Language": "th"}):
        try:
            result = process_photo(data)
        except CheckFailed as refusal:
            assert str(refusal).strip()
        else:
            assert result[:3] == b"\xff\xd8\xff" and result[-2:] == b"\xff\xd9"


def _mutate(photo: bytes, changes, cut: int, junk: bytes) -> bytes:
    data = bytearray(photo)
    for position, value in changes:
        data[position % len(data)] = value
    return bytes(data[:max(cut % (len(data) + 1), 1)]) + junk



@pytest.fixture()
def appeal_case(app):
    """A refused candidate's approved decision (appeals)."""
    from appeal_fixtures import refused

    return refused(app)


def _appeal_counts(app):
    from skills_cert.appeals.models import Appeal

    return _count(app, Appeal), _count(app, AuditEntry)


@FUZZ
@given(grounds=TEXT)
def test_lodging_an_appeal_is_refused_cleanly(app, client, appeal_case, grounds):
    if not getattr(client, "logged_in", False):
        client.login(appeal_case.setup.officer.username)
        client.logged_in = True
    url = f"/appeals/new/{appeal_case.assessment_id}"
    before = _appeal_counts(app)
    response = client.post(url, data={"csrf_token": _token(client, url), "grounds": grounds})
    assert response.status_code in (200, 302, 400, 409, 422), response.status_code
    if response.status_code != 302:
        assert _appeal_counts(app) == before


@pytest.fixture()
def appeal_to_decide(app, client, appeal_case):
    """The appeal given to the second assessor, who is logged in: (client, appeal page)."""
    from appeal_fixtures import lodge, users_of

    from skills_cert.appeals import panel
    from skills_cert.extensions import db

    with app.app_context():
        appeal = lodge(db, appeal_case)
        officer, other = users_of(db, appeal_case.setup.officer, appeal_case.setup.other_assessor)
        panel.assign(db.session, appeal, [other], actor=officer, today=dt.date.today())
        db.session.commit()
        url = f"/appeals/{appeal.id}"
    client.login(appeal_case.setup.other_assessor.username)
    return client, url


@FUZZ
@given(ruling=TEXT | st.sampled_from(["upheld", "overturned", "reassessment"]), reasons=TEXT, knowledge=TEXT,
       mark=TEXT | st.sampled_from(["s", "n"]), version=TEXT | st.sampled_from(["1", "2"]))
def test_deciding_an_appeal_is_refused_cleanly(app, appeal_case, appeal_to_decide, ruling, reasons, knowledge,
                                               mark, version):
    client, url = appeal_to_decide
    before = _appeal_counts(app)
    response = client.post(f"{url}/decide", data={
        "csrf_token": _token(client, url), "ruling": ruling, "reasons": reasons, "knowledge": knowledge,
        "version": version, f"item-{appeal_case.failed_item}": mark})
    assert response.status_code in (302, 400, 409, 422), response.status_code
    if response.status_code != 302:
        assert _appeal_counts(app) == before


# --- RPL: the portfolio, its uploads, the self-assessment ------------------------------------

@pytest.fixture()
def rpl_assessor(app, client, import_setup):
    client.login(import_setup.assessor.username)
    return client, import_setup


@FUZZ
@given(kind=TEXT, title=TEXT, source=TEXT, place=TEXT, start=TEXT, end=TEXT, details=TEXT,
       supports=st.lists(st.one_of(TEXT, st.sampled_from(["LA-CON-BRL-02", "LA-CON-BRL-02/3"])), max_size=4))
def test_a_portfolio_item_is_refused_cleanly(app, rpl_assessor, kind, title, source, place, start, end,
                                             details, supports):
    from skills_cert.assessment.rpl_models import PortfolioItem

    client, setup = rpl_assessor
    url = f"/assessments/{setup.assessment_ids[0]}/portfolio"
    before = _count(app, PortfolioItem), _count(app, AuditEntry)
    response = client.post(f"{url}/items", data={
        "csrf_token": _token(client, url), "kind": kind, "title": title, "source": source, "place": place,
        "date_from": start, "date_to": end, "description": details, "supports": supports})
    assert response.status_code < 500
    if response.status_code != 302:
        assert (_count(app, PortfolioItem), _count(app, AuditEntry)) == before


@FUZZ
@given(ratings=st.dictionaries(st.one_of(TEXT, st.sampled_from(["rate-LA-CON-BRL-02", "rate-LA-CON-BRL-02/1"])),
                               st.one_of(TEXT, st.sampled_from(["regularly", "sometimes", "never"])), max_size=5))
def test_a_self_assessment_is_refused_cleanly(app, rpl_assessor, ratings):
    from skills_cert.assessment.rpl_models import SelfRating

    client, setup = rpl_assessor
    url = f"/assessments/{setup.assessment_ids[0]}/self-assessment"
    before = _count(app, SelfRating), _count(app, AuditEntry)
    response = client.post(url, data={**ratings, "csrf_token": _token(client, url)})
    assert response.status_code < 500
    if response.status_code != 302:
        assert (_count(app, SelfRating), _count(app, AuditEntry)) == before


def _pdf_sample() -> bytes:
    from rpl_fixtures import reference_letter_pdf

    return reference_letter_pdf()


EVIDENCE = {"PDF": _pdf_sample(), **PHOTOS}


@settings(max_examples=60, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.one_of(
    st.binary(max_size=2048),
    st.binary(max_size=512).map(lambda b: b"%PDF-1.7\n" + b),
    # a real PDF or photo with bytes changed, cut short or with junk appended
    st.tuples(st.sampled_from(sorted(EVIDENCE)), st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)),
                                                         max_size=8),
              st.integers(0, 10**6), st.binary(max_size=64)).map(
        lambda t: _mutate(EVIDENCE[t[0]], t[1], t[2], t[3]))))
def test_evidence_uploads_are_a_clean_file_or_a_clean_refusal(app, data):
    """Whatever bytes arrive as evidence: a re-encoded JPEG or a rewritten PDF comes back, or a
    translated refusal, never another exception."""
    from skills_cert.assessment.candidate_checks import CheckFailed
    from skills_cert.assessment.evidence_files import clean_upload

    with app.test_request_context(headers={"Accept-Language": "lo"}):
        try:
            result = clean_upload(data)
        except CheckFailed as refusal:
            assert str(refusal).strip()
        else:
            assert result.data[:3] == b"\xff\xd8\xff" or result.data.startswith(b"%PDF-")


@FUZZ
@given(data=st.binary(max_size=1024), name=TEXT)
def test_an_uploaded_file_is_refused_cleanly_through_the_page(app, rpl_assessor, data, name):
    from skills_cert.assessment.rpl_models import EvidenceFile

    client, setup = rpl_assessor
    url = f"/assessments/{setup.assessment_ids[0]}/portfolio"
    before = _count(app, EvidenceFile)
    response = client.post(f"{url}/items", content_type="multipart/form-data", data={
        "csrf_token": _token(client, url), "kind": "photo", "title": "Wall", "supports": ["LA-CON-BRL-02"],
        "file": (io.BytesIO(data), name or "x")})
    assert response.status_code < 500
    assert _count(app, EvidenceFile) == before
