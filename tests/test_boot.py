"""Starting as a clinic does: `gunicorn -w 4 wsgi:app` from the project root, on a fresh database.

Requirement (issue 6, "A boot that never races"): nothing creates tables in a worker; gunicorn's master
upgrades the database once, under a lock, before workers exist (gunicorn.conf.py); every boot on a fresh
SQLite or PostgreSQL database succeeds with every worker serving; whatever stops a start stops the master
at once with its message and a non-zero exit; a worker that finds the database behind the code refuses
to serve with one line saying what to run.
"""
from __future__ import annotations

import os
import subprocess
import sys
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from screening.records import migrate
from tests.gunicorn import ROOT, free_port, gunicorn_server, screening_env, start, stop
from tests.postgres import new_database

WORKERS = 4
# More boots for a measurement: BOOT_COUNT=10 python -m pytest tests/test_boot.py -k fresh
BOOTS = int(os.environ.get("BOOT_COUNT", "3"))


def get(url: str) -> int:
    with urllib.request.urlopen(url, timeout=20) as response:
        return response.status


def every_worker_serves(server) -> set[str]:
    """Send parallel requests, a bounded number of rounds, until each worker has answered one."""
    with ThreadPoolExecutor(max_workers=16) as pool:
        for _ in range(40):
            assert set(pool.map(get, [server.url + "/"] * 16)) == {200}
            if len(server.pids_seen()) >= WORKERS:
                break
    return server.pids_seen()


def assert_clean_boot(tmp_path, database_url: str) -> None:
    with gunicorn_server(tmp_path, screening_env(database_url), WORKERS) as server:
        assert len(every_worker_serves(server)) == WORKERS, server.log()
        log = server.log()
    assert "Traceback" not in log and "Worker failed to boot" not in log and "Error" not in log, log
    assert log.count("Booting worker") == WORKERS, log


def test_gunicorn_boots_on_a_fresh_sqlite_database_with_every_worker_serving(tmp_path):
    for boot in range(BOOTS):
        assert_clean_boot(tmp_path / f"boot{boot}", f"sqlite:///{tmp_path / f'fresh{boot}.sqlite3'}")


def test_gunicorn_boots_on_a_fresh_postgresql_database_with_every_worker_serving(tmp_path, postgres_server):
    for boot in range(BOOTS):
        assert_clean_boot(tmp_path / f"boot{boot}", new_database(postgres_server))


def test_a_restart_on_a_database_at_head_changes_nothing(tmp_path):
    url = f"sqlite:///{tmp_path / 'again.sqlite3'}"
    assert_clean_boot(tmp_path / "first", url)
    assert_clean_boot(tmp_path / "second", url)


def stopped_start(tmp_path, env):
    server = start(tmp_path, env, WORKERS)
    try:
        server.process.wait(timeout=60)
    finally:
        stop(server)
    return server.process.returncode, server.log()


def test_an_invalid_rules_file_stops_the_master_with_its_problems(tmp_path):
    broken = tmp_path / "rules.yaml"
    broken.write_text((ROOT / "rules.yaml").read_text().replace("question: bp_systolic", "question: bp_sistolic", 1))
    status, log = stopped_start(tmp_path, screening_env(f"sqlite:///{tmp_path / 'db.sqlite3'}",
                                                         RULES_PATH=str(broken)))
    assert status != 0
    assert "unknown question id 'bp_sistolic'" in log and "does not pass the check" in log
    assert "Booting worker" not in log


def test_a_missing_secret_key_stops_the_master(tmp_path):
    env = screening_env(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    del env["SCREENING_SECRET_KEY"]
    status, log = stopped_start(tmp_path, env)
    assert status != 0 and "SCREENING_SECRET_KEY is not set" in log and "Booting worker" not in log


def test_an_unreachable_database_stops_the_master_with_one_line(tmp_path):
    url = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/nowhere"
    status, log = stopped_start(tmp_path, screening_env(url))
    assert status != 0 and "cannot upgrade the database" in log and "Booting worker" not in log
    assert "Traceback" not in log


def test_a_worker_refuses_a_database_behind_the_code_and_says_what_to_run(tmp_path):
    url = f"sqlite:///{tmp_path / 'behind.sqlite3'}"
    migrate.upgrade(url, migrate.FIRST_REVISION)
    done = subprocess.run([sys.executable, "-c", "import wsgi"], cwd=ROOT, env=screening_env(url),
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 3  # gunicorn's boot-error status: the master stops rather than respawn forever
    assert done.stderr.strip().splitlines() == [
        f"screening: the database is at revision {migrate.FIRST_REVISION}; this code needs revision "
        f"{migrate.head()}: run `flask --app screening db upgrade`"]
