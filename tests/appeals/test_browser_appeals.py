"""Journey in Lao: a refused candidate appeals through the office, a second accredited assessor
overturns the decision on corrected marks, a certifying officer approves the new decision (the
two-person rule), the certificate is issued and the statement of attainment revoked on appeal."""

import pytest
from appeal_fixtures import refused
from helpers import browser_login, translated

pytestmark = pytest.mark.browser


def test_a_refused_candidate_appeals_and_a_second_assessor_overturns(app, live_server, page, artifacts):
    from skills_cert.appeals.models import Appeal, AppealStatus
    from skills_cert.certification.models import (
        Certificate,
        CertificateKind,
        CertificateStatus,
    )
    from skills_cert.extensions import db

    case = refused(app)
    aid = case.assessment_id
    # The office lodges the appeal at the desk, in Lao.
    browser_login(page, live_server, app, case.setup.officer.username)
    page.goto(f"{live_server}/assessments/{aid}")
    assert page.locator("html").get_attribute("lang") == "lo"
    page.locator(f'#appeal a[href="/appeals/new/{aid}"]').click()
    page.locator("#grounds").fill("ມູມຝາຕັ້ງຊື່ແລ້ວ; ຜູ້ປະເມີນອ່ານລະດັບນ້ຳຜິດ. ກະລຸນາເບິ່ງຮູບຖ່າຍ.")
    page.screenshot(path=str(artifacts / "appeal-lodge-lo.png"), full_page=True)
    page.locator("form.card button[type=submit]").click()
    page.wait_for_url(f"{live_server}/appeals/*")
    appeal_url = page.url
    page.locator("#members").select_option(str(case.setup.other_assessor.id))
    page.locator("#assign button[type=submit]").click()
    page.wait_for_url(appeal_url)
    assert page.locator("#appeal-status").get_attribute("class").endswith("with_panel")
    # The second assessor, accredited and not the recorder, overturns on the corrected mark.
    browser_login(page, live_server, app, case.setup.other_assessor.username)
    page.goto(appeal_url)
    page.locator("input[name=ruling][value=overturned]").check()
    page.locator("#reasons").fill("ຮູບຖ່າຍສະແດງວ່າມູມຝາຕັ້ງຊື່ຕາມເກນ.")
    page.locator(f'select[name="item-{case.failed_item}"]').select_option("s")
    page.screenshot(path=str(artifacts / "appeal-decide-lo.png"), full_page=True)
    page.locator("#decide button[type=submit]").click()
    page.wait_for_url(appeal_url)
    assert page.locator("#appeal-status").get_attribute("class").endswith("overturned")
    # A certifying officer approves the new decision: the certificate is issued.
    browser_login(page, live_server, app, case.setup.officer.username)
    page.goto(f"{live_server}/approvals/")
    assert page.locator(f'a[href="/assessments/{aid}"]').count() == 1
    page.goto(f"{live_server}/assessments/{aid}")
    page.get_by_role("button", name=translated(app, "lo", "Approve"), exact=True).click()
    page.wait_for_url(f"{live_server}/approvals/")
    page.goto(appeal_url)
    page.screenshot(path=str(artifacts / "appeal-closed-lo.png"), full_page=True)
    page.goto(f"{live_server}/appeals/?show=all")
    assert page.locator("#appeals tbody tr").count() == 1
    page.screenshot(path=str(artifacts / "appeals-list-lo.png"), full_page=True)
    with app.app_context():
        appeal = db.session.get(Appeal, int(appeal_url.rsplit("/", 1)[1]))
        assert appeal.status is AppealStatus.OVERTURNED
        issued = db.session.scalars(db.select(Certificate).where(Certificate.assessment_id == aid)
                                    .order_by(Certificate.id)).all()
        old, new = issued
        assert old.status is CertificateStatus.REVOKED and old.revocation_reason == "appeal"
        assert new.kind is CertificateKind.CERTIFICATE and new.status is CertificateStatus.VALID
        token = old.download_token
    # The worker's page for the old statement says why it was revoked.
    page.goto(f"{live_server}/d/{token}")
    assert page.locator(".revoked-why").count() == 1
    page.screenshot(path=str(artifacts / "appeal-revoked-statement-lo.png"), full_page=True)
