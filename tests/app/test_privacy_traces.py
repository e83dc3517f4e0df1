"""Personal data never travels in URLs and never reaches a log line, whoever is logged in."""

import logging
import re

from certificate_fixtures import issued, verify_path

from skills_cert.roles import Role

PERSONAL = ["P1234567", "0123456789", "1990-03-14", "1995-07-02", "14/03/1990", "20 5551 2345", "2055512345"]
HREF = re.compile(r'(?:href|action|src)="([^"]+)"')


def test_no_url_in_any_staff_page_carries_personal_data(app, client, users, caplog):
    caplog.set_level(logging.DEBUG)
    setup, full, partial = issued(app)
    seen, links = set(), set()
    for role in Role:
        client.login(users[role].username)
        queue = ["/", "/candidates/", f"/candidates/{setup.candidate_ids[0]}", f"/sessions/{setup.session_id}",
                 f"/certificates/{full}", "/certificates/", "/mrs/", "/standards/"]
        budget = 40  # pages per role
        while queue and budget:
            url = queue.pop()
            if (role, url) in seen:
                continue
            seen.add((role, url))
            budget -= 1
            response = client.get(url)
            if response.status_code != 200 or not response.mimetype == "text/html":
                continue
            for link in HREF.findall(response.get_data(as_text=True)):
                links.add(link)
                if link.startswith("/") and not link.startswith(("/static/", "/auth/logout", "/lang/")) and \
                        link.count("/") <= 4 and not link.endswith((".pdf", ".zip", ".csv")):
                    queue.append(link.split("#")[0])
        client.logout()
    assert len(links) > 30
    leaked = [(link, p) for link in links for p in PERSONAL if p in link]
    assert leaked == []
    # The lookup by number and date of birth posts them in the body, never in the query string.
    client.post("/certificate", data={"number": "LA-2026-000001", "date_of_birth": "1990-03-14"})
    client.get(verify_path(app, full))
    assert [p for p in PERSONAL if p in caplog.text] == []
