"""Phone pages: server time, transfer size and Lighthouse of the approval inbox and a document
with 50 waiting items, and of the pages staff use most (home, booking, applying, the team board).

    .venv/bin/python bench/approval_pages.py [--requests 50] [--no-lighthouse] [--quick]

Uses its own database, flexwork_bench_approvals (or BENCH_APPROVALS_DATABASE_URL): creates and
migrates it, seeds a manager (bench-lead) whose team has 50 documents waiting for them, collects
static files and starts gunicorn (2 workers, DEBUG off) on a free 127.0.0.1 port. It then signs
in as a browser does (password, then a TOTP code computed from the manager's device), and
measures:
  - response time (median and p95 over --requests GETs, one at a time) of /approvals/, of one
    document page, of /, /centers/ (the five demo centers), /worktime/requests/new/,
    /worktime/board/ and a resident's self-check page (public, opened from a text) and, as the
    reference measured in the same run, of /healthz;
  - transfer size: HTML bytes and gzip bytes, and the same for the page's CSS and JS files.
If Lighthouse 12 is in var/tools (or `npm install --prefix var/tools lighthouse@12` works) and
/usr/bin/chromium exists, runs Lighthouse's mobile audit on each page and prints the scores.
"""

import argparse
import gzip
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchlib import free_port, machine  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/flexwork_bench_approvals"
PASSWORD = "bench-approvals-2026"
WAITING = 50
CHROMIUM = Path("/usr/bin/chromium")
TOOLS = ROOT / "var" / "tools"
LIGHTHOUSE = TOOLS / "node_modules" / ".bin" / "lighthouse"


def seed() -> tuple[str, int]:
    """A team lead with 50 documents waiting for them; returns (username, one document id)."""
    from django.contrib.auth.models import Group
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.models import Department, Position, User
    from approvals import services
    from approvals.selectors import inbox_for

    def person(username, name, role, rank_name, rank):
        user, _ = User.objects.get_or_create(
            username=username,
            defaults={
                "full_name": name,
                "position": Position.objects.get_or_create(name=rank_name, defaults={"rank": rank})[
                    0
                ],
            },
        )
        user.set_password(PASSWORD)
        user.save()
        user.groups.add(Group.objects.get_or_create(name=role)[0])
        return user

    director = person("bench-director", "국장벤치", "manager", "국장", 4)
    chief = person("bench-chief", "과장벤치", "manager", "과장", 3)
    lead = person("bench-lead", "팀장벤치", "manager", "팀장", 2)
    bureau, _ = Department.objects.get_or_create(
        name="벤치국", defaults={"kind": Department.Kind.BUREAU, "head": director}
    )
    division, _ = Department.objects.get_or_create(
        name="벤치과", defaults={"kind": Department.Kind.DIVISION, "parent": bureau, "head": chief}
    )
    team, _ = Department.objects.get_or_create(
        name="벤치팀", defaults={"kind": Department.Kind.TEAM, "parent": division, "head": lead}
    )
    for head in (director, chief, lead):
        head.department = {director: bureau, chief: division, lead: team}[head]
        head.save(update_fields=["department"])
        if not TOTPDevice.objects.filter(user=head, confirmed=True).exists():
            TOTPDevice.objects.create(user=head, name="phone", confirmed=True)
    staff = [person(f"bench-staff{i:02d}", f"직원벤치{i}", "staff", "주무관", 1) for i in range(10)]
    for member in staff:
        member.department = team
        member.save(update_fields=["department"])
    from smartcenters import demo as centers_demo

    centers_demo.seed()  # the booking page's five centers and 60 seats
    waiting = inbox_for(lead).count()
    for i in range(waiting, WAITING):
        services.submit(
            applicant=staff[i % len(staff)],
            doc_type="general",
            title=f"사무용품 구입 건 {i + 1}",
            body="사무실 복사기가 고장나 새로 구입하고자 합니다. 견적서를 첨부합니다.",
            facts=[["금액", f"{(i + 1) * 10_000:,}원"], ["수량", "1대"]],
        )
    return lead.username, inbox_for(lead).first().pk


def resident_selfcheck_path(uploader_username: str) -> str:
    """A quarantined resident's self-check link (the page residents open from their text)."""
    import datetime
    import uuid

    from django.urls import reverse
    from django.utils import timezone

    from accounts.models import User
    from rpa import services
    from rpa.models import Recipient, Upload

    today = timezone.localdate()
    upload = Upload.objects.create(
        uploaded_by=User.objects.get(username=uploader_username),
        original_name="bench.xlsx",
        sha256=uuid.uuid4().hex,
        day=today,
        summary={"rows": 1, "valid": 1},
    )
    resident = Recipient.objects.create(
        upload=upload,
        row=2,
        status="valid",
        name="주민벤치",
        phone="01099990000",
        message_kind="quarantine",
        quarantine_start=today,
        quarantine_end=today + datetime.timedelta(days=7),
    )
    return reverse("rpa-selfcheck", args=[services.selfcheck_token(resident)])


def shown(path: str) -> str:
    """A path as printed: a self-check link's token is a secret, even a made-up resident's."""
    return "/s/<token>/" if path.startswith("/s/") else path


def totp_now(username: str) -> str:
    from django_otp.oath import TOTP

    from accounts.models import User

    device = User.objects.get(username=username).totpdevice_set.filter(confirmed=True).first()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():0{device.digits}d}"


def start_gunicorn(port: int, env: dict, log_path: Path) -> subprocess.Popen:
    log = log_path.open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return process
        except OSError:
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn exited; see {log_path}") from None
            time.sleep(0.2)
    os.killpg(process.pid, signal.SIGKILL)
    raise RuntimeError("gunicorn did not start in 60 s")


def csrf_of(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def sign_in(session, base: str, username: str) -> None:
    page = session.get(f"{base}/accounts/login/", timeout=30)
    response = session.post(
        f"{base}/accounts/login/",
        data={
            "csrfmiddlewaretoken": csrf_of(page.text),
            "username": username,
            "password": PASSWORD,
        },
        headers={"Referer": f"{base}/accounts/login/"},
        timeout=30,
    )
    if "/accounts/otp/" not in response.url:
        raise RuntimeError(f"sign-in did not ask for the code (ended at {response.url})")
    response = session.post(
        response.url,
        data={"csrfmiddlewaretoken": csrf_of(response.text), "otp_token": totp_now(username)},
        headers={"Referer": response.url},
        timeout=30,
    )
    if "/accounts/" in response.url:
        raise RuntimeError(f"the TOTP step failed (ended at {response.url})")


def timings(session, url: str, count: int) -> tuple[float, float, int]:
    session.get(url, timeout=30)  # warm-up
    samples = []
    for _ in range(count):
        started = time.perf_counter()
        response = session.get(url, timeout=30)
        samples.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
    samples.sort()
    p95 = samples[min(len(samples) - 1, round(0.95 * len(samples)) - 1)]
    return statistics.median(samples), p95, response.status_code


def sizes(session, base: str, path: str) -> dict:
    html = session.get(f"{base}{path}", timeout=30).content
    assets = re.findall(rb'<link[^>]+rel="stylesheet"[^>]+href="([^"]+)"', html)
    assets += re.findall(rb'<link[^>]+href="([^"]+)"[^>]+rel="stylesheet"', html)
    scripts = re.findall(rb'<script[^>]+src="([^"]+)"', html)
    css = [session.get(f"{base}{u.decode()}", timeout=30).content for u in dict.fromkeys(assets)]
    js = [session.get(f"{base}{u.decode()}", timeout=30).content for u in dict.fromkeys(scripts)]

    def gz(blobs):
        return sum(len(gzip.compress(b, 6)) for b in blobs)

    return {
        "html": len(html),
        "html_gz": len(gzip.compress(html, 6)),
        "css_files": len(css),
        "css": sum(map(len, css)),
        "css_gz": gz(css),
        "js_files": len(js),
        "js": sum(map(len, js)),
        "js_gz": gz(js),
    }


def lighthouse_ready() -> str:
    """'' when Lighthouse and Chromium can run, else why not."""
    if not CHROMIUM.exists():
        return f"{CHROMIUM} not found"
    if not LIGHTHOUSE.exists():
        try:
            subprocess.run(
                [
                    "npm",
                    "install",
                    "--prefix",
                    str(TOOLS),
                    "--no-audit",
                    "--no-fund",
                    "lighthouse@12",
                ],
                check=True,
                timeout=300,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        except (OSError, subprocess.SubprocessError) as exc:
            return f"npm could not install lighthouse@12 into var/tools ({exc.__class__.__name__})"
    return "" if LIGHTHOUSE.exists() else "lighthouse not found after npm install"


def lighthouse(url: str, cookie: str, attempts: int = 2) -> dict:
    """Lighthouse's mobile scores of one page; a second attempt if Chromium fails to start."""
    import json

    for attempt in range(1, attempts + 1):
        with tempfile.NamedTemporaryFile(suffix=".json") as out:
            run = subprocess.run(
                [
                    str(LIGHTHOUSE),
                    url,
                    "--quiet",
                    "--form-factor=mobile",
                    "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
                    f"--extra-headers={json.dumps({'Cookie': cookie})}",
                    "--only-categories=performance,accessibility,best-practices",
                    "--output=json",
                    f"--output-path={out.name}",
                ],
                timeout=240,
                env={**os.environ, "CHROME_PATH": str(CHROMIUM)},
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
            )
            if run.returncode == 0:
                report = json.loads(Path(out.name).read_text())
                break
        if attempt == attempts:
            last = (run.stderr.strip().splitlines() or ["no message"])[-1]
            raise subprocess.SubprocessError(f"exit {run.returncode}: {last[:300]}")
    scores = {key: round(value["score"] * 100) for key, value in report["categories"].items()}
    final = report.get("finalDisplayedUrl") or report.get("finalUrl") or url
    if final.rstrip("/") != url.rstrip("/"):
        raise ValueError(f"Lighthouse was sent on to {final}: the signed-in session did not hold")
    return scores


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=50, help="GETs per page for the timings")
    parser.add_argument("--no-lighthouse", action="store_true")
    parser.add_argument("--quick", action="store_true", help="20 GETs a page, no Lighthouse")
    args = parser.parse_args()
    if args.quick:
        args.requests = min(args.requests, 20)
        args.no_lighthouse = True

    env = dict(os.environ)
    env["DATABASE_URL"] = os.environ.get("BENCH_APPROVALS_DATABASE_URL") or DEFAULT_DB
    env["DJANGO_LOCAL_HTTP"] = "1"
    env["DJANGO_DEBUG"] = "0"
    env["DJANGO_ALLOWED_HOSTS"] = "127.0.0.1,localhost"
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    env.setdefault("LOG_LEVEL", "WARNING")
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))

    if subprocess.run([sys.executable, "-m", "config.preflight"], cwd=ROOT, env=env).returncode:
        return 1
    print(f"Machine: {machine()}")
    import django

    django.setup()
    import requests
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    username, document = seed()
    call_command("collectstatic", interactive=False, verbosity=0)

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log_path = Path(tempfile.gettempdir()) / f"bench-approvals-gunicorn-{port}.log"
    server = start_gunicorn(port, env, log_path)
    print(f"gunicorn: 2 sync workers on 127.0.0.1:{port}; {WAITING} items waiting for {username}")
    try:
        session = requests.Session()
        sign_in(session, base, username)
        pages = [
            ("/healthz", "reference"),
            ("/approvals/", "inbox"),
            (f"/approvals/{document}/", "document"),
            ("/", "home"),
            ("/centers/", "booking"),
            ("/worktime/requests/new/", "apply"),
            ("/worktime/board/", "board"),
            (resident_selfcheck_path(username), "selfcheck"),
        ]
        print(f"\nResponse time over {args.requests} sequential GETs (client-measured, localhost):")
        for path, label in pages:
            median, p95, _ = timings(session, f"{base}{path}", args.requests)
            print(f"  {label:9} {shown(path):24} median {median:6.1f} ms   p95 {p95:6.1f} ms")
        print("\nTransfer size (bytes; gzip level 6 as a proxy would send it):")
        for path, label in pages[1:]:
            s = sizes(session, base, path)
            print(
                f"  {label:9} HTML {s['html']:,} (gzip {s['html_gz']:,}); "
                f"CSS {s['css_files']} files {s['css']:,} (gzip {s['css_gz']:,}); "
                f"JS {s['js_files']} files {s['js']:,} (gzip {s['js_gz']:,}); "
                f"total {s['html'] + s['css'] + s['js']:,} "
                f"(gzip {s['html_gz'] + s['css_gz'] + s['js_gz']:,})"
            )
        if args.no_lighthouse:
            print("\nLighthouse: skipped (--no-lighthouse or --quick)")
        elif reason := lighthouse_ready():
            print(f"\nLighthouse: not run: {reason}")
        else:
            cookie = "; ".join(f"{c.name}={c.value}" for c in session.cookies)
            print(
                "\nLighthouse 12, mobile (targets: performance ≥ 90, accessibility and best practices ≥ 95):"
            )
            for path, label in pages[1:]:
                try:
                    scores = lighthouse(f"{base}{path}", cookie)
                except (subprocess.SubprocessError, OSError, ValueError, KeyError) as exc:
                    print(
                        f"  {label:9} {shown(path)}: Lighthouse failed ({exc.__class__.__name__}: {exc})"
                    )
                    continue
                verdict = (
                    "met"
                    if scores.get("performance", 0) >= 90
                    and scores.get("accessibility", 0) >= 95
                    and scores.get("best-practices", 0) >= 95
                    else "NOT met"
                )
                print(f"  {label:9} {shown(path):24} {scores}  → {verdict}")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
    print(f"\nLoad average after the run: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
