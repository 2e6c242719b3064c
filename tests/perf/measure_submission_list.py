"""How fast the clinicians' submissions list is with 100,000 submissions in SQLite.

    python tests/perf/measure_submission_list.py [--rows 100000] [--runs 25]

Builds the app on a throwaway SQLite file, bulk-inserts realistic submissions (answers varied from the
question catalogue and summarised by the shipped rules, so severities, counts and row sizes are real; dates
spread over two years; older ones mostly reviewed), signs a clinician in through the sign-in form, then times
whole GET requests of the list page through Flask's test client (routing, session, queries, template) and
prints the median and the slowest of N runs for each, in milliseconds, with each query's plan.

Not collected by pytest (no test_ prefix); tests/staff/test_submission_list.py checks the query plans on
every run instead.
"""
from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert, text  # noqa: E402
from werkzeug.security import generate_password_hash  # noqa: E402

from tests.conftest import make_app  # noqa: E402
from screening.records import database
from screening.staff import submission_list
from screening.questionnaire import QUESTIONNAIRE  # noqa: E402
from screening.catalogue.types import MULTI, NUMBER, TEXT  # noqa: E402
from screening.records.codes import ALPHABET  # noqa: E402
from screening.records.models import RulesVersion, Submission  # noqa: E402
from screening.rules.engine import evaluate  # noqa: E402
from screening.rules.model import SEVERITIES  # noqa: E402
from screening.records.models import StaffUser  # noqa: E402
from tests.conftest import HEALTHY  # noqa: E402

PASSWORD = "perf test password"
TYPICAL_NUMBERS = {"age": 42, "bp_systolic": 128, "bp_diastolic": 82}
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=timezone.utc)


def random_answers(rng: random.Random, healthy: bool = False) -> dict:
    """Mostly 'no' and in-range readings, with some of every answer, as a clinic's patients give them.

    `healthy`: nothing to report at all, so that some submissions raise no topic.
    """
    if healthy:
        return dict(HEALTHY, age=rng.randint(18, 64), bp_systolic=rng.randint(100, 129),
                    bp_diastolic=rng.randint(60, 79))
    answers: dict = {}
    for question in QUESTIONNAIRE.catalogue.asked:
        if not QUESTIONNAIRE.is_asked(question, answers):
            continue
        if question.type == NUMBER:
            if question.unknown and rng.random() < 0.08:
                answers[question.id] = question.unknown.value
            else:
                middle = TYPICAL_NUMBERS.get(question.id, (question.min + question.max) // 2)
                answers[question.id] = max(question.min, min(question.max, int(rng.gauss(middle, middle * 0.15))))
        elif question.type == TEXT:
            if rng.random() < 0.5:
                answers[question.id] = "Some words from the patient. " * rng.randint(1, 15)
        elif question.type == MULTI:
            normal = [c.value for c in question.choices if not c.exclusive]
            exclusive = [c.value for c in question.choices if c.exclusive]
            if exclusive and rng.random() < 0.7:
                answers[question.id] = [exclusive[0]]
            else:
                answers[question.id] = rng.sample(normal, rng.randint(1, min(3, len(normal))))
        else:
            values = [c.value for c in question.all_choices]
            answers[question.id] = "no" if "no" in values and rng.random() < 0.85 else rng.choice(values)
    return answers


def reference(rng: random.Random, seen: set[str]) -> str:
    while True:
        code = "".join(rng.choice(ALPHABET) for _ in range(8))
        ref = f"KS-{code[:4]}-{code[4:]}"
        if ref not in seen:
            seen.add(ref)
            return ref


def fill(app, rows: int, rng: random.Random) -> list[str]:
    ruleset = app.extensions["screening.rules"].current
    variants = []
    for i in range(400):  # distinct answer sets, each summarised once by the real rules
        answers = QUESTIONNAIRE.prune(random_answers(rng, healthy=i % 10 == 0))
        summary = evaluate(ruleset, answers)
        counts = {s: sum(t.severity == s for t in summary.topics) for s in SEVERITIES}
        variants.append((answers, [t.as_dict() for t in summary.topics], summary.highest_severity, counts))
    seen: set[str] = set()
    references = []
    span = timedelta(days=730).total_seconds()
    with app.app_context():
        db = database.session()
        db.add(RulesVersion(sha256=ruleset.sha256, label=ruleset.version, text=ruleset.text))
        db.commit()
        batch = []
        for i in range(rows):
            answers, topics, highest, counts = rng.choice(variants)
            submitted = NOW - timedelta(seconds=rng.random() * span)
            age = (NOW - submitted).days
            status = "reviewed" if rng.random() < (0.97 if age > 14 else 0.3) else "new"
            ref = reference(rng, seen)
            references.append(ref)
            batch.append({
                "reference": ref, "submitted_at": submitted,
                "started_at": submitted - timedelta(minutes=rng.randint(4, 40)),
                "answers": answers, "topics": topics, "rules_version": ruleset.version, "rules_sha256": ruleset.sha256,
                "highest_severity": highest, "urgent_count": counts["urgent"], "discuss_count": counts["discuss"],
                "mention_count": counts["mention"], "status": status,
                "reviewed_by": "clinician@clinic.test" if status == "reviewed" else None,
                "reviewed_at": submitted + timedelta(days=2) if status == "reviewed" else None,
            })
            if len(batch) == 5000 or i == rows - 1:
                db.execute(insert(Submission), batch)  # one executemany per batch
                batch = []
        db.commit()
    return references


def sign_in(app):
    with app.app_context():
        user = StaffUser(email="perf@clinic.test",
                         password_hash=generate_password_hash(PASSWORD, method="pbkdf2:sha256:1"))
        user.roles = ("clinician",)
        database.session().add(user)
        database.session().commit()
    client = app.test_client()
    response = client.post("/staff/sign-in", data={"email": "perf@clinic.test", "password": PASSWORD})
    assert response.status_code == 303, response.status_code
    return client


def plan(app, url_query: dict) -> str:
    list_filter, page = submission_list.parse(url_query)
    with app.app_context():
        db = database.session()
        lines = []
        for name, query in (("count", submission_list.count_query(list_filter)),
                            ("ids", submission_list.ids_query(list_filter, page))):
            compiled = query.compile(db.get_bind(), compile_kwargs={"literal_binds": True})
            rows = db.execute(text(f"EXPLAIN QUERY PLAN {compiled}")).all()
            lines.append(f"{name}: " + "; ".join(r[-1] for r in rows))
        return "\n".join("      " + line for line in lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=25)
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args()
    rng = random.Random(args.seed)

    with tempfile.TemporaryDirectory() as tmp:
        app = make_app({"TESTING": True, "SECRET_KEY": "perf", "WTF_CSRF_ENABLED": False,
                          "DATABASE_URL": f"sqlite:///{tmp}/perf.sqlite3"}, instance_path=f"{tmp}/instance")
        started = time.perf_counter()
        references = fill(app, args.rows, rng)
        print(f"inserted {args.rows:,} submissions in {time.perf_counter() - started:.1f} s "
              f"({Path(tmp, 'perf.sqlite3').stat().st_size / 1e6:.0f} MB)")
        client = sign_in(app)
        wanted = rng.choice(references)
        typed = wanted[3:].lower().replace("-", " ")  # as read over the phone: no prefix, lower case, a space
        last_page = -(-args.rows // submission_list.PAGE_SIZE)
        cases = [
            ("unfiltered, page 1", {}),
            ("status=new", {"status": "new"}),
            ("status=reviewed", {"status": "reviewed"}),
            ("severity=urgent", {"severity": "urgent"}),
            ("severity=none", {"severity": "none"}),
            ("status=new + severity=discuss", {"status": "new", "severity": "discuss"}),
            ("date range (one month)", {"from": "2026-03-01", "to": "2026-03-31"}),
            ("date range + status=reviewed + severity=mention",
             {"from": "2025-06-01", "to": "2026-05-31", "status": "reviewed", "severity": "mention"}),
            (f"reference search '{typed}'", {"reference": typed}),
            ("deep page 2000", {"page": "2000"}),
            (f"last page {last_page}", {"page": str(last_page)}),
            ("status=reviewed, page 1500", {"status": "reviewed", "page": "1500"}),
        ]
        print(f"GET /staff/submissions, {args.runs} runs each after 2 warm-up runs; median and slowest in ms")
        worst = 0.0
        for label, query in cases:
            median, slowest, response = timed(client, "/staff/submissions", query, args.runs)
            shown = len(re.findall(r'<th scope="row"', response.get_data(as_text=True)))
            worst = max(worst, median)
            print(f"  {label:<52} median {median:6.1f}  max {slowest:6.1f}  rows {shown:2d}")
            print(plan(app, query))
        median, slowest, _ = timed(client, f"/staff/submissions/{wanted}", {}, args.runs)
        print(f"GET /staff/submissions/{wanted} (one submission, recorded in the audit trail each time)\n"
              f"  {'submission page':<52} median {median:6.1f}  max {slowest:6.1f}")
        print(f"slowest list median: {worst:.1f} ms ({'under' if worst < 200 else 'OVER'} the 200 ms target)")
        app.extensions["screening.sessionmaker"].kw["bind"].dispose()
        if worst >= 200:
            sys.exit(1)


def timed(client, path: str, query: dict, runs: int):
    """Median and slowest time of `runs` GETs of path, in ms, after two warm-up GETs; and the last response."""
    for _ in range(2):
        client.get(path, query_string=query)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(path, query_string=query)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (path, query, response.status_code)
    return statistics.median(times), max(times), response

if __name__ == "__main__":
    main()
