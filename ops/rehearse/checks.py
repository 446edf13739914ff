"""The rehearsal's checks: a working day at the office, through nginx and TLS only.

Every request goes to https://127.0.0.1:8443 (balanced) or to one of the two ports nginx pins
to a single web node, so a check can do one half of a task on one node and the other half on
the other. Each check returns a short figure for the report or raises CheckFailed.
"""

import datetime
import json
import time
from collections import Counter
from pathlib import Path
from zoneinfo import ZoneInfo

import requests

DEMO_PASSWORD = "flexwork-demo-2026"
SEOUL = ZoneInfo("Asia/Seoul")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class CheckFailed(Exception):
    """What a person would have seen go wrong, in one sentence."""


def expect(condition: bool, message: str) -> None:
    if not condition:
        raise CheckFailed(message)


def seoul_today() -> datetime.date:
    return datetime.datetime.now(SEOUL).date()


def set_cookies(response: requests.Response) -> dict[str, set[str]]:
    """Cookie name → its attributes in lower case (secure, httponly, samesite=lax …)."""
    cookies = {}
    for header in response.raw.headers.getlist("Set-Cookie"):
        name_value, *attributes = [part.strip() for part in header.split(";")]
        cookies[name_value.split("=", 1)[0]] = {a.lower() for a in attributes}
    return cookies


def new_session(ca) -> requests.Session:
    """A client that trusts the throwaway certificate alone: no CA bundle or proxy from the
    environment (requests would let REQUESTS_CA_BUNDLE override the session's own)."""
    session = requests.Session()
    session.trust_env = False
    session.verify = str(ca)
    return session


class Person:
    """One person's browser: their cookies, the CSRF token, and the throwaway CA as the only trust."""

    def __init__(self, urls: dict[str, str], ca: Path, username: str):
        self.urls = urls
        self.username = username
        self.session = new_session(ca)

    def url(self, path: str, node: str) -> str:
        return self.urls[node] + path

    def get(self, path: str, node: str = "any", **kwargs) -> requests.Response:
        kwargs.setdefault("allow_redirects", False)
        return self.session.get(self.url(path, node), timeout=60, **kwargs)

    def post(self, path: str, node: str = "any", *, data=None, **kwargs) -> requests.Response:
        """A form or API post as a browser sends it: the CSRF token and this origin."""
        token = self.session.cookies.get("csrftoken", "")
        headers = {"Origin": self.urls[node], "X-CSRFToken": token}
        if data is not None or "files" in kwargs:
            data = {"csrfmiddlewaretoken": token, **(data or {})}
        return self.session.post(
            self.url(path, node),
            data=data,
            headers=headers,
            allow_redirects=False,
            timeout=120,
            **kwargs,
        )

    def sign_in(self, node: str = "any", password: str = DEMO_PASSWORD) -> requests.Response:
        form = self.get("/accounts/login/", node)
        expect(form.status_code == 200, f"The sign-in page answered {form.status_code}.")
        return self.post(
            "/accounts/login/", node, data={"username": self.username, "password": password}
        )

    def signed_in(self, node: str = "any", *, otp=None) -> "Person":
        """Sign in (with the one-time code from `otp()` when the role needs it) or fail."""
        answer = self.sign_in(node)
        expect(
            answer.status_code == 302 and "/accounts/login/" not in answer.headers["Location"],
            f"{self.username} could not sign in (HTTP {answer.status_code}).",
        )
        if otp is not None:
            code = otp(self.username)
            verified = self.post("/accounts/otp/", node, data={"otp_token": code})
            expect(
                verified.status_code == 302,
                f"{self.username}'s one-time code was refused (HTTP {verified.status_code}).",
            )
        return self


class Journey:
    """The checks, in the order of a morning; later ones use what earlier ones made."""

    def __init__(self, stack, urls: dict[str, str], ca: Path, samples: Path):
        self.stack = stack
        self.urls = urls
        self.ca = ca
        self.samples = samples
        self.staff = Person(urls, ca, "staff017")
        self.arrangement: dict = {}
        self.uploads: list[int] = []
        self.report_path = ""
        self.texted = 0
        self.health: Person | None = None

    def person(self, username: str) -> Person:
        return Person(self.urls, self.ca, username)

    def otp(self, username: str) -> str:
        return self.stack.manage("demo_otp", username).strip()

    # --- staff ---------------------------------------------------------------------------------

    def staff_signs_in_over_tls(self) -> str:
        answer = self.staff.sign_in()
        expect(answer.status_code == 302, f"Signing in answered {answer.status_code}, not 302.")
        cookies = set_cookies(answer)
        expect("sessionid" in cookies, "Signing in set no session cookie.")
        for name, attributes in cookies.items():
            expect("secure" in attributes, f"The {name} cookie is sent without Secure.")
        expect("httponly" in cookies["sessionid"], "The session cookie is readable by scripts.")
        hsts = answer.headers.get("Strict-Transport-Security", "")
        expect("max-age=" in hsts, "Answers over TLS carry no Strict-Transport-Security header.")
        plain = new_session(self.ca).get(
            f"http://127.0.0.1:{self.stack.config.http}/accounts/login/",
            allow_redirects=False,
            timeout=10,
        )
        expect(
            plain.status_code == 301 and plain.headers["Location"].startswith("https://"),
            f"Plain HTTP answered {plain.status_code} instead of a redirect to HTTPS.",
        )
        home = self.staff.get("/")
        expect(home.status_code == 200, f"The home page answered {home.status_code}.")
        return f"cookies {', '.join(sorted(cookies))} Secure; {hsts.split(';')[0]}"

    def staff_books_a_seat(self) -> str:
        centers = self.staff.get("/api/v1/centers/").json()
        last = None
        for day in _days_ahead(1, 14):
            for center in centers:
                availability = self.staff.get(
                    f"/api/v1/centers/{center['id']}/availability/?date={day}"
                ).json()
                free = availability["slots"]["am"]["free"] if availability["is_open"] else []
                if not free:
                    continue
                last = self.staff.post(
                    "/api/v1/bookings/",
                    json={"seat": free[0]["id"], "date": day.isoformat(), "slot": "am"},
                )
                if last.status_code == 201:
                    booking = last.json()
                    return f"{booking['center_name']} {booking['seat_label']} on {day}, {booking['status']}"
        detail = f": {last.status_code} {last.text[:200]}" if last is not None else ""
        raise CheckFailed(f"No seat could be booked in the next two weeks{detail}.")

    def staff_requests_a_late_start(self) -> str:
        last = None
        for day in _days_ahead(2, 21):
            last = self.staff.post(
                "/api/v1/worktime/requests/",
                json={
                    "kind": "staggered",
                    "start_date": day.isoformat(),
                    "end_date": day.isoformat(),
                    "start_time": "10:00",
                    "reason": "자녀 등원",
                },
            )
            if last.status_code == 201:
                self.arrangement = last.json()
                expect(self.arrangement["status"] == "pending", "A new request is not pending.")
                return f"10:00 start on {day}, document {self.arrangement['approval']}"
        raise CheckFailed(
            f"No late start could be requested: {last.status_code} {last.text[:200]}."
        )

    def manager_approves_with_a_one_time_code(self) -> str:
        expect(bool(self.arrangement), "There is no request to approve.")
        manager = self.person("manager01").signed_in("b", otp=self.otp)
        document = self.arrangement["approval"]
        inbox = manager.get("/api/v1/approvals/inbox/", "b")
        expect(inbox.status_code == 200, f"The manager's inbox answered {inbox.status_code}.")
        waiting = [item["id"] for item in inbox.json()["results"]]
        expect(document in waiting, f"Document {document} is not in manager01's inbox.")
        approved = manager.post(f"/api/v1/approvals/{document}/approve/", "b", json={})
        expect(approved.status_code == 200, f"Approving answered {approved.status_code}.")
        mine = self.staff.get(f"/api/v1/worktime/requests/{self.arrangement['id']}/", "a").json()
        expect(mine["status"] == "approved", f"The staff member sees {mine['status']}.")
        return (
            "manager01 signed in on node b with a one-time code; staff sees it approved on node a"
        )

    # --- the health team -------------------------------------------------------------------------

    def sheet_uploaded_on_one_node_is_sent_by_the_other(self) -> str:
        """Node a's worker stops taking work, so only node b's worker can send."""
        stack = self.stack
        stack.app(*_control("cancel_consumer", stack.worker_name("a")))
        health = self.health = self.person("health01").signed_in("a", otp=self.otp)
        sheet = self.samples / "standard.xlsx"
        expected = json.loads((self.samples / "standard.xlsx.expected.json").read_text())
        phones = {r["phone"] for r in expected["rows"].values() if r["status"] == "valid"}
        upload = health.post(
            "/api/v1/rpa/uploads/", "a", files={"file": (sheet.name, sheet.read_bytes(), XLSX)}
        )
        expect(upload.status_code == 201, f"The upload answered {upload.status_code}.")
        upload_id = upload.json()["id"]
        self.uploads.append(upload_id)
        sent = health.post(f"/api/v1/rpa/uploads/{upload_id}/send/", "a")
        expect(sent.status_code == 202, f"Confirming answered {sent.status_code}.")
        started = time.monotonic()
        counts = {}
        while time.monotonic() - started < 180:
            counts = health.get(f"/api/v1/rpa/uploads/{upload_id}/", "b").json()["counts"]
            if counts["queued"] + counts["sending"] == 0:
                break
            time.sleep(1)
        seconds = time.monotonic() - started
        expect(counts.get("failed") == 0, f"Messages failed or never left: {counts}.")
        page = health.get(f"/rpa/{upload_id}/progress/", "b")
        expect('data-percent="100"' in page.text, "The progress page on node b is not at 100%.")
        texts = Counter(line["to"] for line in _record(stack.sms_record))
        expect(set(texts) == phones, f"{len(set(texts) ^ phones)} phones differ from the sheet.")
        twice = [phone for phone, n in texts.items() if n > 1]
        expect(not twice, f"{len(twice)} phones received their text more than once.")
        expect(
            _ran(stack.log("worker-b"), "rpa.tasks.send_outbox")
            and not _ran(stack.log("worker-a"), "rpa.tasks.send_outbox"),
            "The sending did not run on node b's worker alone.",
        )
        second = self.samples / "utf8-bom.csv"
        other = health.post(
            "/api/v1/rpa/uploads/",
            "b",
            files={"file": (second.name, second.read_bytes(), "text/csv")},
        )
        expect(other.status_code == 201, f"The upload on node b answered {other.status_code}.")
        self.uploads.append(other.json()["id"])
        self.texted = len(phones)
        return f"{len(phones)} phones texted once each in {seconds:.1f} s, by node b's worker"

    def report_built_by_a_worker_downloads_through_the_other_node(self) -> str:
        health = self.health
        expect(health is not None, "The health team never signed in.")
        requested = health.post("/rpa/reports/", "b", data={})
        expect(
            requested.status_code == 302, f"Requesting the report answered {requested.status_code}."
        )
        link = ""
        started = time.monotonic()
        while not link and time.monotonic() - started < 60:
            listing = health.get("/rpa/reports/today/", "b").text
            if 'href="/rpa/reports/' in listing:
                link = listing.split('href="', 1)[1].split('"', 1)[0]
            else:
                time.sleep(0.5)
        expect(bool(link), "The agency report was not ready within 60 s.")
        download = health.get(link, "a")
        expect(
            download.status_code == 200, f"Downloading on node a answered {download.status_code}."
        )
        expect(download.content[:2] == b"PK", "The report is not an xlsx file.")
        expect(
            _ran(self.stack.log("worker-b"), "rpa.tasks.build_agency_report")
            and not _ran(self.stack.log("worker-a"), "rpa.tasks.build_agency_report"),
            "The report was not built by node b's worker alone.",
        )
        self.stack.app(*_control("add_consumer", self.stack.worker_name("a")))
        self.report_path = link
        return f"built by node b's worker, {len(download.content)} bytes through node a"

    def purge_removes_what_both_nodes_wrote(self) -> str:
        expect(len(self.uploads) == 2, "The uploads to purge were not made.")
        private = self.stack.private
        before = [p for p in private.rglob("*") if p.is_file()]
        expect(len(before) >= 3, f"Private storage holds {len(before)} files, not the 3 written.")
        purged = int(self.stack.app("ops/rehearse/appside.py", "purge-after", "31").strip())
        after = [p for p in private.rglob("*") if p.is_file()]
        expect(purged == len(self.uploads), f"The purge removed {purged} uploads.")
        expect(not after, f"{len(after)} files outlived the purge.")
        health = self.health
        for upload_id, node in zip(self.uploads, "ab", strict=False):
            sheet = health.get(f"/rpa/{upload_id}/sheet.xlsx", node)
            expect(sheet.status_code == 404, f"A purged sheet answered {sheet.status_code}.")
        report = health.get(self.report_path, "b")
        expect(report.status_code == 404, f"A purged report answered {report.status_code}.")
        return f"{len(before)} files (sheets from nodes a and b, node b's report) gone"

    # --- sign-in lockout -----------------------------------------------------------------------

    def wrong_passwords_lock_one_account_not_a_colleague(self) -> str:
        attacker = self.person("staff050")
        answers = [attacker.sign_in(password="wrong-password").status_code for _ in range(6)]
        expect(302 not in answers, f"A wrong password signed in: {answers}.")
        locked = attacker.sign_in()
        expect(
            locked.status_code != 302,
            "After six wrong passwords the account's right password still signs in: no lockout.",
        )
        colleague = self.person("staff051").sign_in()
        expect(
            colleague.status_code == 302,
            f"A colleague at the same address could not sign in (HTTP {colleague.status_code}).",
        )
        return f"staff050 locked (wrong passwords answered {answers}); staff051 signed in"


def _days_ahead(first: int, last: int):
    today = seoul_today()
    for offset in range(first, last + 1):
        day = today + datetime.timedelta(days=offset)
        if day.weekday() < 5:
            yield day


def _ran(worker_log: str, task: str) -> bool:
    """Whether a worker's log shows it took the task (its banner merely lists every task)."""
    return f"Task {task}[" in worker_log


def _control(command: str, worker: str) -> list[str]:
    return ["-m", "celery", "-A", "config", "control", command, "celery", "-d", worker]


def _record(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line]
