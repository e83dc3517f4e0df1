"""Bytes a phone transfers to open a certificate's verify page with a cold cache, all assets
included, in Thai (what a Thai employer sees) and in Lao: the two pages need different fonts.

The app runs in a subprocess on a throwaway SQLite instance, with one certificate issued through
the application's own services to a candidate with a Lao-script name. Debian's Chromium opens the
QR link in a fresh browser (empty cache) with a phone viewport and waits for the web fonts; every
request is counted from the DevTools protocol: `Network.loadingFinished.encodedDataLength`, the
bytes the wire carried, response headers included. That includes /favicon.ico, which Chromium
asks for once per browser (under "other"). The floor is the same page without web fonts (document, CSS and any
other asset): what it would weigh if every script were drawn with the phone's own fonts.

The development server does not compress, and neither does gunicorn; a reverse proxy may. The
figure is what the app itself sends; `gzip_bytes` says what gzip (level 6) would make of the text
assets, for comparison. The holder's photo, if a page ever shows it, is counted apart.
"""

from __future__ import annotations

import base64
import datetime as dt
import gzip
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

GOAL_BYTES = 60 * 1024
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 3, "is_mobile": True,
         "has_touch": True}
LOCALES = {"th": "th-TH", "lo": "lo-LA", "en": "en-US"}
TYPES = ("document", "css", "font", "image", "other")
_KIND = {"Document": "document", "Stylesheet": "css", "Font": "font", "Image": "image"}
_TEXT = ("document", "css", "other")
CANDIDATE = dict(name_lao="ສົມພອນ ແກ້ວມະນີ", name_latin="Somphone Keomany", sex="male",
                 date_of_birth=dt.date(1990, 3, 14), nationality="LA", id_type="passport",
                 id_number="P1234567", pathway="regular")
PASSWORD = "bench horse battery 1"  # a throwaway instance


# --- The server (in its own process, so the bench never shares Flask extensions with a caller) --

def _issue_certificate(app) -> str:
    """One issued certificate, through the same services the web pages use; its verify path."""
    from flask_migrate import upgrade

    from skills_cert.accounts import users
    from skills_cert.assessment import candidates, centres, sessions
    from skills_cert.assessment import recording as assessments
    from skills_cert.certification import issuing as certificates
    from skills_cert.config import ROOT
    from skills_cert.extensions import db
    from skills_cert.recognition import agreements, data_files
    from skills_cert.roles import Role
    from skills_cert.standards import versions as standards

    today = dt.date.today()
    with app.app_context():
        upgrade()
        session = db.session
        files = data_files.read_data_files(ROOT / "standards")
        if files.problems:
            raise RuntimeError(f"the shipped standards do not load: {files.problems}")
        standards.import_documents(session, files.standards)
        agreements.import_agreements(session, files.agreements)  # the page shows recognition in Thailand

        def user(name: str, role: Role, full_name: str):
            return users.create_user(session, users.NewUser(name, full_name, role, PASSWORD),
                                     min_password_length=10)

        admin = user("bench-admin", Role.ADMINISTRATOR, "Bench Administrator")
        assessor = user("bench-assessor", Role.ASSESSOR, "ຄຳໃສ ວົງສາ")
        officer = user("bench-officer", Role.CERTIFYING_OFFICER, "ວຽງຄຳ ໄຊຍະວົງ")
        standard = standards.find_standard(session, "LA-CON-BRL-L1", 1)
        centre = centres.create_centre(session, code="VTE-01", province="LA-VT", actor=admin, name={
            "lo": "ສູນທົດສອບວຽງຈັນ", "th": "ศูนย์ทดสอบเวียงจันทน์", "en": "Vientiane Testing Centre"})
        sessions.accredit(session, assessor, standard.code, today + dt.timedelta(days=365),
                          actor=admin, today=today)
        test_session = sessions.create_session(session, centre=centre, standard=standard, test_date=today,
                                               assessors=[assessor], actor=admin, today=today)
        person = candidates.register(session, candidates.CandidateData(**CANDIDATE), actor=admin, today=today)
        assessment = sessions.enrol(session, test_session, person, actor=admin)
        items = {item.code: (True, None) for item in assessments.checklist_items(session, standard)}
        assessments.save(session, assessment, assessments.Recording(
            items=items, knowledge_percent=85.0, practical_points={}, expected_version=assessment.version),
            actor=assessor, today=today)
        assessments.submit(session, assessment, actor=assessor, today=today,
                           expected_version=assessment.version)
        certificate = certificates.approve_and_issue(
            session, assessment, actor=officer, expected_version=assessment.version, today=today,
            key_dir=Path(app.config["SIGNING_KEY_DIR"]), allow_key_generation=True)
        if certificate is None:
            raise RuntimeError("the sample assessment earned no certificate")
        session.commit()
        return "/v/" + certificates.token_of(certificate)


def serve(folder: Path) -> None:
    """Build the instance in *folder*, print {"base", "path"} as one JSON line, serve until killed."""
    from werkzeug.serving import make_server

    from skills_cert import create_app

    os.environ["SKILLS_CERT_INSTANCE"] = str(folder)
    app = create_app({"ENV_NAME": "development",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.sqlite3'}",
                      "SIGNING_KEY_DIR": str(folder / "keys"),
                      "PUBLIC_BASE_URL": "https://verify.sdi.gov.la",
                      "MODERATION_SAMPLE_PERCENT": 0.0})  # the sample result is approved at once
    path = _issue_certificate(app)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    print(json.dumps({"base": f"http://127.0.0.1:{server.server_port}", "path": path}), flush=True)
    server.serve_forever()


class _Server:
    def __init__(self):
        self.folder = Path(tempfile.mkdtemp(prefix="skills-cert-bench-"))
        self.log = (self.folder / "server.log").open("w+b")
        env = {**os.environ, "SKILLS_CERT_INSTANCE": str(self.folder)}
        self.proc = subprocess.Popen([sys.executable, "-m", "skills_cert.devtools.bench.page_weight", "--serve",
                                      str(self.folder)], stdout=subprocess.PIPE, stderr=self.log, env=env)
        line = self.proc.stdout.readline()
        if not line:
            self.close()
            raise RuntimeError("the bench server did not start:\n" + self._log_text())
        started = json.loads(line)
        self.base, self.path = started["base"], started["path"]

    def _log_text(self) -> str:
        return (self.folder / "server.log").read_text("utf-8", "replace")[-4000:]

    def close(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.proc.stdout.close()
        self.log.close()
        shutil.rmtree(self.folder, ignore_errors=True)


# --- The browser --------------------------------------------------------------------------------

def _kind(request: dict) -> str:
    kind = _KIND.get(request["type"], "other")
    if kind == "image" and "photo" in urlsplit(request["url"]).path:
        return "photo"
    return kind


def _load(browser, url: str, locale: str, screenshot: Path | None) -> list[dict]:
    """Every network request of one cold load of *url*, with the bytes it took."""
    context = browser.new_context(locale=locale, **PHONE)
    try:
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        requests: dict[str, dict] = {}

        def sent(event):
            hop = event.get("redirectResponse")
            if hop and event["requestId"] in requests:  # a redirect is a request of its own
                old = requests.pop(event["requestId"])
                old.update(bytes=int(hop.get("encodedDataLength", 0)), status=hop["status"], done=True)
                requests[f"{event['requestId']}-hop{len(requests)}"] = old
            requests[event["requestId"]] = {"url": event["request"]["url"], "type": event.get("type", "Other"),
                                            "done": False}

        def received(event):
            request = requests.get(event["requestId"])  # nosec B113 - a dict of CDP requests, not HTTP
            if request is not None:
                request["type"] = event.get("type", request["type"])
                request["status"] = event["response"]["status"]
                request["headers_bytes"] = event["response"].get("encodedDataLength", 0)
                request["encoding"] = {k.lower(): v for k, v in event["response"]["headers"].items()}.get(
                    "content-encoding", "")

        def finished(event):
            request = requests.get(event["requestId"])  # nosec B113 - a dict of CDP requests, not HTTP
            if request is not None:
                request["bytes"] = int(event["encodedDataLength"])
                request["done"] = True

        def failed(event):
            request = requests.get(event["requestId"])  # nosec B113 - a dict of CDP requests, not HTTP
            if request is not None:
                request["bytes"], request["done"], request["failed"] = 0, True, event.get("errorText", "")

        cdp.on("Network.requestWillBeSent", sent)
        cdp.on("Network.responseReceived", received)
        cdp.on("Network.loadingFinished", finished)
        cdp.on("Network.loadingFailed", failed)
        cdp.send("Network.enable")
        page.goto(url, wait_until="load")
        page.evaluate("document.fonts.ready.then(() => true)")
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not all(r["done"] for r in requests.values()):
            page.wait_for_timeout(50)
        for request_id, request in requests.items():
            if _kind(request) in _TEXT and not request.get("failed"):
                try:
                    body = cdp.send("Network.getResponseBody", {"requestId": request_id})
                except Exception:  # noqa: BLE001 - an evicted body only loses the gzip estimate
                    continue
                text = body["body"]
                raw = base64.b64decode(text) if body["base64Encoded"] else text.encode("utf-8")
                request["body_bytes"] = len(raw)
                request["gzip_body_bytes"] = len(gzip.compress(raw, 6, mtime=0))
        if screenshot is not None:
            page.screenshot(path=str(screenshot), full_page=True)
        return list(requests.values())
    finally:
        context.close()


def _summarise(requests: list[dict], base: str) -> dict:
    host = urlsplit(base).netloc
    by_type = {kind: {"requests": 0, "bytes": 0, "gzip_bytes": 0} for kind in (*TYPES, "photo")}
    third_party = []
    listed = []
    for request in requests:
        parts = urlsplit(request["url"])
        if parts.scheme in ("data", "blob", "about"):
            continue
        if parts.netloc != host:
            third_party.append(request["url"])
        kind = _kind(request)
        wire = request.get("bytes", 0)
        row = by_type[kind]
        row["requests"] += 1
        row["bytes"] += wire
        if "gzip_body_bytes" in request and not request.get("encoding"):
            row["gzip_bytes"] += wire - request["body_bytes"] + request["gzip_body_bytes"]
        else:
            row["gzip_bytes"] += wire
        listed.append({"path": parts.path, "kind": kind, "status": request.get("status"), "bytes": wire})
    total = sum(by_type[k]["bytes"] for k in TYPES)
    return {
        "total_bytes": total,
        "gzip_total_bytes": sum(by_type[k]["gzip_bytes"] for k in TYPES),
        "floor_bytes": total - by_type["font"]["bytes"],
        "by_type": by_type,
        "requests": listed,
        "third_party_requests": len(third_party),
        "third_party_urls": third_party,
        "compressed_by_server": any(r.get("encoding") for r in requests),
    }


def measure(languages=("th", "lo"), screenshots: Path | None = None) -> dict:
    """{language: summary} for one cold load of the verify page in each language."""
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        raise RuntimeError(f"Chromium is needed for the page weight benchmark ({CHROMIUM} is missing)")
    server = _Server()
    try:
        pages = {}
        with sync_playwright() as playwright:
            for language in languages:
                # A browser of its own for each page: Chromium asks for /favicon.ico once per browser.
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                try:
                    shot = screenshots / f"verify-{language}.png" if screenshots else None
                    requests = _load(browser, server.base + server.path, LOCALES[language], shot)
                    pages[language] = _summarise(requests, server.base)
                finally:
                    browser.close()
        return pages
    finally:
        server.close()


def _in_thread(func, *args, **kwargs):
    """Playwright's sync API refuses to start inside a running asyncio loop (as under
    pytest-playwright), so the browser is driven from a thread of its own."""
    outcome = {}

    def target():
        try:
            outcome["value"] = func(*args, **kwargs)
        except BaseException as exc:  # noqa: BLE001 - re-raised in the caller
            outcome["error"] = exc

    thread = threading.Thread(target=target, name="page-weight-bench")
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def _kb(n: int) -> str:
    return f"{n / 1024:.1f} KB"


def _detail(page: dict) -> str:
    parts = []
    for kind in (*TYPES, "photo"):
        row = page["by_type"][kind]
        if row["requests"]:
            parts.append(f"{kind} {_kb(row['bytes'])} ({row['requests']})")
    return (", ".join(parts) + f"; gzip would make it {_kb(page['gzip_total_bytes'])}"
            f"; third-party requests {page['third_party_requests']}")


def run(languages=("th", "lo"), screenshots: Path | None = None) -> list[dict]:
    """One benchmark row per language: bytes with the web fonts, and the floor without them."""
    pages = _in_thread(measure, languages, screenshots)
    rows = []
    for language, page in pages.items():
        rows.append({
            "name": f"verify page weight, {language} (cold cache, phone)",
            "figure": _kb(page["total_bytes"]),
            "floor": _kb(page["floor_bytes"]),
            "ratio": round(page["total_bytes"] / page["floor_bytes"], 2),  # with fonts / without
            "goal": "<= 60 KB, 0 third-party",
            "meets_goal": page["total_bytes"] <= GOAL_BYTES and page["third_party_requests"] == 0,
            "detail": _detail(page),
            "language": language,
            **page,
        })
    return rows


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--serve":
        serve(Path(sys.argv[2]))
    else:
        for row in run(tuple(sys.argv[1:]) or ("th", "lo"), screenshots=Path(tempfile.gettempdir())):
            keys = ("name", "total_bytes", "gzip_total_bytes", "by_type", "requests", "third_party_requests",
                    "compressed_by_server")
            print(json.dumps({k: row[k] for k in keys}, indent=1))
