"""How fast the clinicians' submissions list is with 100,000 submissions in SQLite.

    .venv/bin/python tests/perf/measure_submission_list.py [--rows 100000] [--runs 25]

Builds the app on a throwaway SQLite file, bulk-inserts realistic submissions (answers varied from the
question catalogue and summarised by the shipped rules, so severities, counts and row sizes are real; dates
spread over two years; older ones mostly reviewed; patients with names as a US clinic sees them: a few
common surnames and a long tail of rare ones, some accented, some compound, with their name keys, dates of
birth from 18 to 85 years back, and most with a record number), signs a clinician in through the sign-in
form, then times whole GET requests of the list page through Flask's test client (routing, session,
queries, template), among them "Find a patient" by name, date of birth, record number and reference, and
prints the median and the slowest of N runs for each, in milliseconds, with each query's plan. Exits 1 when
a median is over the target, TARGET_MS.

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

from collections import Counter  # noqa: E402

from sqlalchemy import insert, text  # noqa: E402
from werkzeug.security import generate_password_hash  # noqa: E402

from tests.conftest import make_app  # noqa: E402
from screening.records import database  # noqa: E402
from screening.records.names import keys_of  # noqa: E402
from screening.staff import submission_list  # noqa: E402
from screening.questionnaire import QUESTIONNAIRE  # noqa: E402
from screening.catalogue.types import DATE, MULTI, NUMBER, TEXT  # noqa: E402
from screening.records.codes import ALPHABET  # noqa: E402
from screening.records.models import NameKey, RulesVersion, Submission  # noqa: E402
from screening.rules.engine import evaluate  # noqa: E402
from screening.rules.model import SEVERITIES  # noqa: E402
from screening.records.models import StaffUser  # noqa: E402
from tests.conftest import HEALTHY  # noqa: E402

PASSWORD = "perf test password"
TYPICAL_NUMBERS = {"bp_systolic": 128, "bp_diastolic": 82}
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=timezone.utc)
TARGET_MS = 50

# Names as a US clinic's patients have them, with rough weights: a few very common, accents as patients type
# them (or not: "Garcia" and "García" both), compound and particle surnames, and two-word first names.
FIRST_NAMES = {
    "James": 30, "Mary": 28, "Michael": 26, "Jennifer": 24, "David": 24, "Maria": 22, "María": 10, "Robert": 20,
    "Linda": 16, "John": 22, "Elizabeth": 16, "William": 16, "Sarah": 16, "José": 12, "Jose": 8, "Ana": 12,
    "Ana María": 4, "Mary Ann": 4, "Juan": 10, "Juan Carlos": 4, "Christopher": 14, "Jessica": 14, "Daniel": 14,
    "Ashley": 12, "Matthew": 12, "Emily": 12, "Anthony": 10, "Michelle": 10, "Kevin": 10, "Amanda": 10,
    "Brian": 9, "Stephanie": 9, "Nguyen": 3, "Minh": 4, "Thi": 3, "Wei": 4, "Mei": 4, "Priya": 4, "Aarav": 3,
    "Mohammed": 5, "Fatima": 5, "Aisha": 4, "Omar": 4, "Renée": 3, "Zoë": 3, "Chloé": 3, "Noémie": 2,
    "François": 2, "Søren": 1, "Björn": 1, "Łukasz": 1, "Siobhán": 2, "Seán": 2, "Dmitri": 2, "Olga": 2,
    "Kwame": 2, "Chidi": 2, "Hana": 2, "Yuki": 2, "Jae-won": 2, "Anne-Marie": 2, "Jean-Luc": 1, "Marie": 6,
    "Lucía": 4, "Sofía": 4, "Camila": 4, "Valentina": 3, "Mateo": 4, "Santiago": 3, "Tyler": 6, "Brittany": 5,
}
SURNAMES = {
    "Smith": 100, "Johnson": 80, "Williams": 70, "Brown": 62, "Jones": 60, "Garcia": 50, "García": 25,
    "Miller": 52, "Davis": 50, "Rodriguez": 40, "Rodríguez": 20, "Martinez": 38, "Martínez": 18,
    "Hernandez": 36, "Hernández": 16, "Lopez": 30, "López": 14, "Gonzalez": 30, "González": 14, "Wilson": 40,
    "Anderson": 38, "Thomas": 38, "Taylor": 36, "Moore": 34, "Jackson": 34, "Martin": 32, "Lee": 32,
    "Perez": 26, "Pérez": 12, "Thompson": 30, "White": 30, "Harris": 28, "Sanchez": 24, "Sánchez": 10,
    "Clark": 26, "Ramirez": 20, "Ramírez": 10, "Lewis": 24, "Robinson": 24, "Walker": 24, "Young": 22,
    "Allen": 22, "King": 22, "Wright": 22, "Scott": 20, "Torres": 20, "Nguyen": 30, "Nguyễn": 4, "Hill": 20,
    "Flores": 20, "Green": 20, "Adams": 20, "Nelson": 18, "Baker": 18, "Hall": 18, "Rivera": 18, "Campbell": 16,
    "Mitchell": 16, "Carter": 16, "Roberts": 16, "Díaz-López": 3, "Diaz": 10, "Díaz": 8, "Smith-Jones": 3,
    "O'Brien": 6, "O’Connor": 3, "McDonald": 6, "de la Cruz": 4, "De La Cruz": 2, "van der Berg": 2,
    "Müller": 3, "Schröder": 2, "Çelik": 2, "Øvrebø": 1, "Kowalski": 3, "Wiśniewska": 1, "Papadopoulos": 2,
    "Patel": 20, "Shah": 8, "Kim": 16, "Park": 10, "Chen": 16, "Wang": 14, "Li": 12, "Zhang": 10, "Singh": 12,
    "Khan": 10, "Ali": 10, "Okafor": 3, "Mensah": 3, "Cohen": 6, "Murphy": 10, "Kelly": 10, "Sullivan": 8,
    "Ó Súilleabháin": 1, "Fernández-García": 2, "Saint-Pierre": 2, "Lefèvre": 2, "Bélanger": 2,
}
TAIL_SHARE = 0.35  # the rest of the surnames: rare ones, a few patients each at most
_ONSETS = ("B", "C", "D", "F", "G", "H", "K", "L", "M", "N", "P", "R", "S", "T", "V", "W", "Br", "Ch", "Gr", "St")
_MIDDLES = ("a", "e", "i", "o", "u", "ar", "el", "in", "or", "an", "ie", "ou")
_ENDS = ("ton", "berg", "son", "ski", "ley", "ford", "well", "man", "stein", "wood", "dale", "ridge", "ez", "ini")


def random_answers(rng: random.Random, healthy: bool = False) -> dict:
    """Mostly 'no' and in-range readings, with some of every answer, as a clinic's patients give them.

    `healthy`: nothing to report at all, so that some submissions raise no topic.
    """
    if healthy:
        return dict(HEALTHY, bp_systolic=rng.randint(100, 129), bp_diastolic=rng.randint(60, 79))
    answers: dict = {}
    for question in QUESTIONNAIRE.catalogue.asked:
        if not QUESTIONNAIRE.is_asked(question, answers):
            continue
        if question.type == DATE:
            # For the rules' age; each submission then gets its own patient's identity (patient()).
            answers[question.id] = (NOW - timedelta(days=rng.randint(18 * 365, 85 * 365))).date().isoformat()
        elif question.identity:
            continue
        elif question.type == NUMBER:
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


def weighted(rng: random.Random, table: dict[str, int]):
    """A function drawing a name from `table` by its weight."""
    names, weights = list(table), list(table.values())
    return lambda: rng.choices(names, weights)[0]


def tail_surnames(rng: random.Random) -> list[str]:
    """Rare surnames, made of syllables: thousands of them, so that each belongs to a few patients at most."""
    return sorted({rng.choice(_ONSETS) + rng.choice(_MIDDLES) + rng.choice(_MIDDLES) + rng.choice(_ENDS)
                   for _ in range(40_000)})


def patient(rng: random.Random, first_name, surname, number: int) -> dict:
    """Identity columns for one submission: a name, a date of birth 18 to 85 years back, and most with a record
    number, a phone or an email, as the patients of a clinic give them."""
    born = (NOW - timedelta(days=rng.randint(18 * 365, 85 * 365))).date()
    return {"first_name": first_name(), "last_name": surname(), "date_of_birth": born,
            "record_number": f"MRN{number:07d}" if rng.random() < 0.8 else None,
            "phone": f"555-{rng.randint(200, 999)}-{rng.randint(0, 9999):04d}" if rng.random() < 0.6 else None,
            "email": f"patient{number}@mail.example" if rng.random() < 0.4 else None}


def reference(rng: random.Random, seen: set[str]) -> str:
    while True:
        code = "".join(rng.choice(ALPHABET) for _ in range(8))
        ref = f"KS-{code[:4]}-{code[4:]}"
        if ref not in seen:
            seen.add(ref)
            return ref


def fill(app, rows: int, rng: random.Random) -> tuple[list[str], list[dict]]:
    """Store `rows` submissions with their name keys; their references and identities, in the same order."""
    ruleset = app.extensions["screening.rules"].current
    variants = []
    for i in range(400):  # distinct answer sets, each summarised once by the real rules
        answers = QUESTIONNAIRE.prune(random_answers(rng, healthy=i % 10 == 0))
        summary = evaluate(ruleset, answers)
        counts = {s: sum(t.severity == s for t in summary.topics) for s in SEVERITIES}
        variants.append((answers, [t.as_dict() for t in summary.topics], summary.highest_severity, counts))
    seen: set[str] = set()
    references, people = [], []
    span = timedelta(days=730).total_seconds()
    first_name, common = weighted(rng, FIRST_NAMES), weighted(rng, SURNAMES)
    tail = tail_surnames(rng)

    def surname() -> str:
        return rng.choice(tail) if rng.random() < TAIL_SHARE else common()

    with app.app_context():
        db = database.session()
        db.add(RulesVersion(sha256=ruleset.sha256, label=ruleset.version, text=ruleset.text))
        db.commit()
        batch, keys = [], []
        for i in range(rows):
            answers, topics, highest, counts = rng.choice(variants)
            submitted = NOW - timedelta(seconds=rng.random() * span)
            age = (NOW - submitted).days
            status = "reviewed" if rng.random() < (0.97 if age > 14 else 0.3) else "new"
            ref = reference(rng, seen)
            references.append(ref)
            who = patient(rng, first_name, surname, i + 1)
            people.append(who)
            answers = {**answers, **{k: v.isoformat() if k == "date_of_birth" else v
                                     for k, v in who.items() if v is not None}}
            keys += [{"submission_id": i + 1, "key": k} for k in keys_of(who["first_name"], who["last_name"])]
            batch.append({
                "id": i + 1, **who, "catalogue_version": QUESTIONNAIRE.version,
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
                db.execute(insert(NameKey), keys)
                batch, keys = [], []
        db.commit()
    return references, people


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
        list_filter = submission_list.resolve(db, list_filter)
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
        references, people = fill(app, args.rows, rng)
        print(f"inserted {args.rows:,} submissions in {time.perf_counter() - started:.1f} s "
              f"({Path(tmp, 'perf.sqlite3').stat().st_size / 1e6:.0f} MB)")
        client = sign_in(app)
        wanted = rng.choice(references)
        typed = wanted[3:].lower().replace("-", " ")  # as read over the phone: no prefix, lower case, a space
        last_page = -(-args.rows // submission_list.PAGE_SIZE)
        someone = rng.choice([p for p in people if p["record_number"]])
        born = someone["date_of_birth"]
        surnames = Counter(p["last_name"] for p in people)
        rare = min(sorted(surnames), key=lambda name: (surnames[name], rng.random()))
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
            (f"find reference '{typed}'", {"q": typed}),
            (f"find common surname 'smith' ({surnames['Smith']:,})", {"q": "smith"}),
            (f"find 'GARCIA' (Garcia {surnames['Garcia']:,}, García {surnames['García']:,})", {"q": "GARCIA"}),
            (f"find rare surname '{rare.lower()}' ({surnames[rare]})", {"q": rare.lower()}),
            ("find two words 'maria garcia'", {"q": "maria garcia"}),
            ("find two words 'ana d'", {"q": "ana d"}),
            ("find 'smith', page 20", {"q": "smith", "page": "20"}),
            ("find 'smith' + status=new", {"q": "smith", "status": "new"}),
            ("find 'smith' + status=reviewed", {"q": "smith", "status": "reviewed"}),
            (f"find '{rare.lower()}' + status=reviewed", {"q": rare.lower(), "status": "reviewed"}),
            ("find 'lopez' + date range (one year)", {"q": "lopez", "from": "2025-06-01", "to": "2026-05-31"}),
            (f"find date of birth {born.month}/{born.day}/{born.year}", {"q": f"{born.month}/{born.day}/{born.year}"}),
            (f"find date of birth {born.isoformat()} + status=reviewed", {"q": born.isoformat(), "status": "reviewed"}),
            (f"find record number {someone['record_number']}", {"q": someone["record_number"]}),
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
            print(f"  {label:<58} median {median:6.1f}  max {slowest:6.1f}  rows {shown:2d}")
            print(plan(app, query))
        median, slowest, _ = timed(client, f"/staff/submissions/{wanted}", {}, args.runs)
        print(f"GET /staff/submissions/{wanted} (one submission, recorded in the audit trail each time)\n"
              f"  {'submission page':<58} median {median:6.1f}  max {slowest:6.1f}")
        print(f"slowest list median: {worst:.1f} ms "
              f"({'under' if worst < TARGET_MS else 'OVER'} the {TARGET_MS} ms target)")
        app.extensions["screening.sessionmaker"].kw["bind"].dispose()
        if worst >= TARGET_MS:
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
