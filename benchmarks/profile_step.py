"""Profile a step page GET and a step POST in-process, through Flask's test client with a real draft, session
and CSRF token, as benchmarks/run.py measures them over HTTP:

    .venv/bin/python benchmarks/profile_step.py [--requests 300] [--html] [--all]

Prints mean milliseconds per request and pyinstrument's call tree of each (or writes HTML with --html).
"""
from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pyinstrument import Profiler  # noqa: E402

from tests.conftest import HEALTHY, Patient, form_data, make_app  # noqa: E402
from screening.questionnaire import QUESTIONNAIRE  # noqa: E402

CSRF = re.compile(r'name="csrf_token"[^>]*? value="([^"]+)"')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--html", action="store_true")
    parser.add_argument("--all", action="store_true", help="show every frame, Flask's and libraries' too")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="profile-step-"))
    app = make_app({"SECRET_KEY": "profile", "DATABASE_URL": f"sqlite:///{folder / 'p.sqlite3'}",
                    "SCREENING_ENV": "production"}, instance_path=str(folder / "instance"))
    client = app.test_client()
    app.config["WTF_CSRF_ENABLED"] = False
    Patient(client).complete()
    app.config["WTF_CSRF_ENABLED"] = True
    steps = QUESTIONNAIRE.catalogue.steps
    step = steps[len(steps) // 2]
    path = f"/step/{step.slug}"
    token = CSRF.search(client.get(path).get_data(as_text=True)).group(1)
    body = {**form_data(step.slug, HEALTHY), "csrf_token": token}
    headers = {"Accept-Encoding": "gzip"}
    assert client.post(path, data=body, headers=headers).status_code == 303

    for name, call in (("GET", lambda: client.get(path, headers=headers)),
                       ("POST", lambda: client.post(path, data=body, headers=headers))):
        for _ in range(30):
            assert call().status_code in (200, 303)
        started = time.perf_counter()
        for _ in range(args.requests):
            call()
        print(f"{name} {path}: {(time.perf_counter() - started) / args.requests * 1e3:.2f} ms per request")
        profiler = Profiler(interval=0.0002)
        profiler.start()
        for _ in range(args.requests):
            call()
        profiler.stop()
        if args.html:
            out = folder / f"{name}.html"
            out.write_text(profiler.output_html())
            print(f"  {out}")
        else:
            print(profiler.output_text(unicode=False, color=False, show_all=args.all))


if __name__ == "__main__":
    main()
