"""The embedded deliverer: `gunicorn -w 4 wsgi:app` (its master) and `flask --app screening run` send alerts with
nothing more to run, as a new clinic would start them; the reloader's watcher runs none.

Requirement (issue 9, "How it is delivered"): the deliverer runs inside `flask run` and the gunicorn master's
start hook, so the quick start needs nothing more. The times from Send to email and to webhook are printed
(`pytest -s`), never asserted.
"""
from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import time

import click
import pytest

from screening import _serves_in_this_process
from screening.questionnaire import QUESTIONNAIRE
from tests.alerts.conftest import URGENT, alert_config
from tests.conftest import form_data, make_app
from tests.gunicorn import ROOT, Browser, free_port, gunicorn_server, screening_env


def settings_for(mailbox, receiver) -> dict[str, str]:
    return {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(mailbox.port), "MAIL_FROM": "screening@clinic.test",
            "ALERT_EMAILS": "on-call@clinic.test", "ALERT_WEBHOOK_URL": receiver.url,
            "ALERT_WEBHOOK_SECRET": receiver.secret, "BASE_URL": "http://127.0.0.1"}


def answer_urgently(browser: Browser) -> None:
    browser.get("/")
    assert browser.post("/start", {})[0] == 200
    for step in QUESTIONNAIRE.catalogue.steps:
        browser.get(f"/step/{step.slug}")
        data = form_data(step.slug, URGENT)
        status, html = browser.post(f"/step/{step.slug}", data)
        if f'action="/step/{step.slug}' in html:  # a follow-up appeared on the same page: post again
            status, html = browser.post(f"/step/{step.slug}", data)
        assert status == 200, html[:500]


def send_and_time(url: str, mailbox, receiver, seconds: float = 60) -> tuple[float, float]:
    browser = Browser(url)
    answer_urgently(browser)
    sent_at = time.monotonic()
    status, html = browser.post("/send", {})
    assert status == 200 and "KS-" in html
    (mail,) = mailbox.wait_for(1, seconds)
    (call,) = receiver.wait_for(1, seconds)
    assert call.verified and json.loads(call.body)["kind"] == "sent"
    return mail.at - sent_at, call.at - sent_at


def test_gunicorn_masters_deliverer_sends_an_urgent_patients_alert_once(tmp_path, mailbox, receiver):
    """With the default interval (5 s) and four workers: one deliverer, in the master."""
    env = screening_env(f"sqlite:///{tmp_path / 'gunicorn.sqlite3'}", **settings_for(mailbox, receiver))
    with gunicorn_server(tmp_path, env, workers=4) as server:
        to_email, to_webhook = send_and_time(server.url, mailbox, receiver)
        time.sleep(6)  # one more round: nothing is sent twice
        log = server.log()
    print(f"\ngunicorn -w 4 (master's deliverer, 5 s interval, SQLite): Send -> email {to_email:.2f} s, "
          f"Send -> webhook {to_webhook:.2f} s")
    assert len(mailbox.mails) == 1 and len(receiver.calls) == 1
    assert "Traceback" not in log, log


@contextlib.contextmanager
def flask_run(tmp_path, env: dict[str, str], *options: str):
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "flask", "--app", "screening", "run", "--port", str(port),
                                *options], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                               stderr=open(tmp_path / "flask-run.log", "wb"), start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and process.poll() is None:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
                break
            time.sleep(0.1)
        assert process.poll() is None, (tmp_path / "flask-run.log").read_text()
        yield f"http://127.0.0.1:{port}"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, 15)
        process.wait(timeout=20)


def test_flask_run_delivers_in_the_background(tmp_path, mailbox, receiver):
    env = screening_env(f"sqlite:///{tmp_path / 'run.sqlite3'}", ENV="development",
                        **settings_for(mailbox, receiver))
    with flask_run(tmp_path, env) as url:
        to_email, to_webhook = send_and_time(url, mailbox, receiver)
    print(f"\nflask run (5 s interval, SQLite): Send -> email {to_email:.2f} s, Send -> webhook {to_webhook:.2f} s")
    assert len(mailbox.mails) == 1 and len(receiver.calls) == 1


@pytest.mark.parametrize("reload, debug, run_main, serves", [
    (None, "0", None, True),      # flask run
    (None, "1", None, False),     # flask run --debug: the reloader's watcher
    (None, "1", "true", True),    # ... and the process it serves from
    (True, "0", None, False),     # flask run --reload
    (False, "1", None, True),     # flask run --debug --no-reload
])
def test_only_the_serving_process_runs_a_deliverer(monkeypatch, reload, debug, run_main, serves):
    monkeypatch.setenv("FLASK_DEBUG", debug)
    if run_main:
        monkeypatch.setenv("WERKZEUG_RUN_MAIN", run_main)
    else:
        monkeypatch.delenv("WERKZEUG_RUN_MAIN", raising=False)
    with click.Context(click.Command("run"), info_name="run") as context:
        context.params = {"reload": reload}
        assert _serves_in_this_process() is serves


def test_create_app_for_flask_run_starts_the_deliverer_and_other_commands_do_not(tmp_path, monkeypatch):
    monkeypatch.setenv("FLASK_DEBUG", "0")
    with click.Context(click.Command("run"), info_name="run") as context:
        context.params = {"reload": False}
        app = make_app(alert_config(tmp_path), instance_path=str(tmp_path / "instance"))
    background = app.extensions["screening.alerts"]
    try:
        assert background.thread.is_alive() and background.thread.daemon
    finally:
        background.stop()
    with click.Context(click.Command("purge"), info_name="purge"):
        other = make_app(alert_config(tmp_path), instance_path=str(tmp_path / "instance"))
    assert "screening.alerts" not in other.extensions
