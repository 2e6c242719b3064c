"""Every figure of issue 12's table, measured on this machine in one run:

    .venv/bin/python benchmarks/run.py [--seconds 8] [--rounds 3] [--rows 100000] [--only rules|http|replay|list]

- HTTP (wrk, Debian's `wrk` package): the screening app and benchmarks/hello.py, each under `gunicorn -w 2` on
  loopback, alternated round by round with the same wrk settings; the ratio of their medians. A step page GET
  and a step POST (validate and save a draft, 303 to the next step), by a patient with a real session and
  CSRF token who answered every step before, as in a browser (Accept-Encoding: gzip).
- Rules, in-process: the shipped rules.yaml on each of its examples; a 10,000-rule file (benchmarks/big_rules.py)
  checked whole and evaluated.
- Replay of 100,000 stored submissions in SQLite against rules.yaml with one threshold lowered, in a process of
  its own (benchmarks/replay_run.py), and of about a quarter of them: time and peak memory of each, its worker
  processes included.
- Compression and static caching, as the server answers.
- First contentful paint in Chromium (/usr/bin/chromium) with network emulation (400 ms latency, 50 KB/s),
  empty cache and warm cache.
- The submissions list at 100,000 submissions (tests/perf/measure_submission_list.py).

Not collected by pytest. Prints a table with each goal; exits 0 whatever the figures are.
"""
from __future__ import annotations

import argparse
import contextlib
import gzip
import http.cookiejar
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.conftest import HEALTHY, form_data  # noqa: E402
from tests.gunicorn import free_port, screening_env  # noqa: E402
from screening.questionnaire import QUESTIONNAIRE  # noqa: E402

ROWS: list[tuple[str, str, str, bool | None]] = []


def row(what: str, measured: str, goal: str, met: bool | None) -> None:
    ROWS.append((what, measured, goal, met))
    print(f"  {what}: {measured} (goal {goal}) {'MET' if met else 'NOT MET' if met is not None else ''}", flush=True)


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    mem = next(line.split(":", 1)[1].strip() for line in Path("/proc/meminfo").read_text().splitlines()
               if line.startswith("MemTotal"))
    return (f"{os.cpu_count()} CPUs (nproc {len(os.sched_getaffinity(0))}), {cpu}, memory {mem}, "
            f"Python {platform.python_version()}, {platform.platform()}")


# -- rules, in-process ------------------------------------------------------------------------------

def per_call(fn, calls: int, repeats: int = 5) -> float:
    """Median seconds per call over `repeats` timings of `calls` calls."""
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        for _ in range(calls):
            fn()
        times.append((time.perf_counter() - started) / calls)
    return statistics.median(times)


def rules_figures() -> None:
    from benchmarks.big_rules import repeated_rules
    from screening import readability
    from screening.rules import checker
    from screening.rules.engine import evaluate

    shipped, _ = checker.check_file(ROOT / "rules.yaml")
    examples = [e.answers for e in shipped.examples]
    each = per_call(lambda: [evaluate(shipped, a) for a in examples], 20) / len(examples)
    row(f"Rules: evaluate the shipped rules.yaml ({len(shipped.rules)} rules) for one answer set",
        f"{each * 1e6:.0f} µs (mean over its {len(examples)} examples)", "100 µs or less", each <= 100e-6)

    text, count = repeated_rules()
    checks = []
    for _ in range(3):
        checker._check.cache_clear()
        readability.too_hard.cache_clear()  # each check measures every text again, as a fresh process does
        started = time.perf_counter()
        big, problems = checker.check_text(text, "big.yaml")
        checks.append(time.perf_counter() - started)
    assert big is not None and not problems, problems[:3]
    check = statistics.median(checks)
    row(f"Rules: check a {count:,}-rule file (the shipped rules repeated)",
        f"{check:.2f} s (median of 3: {', '.join(f'{c:.2f}' for c in checks)})", "2 s or less", check <= 2)
    each = per_call(lambda: [evaluate(big, a) for a in examples], 2) / len(examples)
    row(f"Rules: evaluate {count:,} rules for one answer set", f"{each * 1e3:.2f} ms (mean over the examples)",
        "5 ms or less", each <= 5e-3)


# -- HTTP ---------------------------------------------------------------------------------------------

@contextlib.contextmanager
def gunicorn(app: str, env: dict[str, str], folder: Path):
    port = free_port()
    log = open(folder / f"gunicorn-{port}.log", "wb")
    process = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}", app],
                               cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            with contextlib.suppress(OSError):
                urllib.request.urlopen(url + "/", timeout=1).read()
                break
            if process.poll() is not None:
                raise SystemExit(f"gunicorn {app} exited: {(folder / f'gunicorn-{port}.log').read_text()}")
            time.sleep(0.1)
        yield url
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
        log.close()


CSRF = re.compile(r'name="csrf_token"[^>]*? value="([^"]+)"')


class Browser:
    """A patient's browser: cookies kept, redirects followed, the CSRF token read from each page."""

    def __init__(self, url: str):
        self.url = url
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.token = ""

    def get(self, path: str) -> tuple[str, str]:
        with self.opener.open(self.url + path, timeout=30) as response:
            html = response.read().decode()
            found = CSRF.search(html)
            self.token = found.group(1) if found else self.token
            return response.geturl(), html

    def post(self, path: str, data: dict) -> str:
        body = urllib.parse.urlencode({**data, "csrf_token": self.token}, doseq=True).encode()
        with self.opener.open(urllib.request.Request(self.url + path, data=body), timeout=30) as response:
            html = response.read().decode()
            found = CSRF.search(html)
            self.token = found.group(1) if found else self.token
            return response.geturl()

    def cookie(self) -> str:
        return "; ".join(f"{c.name}={c.value}" for c in self.jar)


def answered_patient(url: str) -> Browser:
    browser = Browser(url)
    browser.get("/")
    browser.post("/start", {})
    for step in QUESTIONNAIRE.catalogue.steps:
        browser.get(f"/step/{step.slug}")
        landed = browser.post(f"/step/{step.slug}", form_data(step.slug, HEALTHY))
        if f"/step/{step.slug}" in landed:  # follow-ups revealed: answer them too
            landed = browser.post(f"/step/{step.slug}", form_data(step.slug, HEALTHY))
        assert f"/step/{step.slug}" not in landed, landed
    assert browser.get("/check")[0].endswith("/check")
    return browser


def wrk(url: str, seconds: int, headers: dict[str, str], script: Path | None = None) -> tuple[float, str]:
    command = ["wrk", "-t2", "-c8", f"-d{seconds}s", "--latency"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    if script:
        command += ["-s", str(script)]
    out = subprocess.run(command + [url], capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    return rate, (f"{bad.group(1)} non-2xx/3xx" if bad else "") + (f" socket errors {errors.group(1)}" if errors else "")


def ratio_row(what: str, goal: float, app_url: str, hello_url: str, seconds: int, rounds: int,
              headers: dict[str, str], script: Path | None, goal_row: bool = True) -> None:
    app_rates, hello_rates, notes = [], [], set()
    wrk(app_url, 2, headers, script)  # warm both
    wrk(hello_url, 2, headers, script)
    for _ in range(rounds):
        rate, note = wrk(app_url, seconds, headers, script)
        app_rates.append(rate)
        notes.add(note)
        rate, note = wrk(hello_url, seconds, headers, script)
        hello_rates.append(rate)
    app, hello = statistics.median(app_rates), statistics.median(hello_rates)
    note = "; ".join(n for n in notes if n)
    measured = (f"{app / hello:.2f}x ({app:,.0f} vs {hello:,.0f} req/s, medians of {rounds} alternated {seconds} s "
                f"rounds: app {', '.join(f'{r:.0f}' for r in app_rates)}; hello "
                f"{', '.join(f'{r:.0f}' for r in hello_rates)}){' ' + note if note else ''}")
    if goal_row:
        row(what, measured, f"{goal:.2f}x or better", app / hello >= goal and not note)
    else:
        print(f"  {what}: {measured}", flush=True)


def compression_rows(browser: Browser, step_path: str) -> None:
    request = urllib.request.Request(browser.url + step_path, headers={"Accept-Encoding": "gzip",
                                                                        "Cookie": browser.cookie()})
    with urllib.request.urlopen(request) as response:
        html_encoding, raw = response.headers.get("Content-Encoding"), response.read()
    html = gzip.decompress(raw).decode() if html_encoding == "gzip" else raw.decode()
    assets = re.findall(r'(?:href|src)="(/static/[^"]+)"', html)
    found = [("page", html_encoding, len(raw), None)]
    for path in assets:
        with urllib.request.urlopen(urllib.request.Request(browser.url + path,
                                                           headers={"Accept-Encoding": "gzip"})) as response:
            found.append((path, response.headers.get("Content-Encoding"), len(response.read()),
                          response.headers.get("Cache-Control")))
    all_gzip = all(encoding == "gzip" for _, encoding, _, _ in found)
    row("Compression", ", ".join(f"{p} {e or 'not compressed'} {n:,} B" for p, e, n, _ in found),
        "every HTML, CSS and JS response compressed when the client accepts it", all_gzip)
    total = sum(n for _, _, n, _ in found)
    print(f"    step page with CSS and JS, gzipped: {total / 1024:.1f} KB")
    fingerprinted = all(re.search(r"\.[0-9a-f]{12}\.\w+$", p) for p in assets)
    immutable = all(c == "public, max-age=31536000, immutable" for _, _, _, c in found[1:])
    row("Static files", f"{', '.join(assets)}: Cache-Control {found[1][3]!r}",
        "fingerprinted names, cached for a year, immutable", fingerprinted and immutable)


def first_paint_rows(browser: Browser, step_path: str) -> None:
    from playwright.sync_api import sync_playwright

    def fcp(page) -> float:
        page.wait_for_load_state("load")
        return page.evaluate("""() => new Promise((resolve, reject) => {
            new PerformanceObserver(list => {
                const paint = list.getEntriesByName('first-contentful-paint')[0];
                if (paint) resolve(paint.startTime);
            }).observe({type: 'paint', buffered: true});
            setTimeout(() => reject(new Error('no first-contentful-paint entry')), 10000);
        })""") / 1000

    cold, warm = [], []
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                     args=["--headless=new"])
        for _ in range(3):
            context = chromium.new_context()
            # The patient's session only: a browser that has never been sent the stylesheet (an empty cache)
            # has no cookie saying it was (screening/assets.py).
            context.add_cookies([{"name": c.name, "value": c.value, "url": browser.url} for c in browser.jar
                                 if c.name == "session"])
            page = context.new_page()
            cdp = context.new_cdp_session(page)
            cdp.send("Network.enable")
            cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": 400,
                                                          "downloadThroughput": 50 * 1024,
                                                          "uploadThroughput": 50 * 1024})
            page.goto(browser.url + step_path)
            cold.append(fcp(page))
            page.goto(browser.url + step_path)
            warm.append(fcp(page))
            context.close()
        chromium.close()
    c, w = statistics.median(cold), statistics.median(warm)
    row("First contentful paint, Slow 3G (400 ms, 50 KB/s), step page",
        f"empty cache {c:.2f} s, warm cache {w:.2f} s (medians of 3: {', '.join(f'{x:.2f}' for x in cold)}; "
        f"{', '.join(f'{x:.2f}' for x in warm)})", "1.0 s or less; 0.6 s or less warm", c <= 1.0 and w <= 0.6)


@dataclass
class Served:
    """The app and hello-world under the same gunicorn, with a patient who answered every step, on one step."""
    app_url: str
    hello_url: str
    browser: Browser
    path: str
    headers: dict[str, str]


@contextlib.contextmanager
def served(database: str, folder: Path, slug: str):
    env = screening_env(database)
    env["SCREENING_RULES_PATH"] = str(ROOT / "rules.yaml")
    with gunicorn("wsgi:app", env, folder) as app_url, gunicorn("benchmarks.hello:app", env, folder) as hello_url:
        browser = answered_patient(app_url)
        path = f"/step/{slug}"
        browser.get(path)
        yield Served(app_url, hello_url, browser, path, {"Cookie": browser.cookie(), "Accept-Encoding": "gzip"})


def http_figures(seconds: int, rounds: int, folder: Path) -> None:
    steps = QUESTIONNAIRE.catalogue.steps
    slug = steps[len(steps) // 2].slug
    with served(f"sqlite:///{folder / 'http.sqlite3'}", folder, slug) as on:
        print(f"    step measured: {on.path}", flush=True)
        ratio_row("Step page GET, ratio to hello-world Flask, same gunicorn -w 2", 0.35, on.app_url + on.path,
                  on.hello_url + "/", seconds, rounds, on.headers, None)
        script = post_script(folder, slug, on.browser)
        ratio_row("Step POST (validate + save a draft), same ratio", 0.30, on.app_url + on.path, on.hello_url + "/",
                  seconds, rounds, on.headers, script)
        save_commit_line(folder)
        save_floor(seconds, rounds, folder, on, script)
        compression_rows(on.browser, on.path)
        first_paint_rows(on.browser, on.path)
    post_without_disk_wait(seconds, rounds, folder, slug)


def post_script(folder: Path, slug: str, browser: Browser) -> Path:
    body = urllib.parse.urlencode({**form_data(slug, HEALTHY), "csrf_token": browser.token}, doseq=True)
    script = folder / f"post-{len(list(folder.glob('post-*.lua')))}.lua"
    script.write_text(f'wrk.method = "POST"\nwrk.body = "{body}"\n'
                      'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\n')
    return script


def post_without_disk_wait(seconds: int, rounds: int, folder: Path, slug: str) -> None:
    """The same POST with the database in memory-backed /dev/shm, where a sync returns at once: for comparison
    only, to tell the code's cost from the disk's wait. Never a way to run a clinic: a power cut loses it all."""
    shm = Path("/dev/shm")
    if not shm.is_dir():
        return
    with tempfile.TemporaryDirectory(dir=shm) as memory, \
            served(f"sqlite:///{Path(memory) / 'http.sqlite3'}", folder, slug) as on:
        ratio_row("For comparison, not a goal: the same POST with SQLite in /dev/shm (no wait for the disk)",
                  0.30, on.app_url + on.path, on.hello_url + "/", seconds, rounds, on.headers,
                  post_script(folder, slug, on.browser), goal_row=False)


def save_floor(seconds: int, rounds: int, folder: Path, on: Served, script: Path) -> None:
    """hello-world doing nothing but one durable draft-sized save per request (benchmarks/hello_save.py), against
    plain hello: the most a step POST's ratio could be on this disk if everything else cost nothing."""
    # The screening database is the master's only (gunicorn.conf.py checks the app's start); hello_save has its own.
    env = {**screening_env(f"sqlite:///{folder / 'floor-master.sqlite3'}"),
           "HELLO_SAVE_DATABASE": str(folder / "hello-save.sqlite3")}
    with gunicorn("benchmarks.hello_save:app", env, folder) as save_url:
        ratio_row("For comparison, not a goal: hello-world doing only one durable save per POST (this disk's floor)",
                  0.30, save_url + "/", on.hello_url + "/", seconds, rounds, on.headers, script, goal_row=False)


def save_commit_line(folder: Path) -> None:
    """How long a draft save's commit waits for this disk: SQLite at synchronous=FULL syncs the WAL each time, and
    one writer at a time holds the database while it does, so this bounds the POST rate whatever the code costs."""
    from tests.conftest import make_app
    from screening.records import database, drafts

    app = make_app({"SECRET_KEY": "bench", "DATABASE_URL": f"sqlite:///{folder / 'commit.sqlite3'}",
                    "SCREENING_ENV": "production"}, instance_path=str(folder / "commit-instance"))
    answers = {**HEALTHY}
    times = []
    with app.app_context():
        draft, _ = drafts.create(database.session(), 30)
        engine = database.engine_of(app)
        for n in range(300):
            lean = drafts.lean_by_id(engine, draft.id)  # as a step POST reads and saves it
            started = time.perf_counter()
            drafts.save(database.session(), lean, {**answers, "n": n}, 30, urgent_changed=False)
            times.append(time.perf_counter() - started)
    times.sort()
    print(f"    a draft save (one UPDATE and its commit) on this disk: median {times[150] * 1e3:.2f} ms, "
          f"90th percentile {times[270] * 1e3:.2f} ms, over 300", flush=True)


# -- replay and the submissions list ------------------------------------------------------------------

def replay_figures(rows: int, folder: Path) -> None:
    import random

    from tests.conftest import make_app
    from tests.perf.measure_submission_list import NOW, fill
    from tests.records.test_replay import lowered_bp_raised

    url = f"sqlite:///{folder / 'replay.sqlite3'}"
    app = make_app({"TESTING": True, "SECRET_KEY": "bench", "DATABASE_URL": url},
                   instance_path=str(folder / "instance"))
    started = time.perf_counter()
    fill(app, rows, random.Random(12))
    app.extensions["screening.sessionmaker"].kw["bind"].dispose()
    print(f"    stored {rows:,} submissions in {time.perf_counter() - started:.0f} s", flush=True)
    new = lowered_bp_raised(folder / "rules-new.yaml")
    runs = {}
    for label, extra in (("quarter", ["--since", (NOW - timedelta(days=182)).date().isoformat()]), ("all", [])):
        out = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "replay_run.py"), url, str(new), *extra],
                             capture_output=True, text=True, check=True, cwd=ROOT).stdout.split()
        runs[label] = (int(out[0]), float(out[1]), float(out[2]), int(out[4]), float(out[5]), float(out[6]),
                       int(out[7]))
    (n1, s1, p1, c1, m1, w1, k1), (n2, s2, p2, c2, m2, w2, k2) = runs["quarter"], runs["all"]
    flat = p2 <= p1 * 1.15

    def peak(total: float, main: float, worker: float, workers: int) -> str:
        if not workers:
            return f"peak RSS {total:.0f} MB"
        return f"peak RSS {total:.0f} MB ({main:.0f} MB + {workers} workers of at most {worker:.0f} MB each)"

    row(f"Replay of {n2:,} submissions", f"{s2:.1f} s, {peak(p2, m2, w2, k2)} ({c2:,} would change); "
        f"{n1:,} of them: {s1:.1f} s, {peak(p1, m1, w1, k1)}", "10 s or less, memory flat as submissions grow",
        s2 <= 10 and flat)


def submission_list_figure() -> None:
    out = subprocess.run([sys.executable, str(ROOT / "tests" / "perf" / "measure_submission_list.py"),
                          "--runs", "7"], capture_output=True, text=True, cwd=ROOT).stdout
    found = re.search(r"slowest list median: ([\d.]+) ms", out)
    slowest = float(found.group(1)) if found else float("nan")
    row("Submissions list at 100,000 submissions", f"slowest query's median {slowest:.1f} ms "
        "(tests/perf/measure_submission_list.py --runs 7)", "stays under 50 ms", slowest < 50)


PARTS = ("rules", "http", "replay", "list")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=8, help="length of each wrk round")
    parser.add_argument("--rounds", type=int, default=3, help="alternated rounds per HTTP figure")
    parser.add_argument("--rows", type=int, default=100_000, help="submissions stored for the replay")
    parser.add_argument("--only", choices=PARTS, action="append",
                        help="measure only this part (repeatable); every part by default")
    args = parser.parse_args()
    parts = args.only or PARTS
    if "http" in parts and not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install -y wrk")
    print(f"Machine: {machine()}", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if "rules" in parts:
            print("Rules, in-process:", flush=True)
            rules_figures()
        if "http" in parts:
            print("HTTP, gunicorn -w 2 on loopback, wrk -t2 -c8:", flush=True)
            http_figures(args.seconds, args.rounds, folder)
        if "replay" in parts:
            print("Replay:", flush=True)
            replay_figures(args.rows, folder)
        if "list" in parts:
            print("Submissions list:", flush=True)
            submission_list_figure()
    print("\n| What | Measured | Goal | Met |\n|---|---|---|---|")
    for what, measured, goal, met in ROWS:
        print(f"| {what} | {measured} | {goal} | {'yes' if met else 'no'} |")


if __name__ == "__main__":
    main()
