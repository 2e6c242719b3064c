"""Races between workers, through a real multi-worker gunicorn on loopback, not the test client.

Requirement (issue 6, "Races under load"): eight patients pressing Send at once on a rules version no
submission has used yet all get their summary; every count that limits an attacker holds across workers
and restarts: with 4 workers, 30 parallel wrong passwords for one account have at most 5 checked against
the hash; 30 parallel failed sign-ins from one address let at most STAFF_IP_MAX_FAILED through; 150
resume-code guesses from one address let at most RESUME_ATTEMPTS_PER_HOUR through, across a restart too.
"""
from __future__ import annotations

import subprocess
import sys
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import create_engine, text

from screening.questionnaire import QUESTIONNAIRE
from screening.records import migrate
from tests.conftest import HEALTHY, form_data
from tests.gunicorn import ROOT, Browser, gunicorn_server, screening_env
from tests.postgres import new_database

PATIENTS = 8


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'race.sqlite3'}"
    return new_database(request.getfixturevalue("postgres_server"))


def answered_everything(browser: Browser) -> None:
    browser.get("/")
    assert browser.post("/start", {})[0] == 200
    for step in QUESTIONNAIRE.catalogue.steps:
        browser.get(f"/step/{step.slug}")
        data = form_data(step.slug, HEALTHY)
        status, html = browser.post(f"/step/{step.slug}", data)
        if f'action="/step/{step.slug}' in html:  # a follow-up appeared on the same page: post again
            status, html = browser.post(f"/step/{step.slug}", data)
        assert status == 200, html[:500]
    assert browser.get("/check")[0] == 200


def test_eight_patients_sending_at_once_on_a_new_rules_version_all_get_their_summary(tmp_path, database_url):
    with gunicorn_server(tmp_path, screening_env(database_url)) as server:
        browsers = [Browser(server.url) for _ in range(PATIENTS)]
        with ThreadPoolExecutor(max_workers=PATIENTS) as pool:
            list(pool.map(answered_everything, browsers))
        at_once = threading.Barrier(PATIENTS)

        def send(browser: Browser) -> tuple[int, str]:
            at_once.wait(timeout=30)
            return browser.post("/send", {})

        with ThreadPoolExecutor(max_workers=PATIENTS) as pool:
            sent = list(pool.map(send, browsers))
    assert [status for status, _ in sent] == [200] * PATIENTS, [html[:300] for _, html in sent]
    assert all("Your reference" in html or "KS-" in html for _, html in sent)
    engine = create_engine(database_url)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM submission")).scalar() == PATIENTS
        assert connection.execute(text("SELECT count(*) FROM rules_version")).scalar() == 1
    engine.dispose()


def add_staff(database_url: str, email: str) -> None:
    env = screening_env(database_url)
    subprocess.run([sys.executable, "-m", "flask", "--app", "screening", "staff", "add", email, "--role", "clinician",
                    "--password-stdin"], cwd=ROOT, env=env, input="the right long password\n", text=True,
                   check=True, capture_output=True, timeout=60)


def parallel_sign_ins(url: str, emails: list[str], password: str) -> list[int]:
    def sign_in(email: str) -> int:
        browser = Browser(url)
        browser.get("/staff/sign-in")
        return browser.post("/staff/sign-in", {"email": email, "password": password})[0]

    with ThreadPoolExecutor(max_workers=16) as pool:
        return list(pool.map(sign_in, emails))


def audit_count(database_url: str, where: str) -> int:
    engine = create_engine(database_url)
    with engine.connect() as connection:
        count = connection.execute(text(f"SELECT count(*) FROM audit_event WHERE {where}")).scalar()
    engine.dispose()
    return count


def test_thirty_parallel_wrong_passwords_have_at_most_five_checked(tmp_path, database_url):
    migrate.upgrade(database_url)
    add_staff(database_url, "ana@clinic.test")
    env = screening_env(database_url, STAFF_MAX_FAILED="5", STAFF_IP_MAX_FAILED="1000")
    with gunicorn_server(tmp_path, env) as server:
        statuses = parallel_sign_ins(server.url, ["ana@clinic.test"] * 30, "a wrong long password")
    assert statuses == [400] * 30
    checked = audit_count(database_url, "action = 'sign_in_failed' AND detail LIKE 'wrong password%'")
    assert checked == 5
    assert audit_count(database_url, "action = 'account_locked'") == 1


def test_thirty_parallel_failed_sign_ins_from_one_address_let_at_most_the_limit_through(tmp_path, database_url):
    env = screening_env(database_url, STAFF_IP_MAX_FAILED="20")
    with gunicorn_server(tmp_path, env) as server:
        statuses = parallel_sign_ins(server.url, [f"nobody{i}@clinic.test" for i in range(30)], "a long password!")
    assert set(statuses) <= {400, 429} and 1 <= statuses.count(400) <= 20, Counter(statuses)


def guesses(url: str, count: int) -> list[int]:
    def guess(number: int) -> int:
        browser = Browser(url)
        browser.get("/resume")
        return browser.post("/resume", {"code": f"ABCD-EFGH-{number:04d}"})[0]

    with ThreadPoolExecutor(max_workers=16) as pool:
        return list(pool.map(guess, range(count)))


def test_resume_code_guesses_are_limited_per_address_across_workers_and_restarts(tmp_path):
    database_url = f"sqlite:///{tmp_path / 'guesses.sqlite3'}"
    env = screening_env(database_url, RESUME_ATTEMPTS_PER_HOUR="20")
    with gunicorn_server(tmp_path / "first", env) as server:
        first = guesses(server.url, 150)
    with gunicorn_server(tmp_path / "second", env) as server:
        after_restart = guesses(server.url, 150)
    # Tries made at once may each see the others' rows before deciding, so fewer than 20 may get through;
    # never more.
    assert set(first) <= {404, 429} and 1 <= first.count(404) <= 20, Counter(first)
    assert after_restart == [429] * 150, Counter(after_restart)
