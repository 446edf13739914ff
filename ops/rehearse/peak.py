"""The morning peak: hundreds of signed-in staff opening what they open at 9:00, through nginx.

Each person is a thread with a browser's keep-alive connection: open a page, read it for a few
seconds, open the next. Beside them one probe asks /healthz as fast as it is answered, so the
report shows what the same stack does for a request that renders nothing.
"""

import random
import statistics
import threading
import time
from dataclasses import dataclass, field

import requests
from checks import new_session

# What people open at 9:00, and how often: the day's home, their month, the team board, the
# booking page and the approval inbox. Reading a page takes 6 to 18 s, so each person opens
# about five pages in the minute: 300 people ask for some 25 pages a second.
PAGES = {
    "/": 3,
    "/worktime/": 2,
    "/worktime/board/": 2,
    "/centers/": 2,
    "/approvals/": 1,
}
THINK_SECONDS = (6.0, 18.0)


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, path: str, seconds: float, error: str = "") -> None:
        with self.lock:
            self.latencies.setdefault(path, []).append(seconds)
            if error:
                self.errors.append(error)

    def figures(self, duration: float) -> dict:
        every = [s for latencies in self.latencies.values() for s in latencies]
        return {
            **_spread(every),
            "rate": len(every) / duration,
            "errors": len(self.errors),
            "first_errors": sorted(set(self.errors))[:3],
            "pages": {path: _spread(latencies) for path, latencies in self.latencies.items()},
        }


def _spread(latencies: list[float]) -> dict:
    ordered = sorted(latencies) or [0.0]
    return {
        "requests": len(latencies),
        "p50_ms": 1000 * statistics.median(ordered),
        "p95_ms": 1000 * ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))],
        "max_ms": 1000 * ordered[-1],
    }


def _person(base: str, ca: str, cookie: str, stop: threading.Event, tally: Tally, seed: int):
    chance = random.Random(seed)
    session = new_session(ca)
    session.cookies.set("sessionid", cookie, domain="127.0.0.1")
    pages, weights = list(PAGES), list(PAGES.values())
    # People do not all press enter in the same millisecond.
    stop.wait(chance.uniform(0, THINK_SECONDS[1]))
    while not stop.is_set():
        path = chance.choices(pages, weights)[0]
        started = time.monotonic()
        try:
            response = session.get(base + path, allow_redirects=False, timeout=30)
            error = "" if response.status_code == 200 else f"{path} {response.status_code}"
        except requests.RequestException as exc:
            error = f"{path} {type(exc).__name__}"
        tally.add(path, time.monotonic() - started, error)
        stop.wait(chance.uniform(*THINK_SECONDS))
    session.close()


def _probe(base: str, ca: str, stop: threading.Event, tally: Tally) -> None:
    session = new_session(ca)
    while not stop.is_set():
        started = time.monotonic()
        try:
            response = session.get(base + "/healthz", timeout=30)
            error = "" if response.status_code == 200 else f"/healthz {response.status_code}"
        except requests.RequestException as exc:
            error = f"/healthz {type(exc).__name__}"
        tally.add("/healthz", time.monotonic() - started, error)
    session.close()


def morning_peak(base: str, ca: str, cookies: list[str], seconds: float) -> tuple[dict, dict]:
    """(pages, healthz) figures of a run of `seconds` with one person per session cookie."""
    pages, health, stop = Tally(), Tally(), threading.Event()
    threads = [
        threading.Thread(target=_person, args=(base, ca, cookie, stop, pages, index))
        for index, cookie in enumerate(cookies)
    ]
    threads.append(threading.Thread(target=_probe, args=(base, ca, stop, health)))
    for thread in threads:
        thread.start()
    time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join()
    return pages.figures(seconds), health.figures(seconds)
