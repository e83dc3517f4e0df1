"""The assessor's pages and the certifying officer's approval pages, through the test client."""

import datetime as dt
import io
import re

import pytest
import sqlalchemy as sa
from assessment_fixtures import CANDIDATES, all_satisfactory, build, critical_item
from helpers import WebClient

from skills_cert.assessment.models import Assessment, AssessmentStatus, Candidate, Outcome
from skills_cert.certification.models import Certificate
from skills_cert.extensions import db


@pytest.fixture()
def setup(app):
    return build(app)


@pytest.fixture()
def assessor(app, setup):
    client = WebClient(app.test_client())
    client.login(setup.assessor.username)
    client.get("/lang/en")
    return client


@pytest.fixture()
def officer(app, setup):
    client = WebClient(app.test_client())
    client.login(setup.officer.username)
    client.get("/lang/en")
    return client


def _form(app, setup, *, fail=None, knowledge="80"):
    data = {"knowledge": knowledge, "action": "save"}
    for code in all_satisfactory(app, setup.standard_id):
        data[f"item-{code}"] = "s"
        data[f"note-{code}"] = ""
    if fail:
        data[f"item-{fail}"] = "n"
        data[f"note-{fail}"] = "joints not filled"
    return data


def _version(client, url):
    return re.search(r'name="version"[^>]*value="(\d+)"', client.get(url).get_data(as_text=True)).group(1)


def _record(client, app, setup, index, **kwargs):
    url = f"/assessments/{setup.assessment_ids[index]}/record"
    data = {**_form(app, setup, **kwargs), "version": _version(client, url)}
    return client.submit(url, data)


def test_record_page_is_generated_from_the_guideline(app, setup, assessor):
    page = assessor.get(f"/assessments/{setup.assessment_ids[0]}/record").get_data(as_text=True)
    assert page.count('type="radio" name="item-') == 30 * 3
    assert "Items recorded: 0 of 30" in page
    assert "Safety-critical" in page and "Somphone Keomany" in page


def test_save_then_submit_then_approve(app, setup, assessor, officer):
    response = _record(assessor, app, setup, 0)
    assert response.status_code == 302
    page = assessor.get(f"/assessments/{setup.assessment_ids[0]}/record").get_data(as_text=True)
    assert "Items recorded: 30 of 30" in page and "Competent" in page
    url = f"/assessments/{setup.assessment_ids[0]}/record"
    data = {**_form(app, setup), "version": _version(assessor, url), "action": "submit"}
    response = assessor.submit(url, data)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/assessments/{setup.assessment_ids[0]}")
    queue = officer.get("/approvals/").get_data(as_text=True)
    assert "Somphone Keomany" in queue
    view = f"/assessments/{setup.assessment_ids[0]}"
    response = officer.submit(f"{view}/approve", {"version": _version(officer, view)}, form_url=view)
    assert response.status_code == 302
    with app.app_context():
        assessment = db.session.get(Assessment, setup.assessment_ids[0])
        assert assessment.status is AssessmentStatus.APPROVED and assessment.outcome is Outcome.COMPETENT
        certificate = db.session.scalar(sa.select(Certificate).filter_by(candidate_id=assessment.candidate_id))
    # the message names the certificate and leads to it
    after = officer.get(response.headers["Location"]).get_data(as_text=True)
    assert certificate.number in after and f'<a href="/certificates/{certificate.id}">' in after
    # the audit trail is words and names, not event codes and JSON
    trail = officer.get(view).get_data(as_text=True).split('class="trail"')[1]
    assert "Enrolled in the test session" in trail and "Results recorded</strong> · ຄຳໃສ ວົງສາ" in trail
    assert "Submitted for approval" in trail and "Decision: Competent" in trail and "Approved</strong> ·" in trail
    assert re.search(r"Item T\d+\.\d+: not recorded → satisfactory", trail)
    assert "assessment.record" not in trail and "[null" not in trail and "&#34;" not in trail


def test_not_yet_competent_is_explained_on_the_page(app, setup, assessor):
    code, unit = critical_item(app, setup.standard_id)
    _record(assessor, app, setup, 1, fail=code, knowledge="55")
    page = assessor.get(f"/assessments/{setup.assessment_ids[1]}/record").get_data(as_text=True)
    assert "Not yet competent" in page
    assert "Knowledge test 55% is below the pass mark of 60%." in page
    # every unit says why it is not yet competent, even one whose own items all passed
    units = page.split('class="units-decided"')[1].split("</ul>")[0]
    assert units.count("The knowledge test was not passed; that fails every unit.") == units.count("<li")


def test_a_safety_failure_says_why_every_unit_fails(app, setup, assessor):
    with app.app_context():
        from skills_cert.assessment.recording import rules_for
        from skills_cert.standards.models import Standard

        rules = rules_for(db.session.get(Standard, setup.standard_id))
    safety = next(item.code for item in rules.items if item.safety_critical)
    _record(assessor, app, setup, 1, fail=safety, knowledge="90")
    page = assessor.get(f"/assessments/{setup.assessment_ids[1]}/record").get_data(as_text=True)
    units = page.split('class="units-decided"')[1].split("</ul>")[0]
    why = "A safety-critical item was not satisfactory; under this guideline that fails every unit."
    assert units.count("<li") == len(rules.units) == units.count(why)


def test_typed_results_come_back_when_saving_fails(app, setup, assessor):
    url = f"/assessments/{setup.assessment_ids[0]}/record"
    data = {**_form(app, setup, knowledge="eighty"), "version": _version(assessor, url)}
    data["note-T1.1"] = "wore helmet and boots"
    response = assessor.submit(url, data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Enter the knowledge score as a number from 0 to 100." in page
    assert 'value="wore helmet and boots"' in page and 'value="eighty"' in page


def test_a_stale_form_is_a_conflict_not_a_silent_overwrite(app, setup, assessor):
    url = f"/assessments/{setup.assessment_ids[0]}/record"
    stale = _version(assessor, url)
    assert _record(assessor, app, setup, 0).status_code == 302
    response = assessor.submit(url, {**_form(app, setup, knowledge="10"), "version": stale})
    assert response.status_code == 409
    assert "Someone else changed this assessment" in response.get_data(as_text=True)


def test_return_needs_a_reason_and_goes_back_to_the_assessor(app, setup, assessor, officer):
    url = f"/assessments/{setup.assessment_ids[0]}/record"
    assessor.submit(url, {**_form(app, setup), "version": _version(assessor, url), "action": "submit"})
    view = f"/assessments/{setup.assessment_ids[0]}"
    response = officer.submit(f"{view}/return", {"version": _version(officer, view), "reason": ""}, form_url=view)
    assert response.status_code == 422 and "Say what must be corrected." in response.get_data(as_text=True)
    response = officer.submit(f"{view}/return", {"version": _version(officer, view),
                                                 "reason": "Photo of the wall is missing."}, form_url=view)
    assert response.status_code == 302
    page = assessor.get(url).get_data(as_text=True)
    assert "Returned for correction:" in page and "Photo of the wall is missing." in page


def test_an_unassigned_assessor_gets_403(app, setup):
    other = WebClient(app.test_client())
    other.login(setup.other_assessor.username)
    assert other.get(f"/assessments/{setup.assessment_ids[0]}/record").status_code == 403
    assert other.get(f"/sessions/{setup.session_id}").status_code == 403


@pytest.mark.parametrize("who", ["assessor", "admin"])
def test_approval_pages_are_for_certifying_officers_only(app, setup, who):
    client = WebClient(app.test_client())
    client.login(getattr(setup, who).username)
    assert client.get("/approvals/").status_code == 403
    view = f"/assessments/{setup.assessment_ids[0]}"
    assert client.submit(f"{view}/approve", {"version": "1"}, form_url="/").status_code == 403


def test_register_candidate_with_photo_and_duplicate_checks(app, setup, assessor):
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (400, 500), (200, 150, 120)).save(buffer, "JPEG")
    data = {"name_lao": "ວຽງຄຳ ໄຊຍະວົງ", "name_latin": "Viengkham Xayavong", "sex": "female",
            "date_of_birth": "1992-11-05", "nationality": "LA", "id_type": "passport",
            "id_number": "p 765-4321", "phone": "", "pathway": "regular",
            "photo": (io.BytesIO(buffer.getvalue()), "me.jpg")}
    response = assessor.submit("/candidates/new", data, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    with app.app_context():
        person = db.session.scalar(sa.select(Candidate).where(Candidate.id_number == "P7654321"))
        assert person is not None and person.has_photo
    assert assessor.get(f"/candidates/{person.id}/photo").mimetype == "image/jpeg"

    same_id = {**data, "name_lao": "ວຽງຄຳ", "photo": (io.BytesIO(b""), "")}
    response = assessor.submit("/candidates/new", same_id, content_type="multipart/form-data")
    assert "already registered" in response.get_data(as_text=True)

    similar = {**data, "id_number": "P7654322", "name_latin": "Vienkham Xayavong", "photo": (io.BytesIO(b""), "")}
    response = assessor.submit("/candidates/new", similar, content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert "similar name and the same date of birth" in page
    response = assessor.submit("/candidates/new", {**similar, "confirm_similar": "y",
                                                   "photo": (io.BytesIO(b""), "")},
                               content_type="multipart/form-data")
    assert response.status_code == 302


def test_candidate_errors_are_shown_per_field(app, setup, assessor):
    data = {"name_lao": "Somchai", "name_latin": "Somchai", "sex": "male", "date_of_birth": "2020-01-01",
            "nationality": "LA", "id_type": "passport", "id_number": "12", "pathway": "rpl"}
    page = assessor.submit("/candidates/new", data).get_data(as_text=True)
    assert page.count('class="error"') >= 4
    assert "summarise the work history" in page


def test_romanisation_is_suggested(app, setup, assessor):
    response = assessor.get("/candidates/romanise", query_string={"lao": CANDIDATES[1]["name_lao"]})
    assert response.json["suggestion"].startswith("Bun")


def test_a_refused_submission_keeps_what_was_saved_in_the_same_request(app, setup, assessor):
    """Save and submit run in one request and one commit: the submission is refused (no knowledge
    score yet), and the checklist saved just before it is still there."""
    url = f"/assessments/{setup.assessment_ids[0]}/record"
    data = {**_form(app, setup, knowledge=""), "version": _version(assessor, url), "action": "submit"}
    response = assessor.submit(url, data)
    assert response.status_code == 302 and response.headers["Location"].endswith(url)
    page = assessor.get(url).get_data(as_text=True)
    assert "Saved, but not submitted:" in page
    assert "Items recorded: 30 of 30" in page
    with app.app_context():
        assessment = db.session.get(Assessment, setup.assessment_ids[0])
        assert assessment.status is AssessmentStatus.DRAFT
        assert len(assessment.results) == 30 and assessment.knowledge_percent is None


def _jpeg() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (320, 240), (180, 120, 60)).save(buffer, "JPEG")
    return buffer.getvalue()


def _add_photo(client, assessment_id: int, upload):
    url = f"/assessments/{assessment_id}/record"
    data = {} if upload is None else {"photo": upload}
    return client.submit(f"/assessments/{assessment_id}/photos", data, form_url=url,
                         content_type="multipart/form-data")


def test_evidence_photo_is_re_encoded_stored_and_audited(app, setup, assessor):
    from skills_cert.assessment.models import EvidencePhoto
    from skills_cert.audit.models import AuditEntry

    assessment_id = setup.assessment_ids[0]
    response = _add_photo(assessor, assessment_id, (io.BytesIO(_jpeg()), "work.jpg"))
    assert response.status_code == 302 and response.headers["Location"].endswith("/record#photos")
    assert "The photo was added." in assessor.get(f"/assessments/{assessment_id}/record").get_data(as_text=True)
    with app.app_context():
        photo = db.session.scalar(sa.select(EvidencePhoto).where(EvidencePhoto.assessment_id == assessment_id))
        assert photo is not None and photo.image.startswith(b"\xff\xd8")
        entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "assessment.photo")
                                  .order_by(AuditEntry.id.desc()))
        assert entry.object_id == str(assessment_id) and entry.changes == {"photo": photo.id}
        photo_id = photo.id
    served = assessor.get(f"/assessments/{assessment_id}/photos/{photo_id}")
    assert served.status_code == 200 and served.mimetype == "image/jpeg"


@pytest.mark.parametrize("upload, message", [
    (None, "Choose a photo to upload."),
    ((b"GIF89a" + b"\x00" * 64, "work.gif"), "This file is in GIF format, not a photo."),
    ((b"", "empty.jpg"), "The file is empty. Choose a JPEG, PNG or WebP photo."),
])
def test_a_refused_evidence_photo_says_why_and_stores_nothing(app, setup, assessor, upload, message):
    from skills_cert.assessment.models import EvidencePhoto

    assessment_id = setup.assessment_ids[0]
    if upload is not None:
        upload = (io.BytesIO(upload[0]), upload[1])
    response = _add_photo(assessor, assessment_id, upload)
    assert response.status_code == 302
    page = assessor.get(f"/assessments/{assessment_id}/record").get_data(as_text=True)
    assert message in page and "The photo was added." not in page
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(EvidencePhoto.id))
                                 .where(EvidencePhoto.assessment_id == assessment_id)) == 0


def test_a_candidate_not_enrolled_is_enrolled_from_their_page(app, setup, assessor):
    from skills_cert.accounts.models import User
    from skills_cert.assessment import candidates

    with app.app_context():
        person = candidates.register(db.session, candidates.CandidateData(
            name_lao="ແສງເດືອນ ສີສຸລາດ", name_latin="Sengdeuane Sisoulath", sex="female",
            date_of_birth=dt.date(1993, 1, 9), nationality="TH", id_type="passport", id_number="P5550001",
            pathway="regular"), actor=db.session.get(User, setup.admin.id), today=dt.date.today())
        db.session.commit()
        person_id = person.id
    url = f"/candidates/{person_id}"
    page = assessor.get(url).get_data(as_text=True)
    assert "Not enrolled in any test session yet." in page and "Thai national" in page
    assert f'<option value="{setup.session_id}">' in page
    # a session outside the choices (not this assessor's, or no such session) is refused on the form
    refused = assessor.submit(f"{url}/enrol", {"session": "999999"}, form_url=url)
    assert refused.status_code == 422 and "Not a valid choice" in refused.get_data(as_text=True)
    response = assessor.submit(f"{url}/enrol", {"session": str(setup.session_id)}, form_url=url)
    assert response.status_code == 302 and response.headers["Location"].endswith(url)
    with app.app_context():
        assessment = db.session.scalar(sa.select(Assessment).filter_by(candidate_id=person_id))
        assert assessment.session_id == setup.session_id
    after = assessor.get(url).get_data(as_text=True)
    assert "Sengdeuane Sisoulath was enrolled." in after
    assert f'<a href="/assessments/{assessment.id}/record">' in after
    # enrolled in every session they may use: no form, a hint instead
    assert "enrol-here" not in after and "No test session from today on" in after


def test_the_session_form_lists_only_accredited_assessors(app, setup):
    from helpers import make_user

    from skills_cert.roles import Role

    unaccredited = make_user(app, Role.ASSESSOR)
    admin = WebClient(app.test_client())
    admin.login(setup.admin.username)
    admin.get("/lang/en")
    page = admin.get("/sessions/new").get_data(as_text=True)
    assert f'value="{setup.assessor.id}"' in page and f'value="{setup.other_assessor.id}"' in page
    assert unaccredited.username not in page and 'type="checkbox" name="assessors"' in page
    assert 'data-codes="LA-CON-BRL-L1"' in page and "<select multiple" not in page
