"""`flask --app screening alerts test` and `alerts deliver`, and the alert settings.

Requirement (issue 9): `alerts test` sends a test alert through every configured channel and prints what each
answered; a misconfigured channel (bad port, wrong password, unreachable host, a webhook URL that is not http(s))
is reported by it; `alerts deliver --once` sends what is due and exits; a malformed SCREENING_ALERT_EMAILS stops
the start with one line naming the bad address, and nothing else about a channel stops a start.
"""
from __future__ import annotations

import pytest
from sqlalchemy import select

from screening import create_app
from screening.records import database
from screening.records.models import Alert, Delivery
from screening.settings import ConfigError
from tests.alerts.conftest import URGENT, alert_config
from tests.alerts.servers import Mailbox, free_port
from tests.conftest import Patient, make_app


def app_with(tmp_path, **settings):
    return make_app(alert_config(tmp_path, **settings), instance_path=str(tmp_path / "instance"))


def run(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


# --- alerts test -----------------------------------------------------------------------------------------------

def test_alerts_test_with_working_channels_prints_each_answer_and_exits_0(tmp_path, mailbox, receiver):
    app = app_with(tmp_path, **mailbox.settings(), **receiver.settings())
    result = run(app, "alerts", "test")
    print(result.output)
    lines = result.output.splitlines()
    assert result.exit_code == 0, result.output
    assert lines[0].startswith(f"email to on-call@clinic.test, nurse@clinic.test through 127.0.0.1:{mailbox.port}: "
                               "OK - 250 OK (")
    assert lines[1].startswith(f"webhook to http://127.0.0.1:{receiver.server.server_address[1]}/...: OK - HTTP 204 (")
    assert lines[2].startswith("Test alert ") and lines[2].endswith(": 2 of 2 channel(s) answered OK.")
    (mail,) = mailbox.wait_for(1)
    (call,) = receiver.wait_for(1)
    assert mail.message["Subject"].startswith("Screening alert test (alert ") and call.verified
    with app.app_context():
        (alert,) = database.session().scalars(select(Alert)).all()
        assert alert.kind == "test" and {(d.status, d.attempts) for d in alert.deliveries} == {("delivered", 1)}


def test_alerts_test_is_recorded_in_the_audit_trail(tmp_path, mailbox):
    from tests.conftest import audit_events

    app = app_with(tmp_path, **mailbox.settings())
    run(app, "alerts", "test")
    (event,) = audit_events(app, "alerts_test")
    assert event.source_ip == "cli" and event.detail.endswith(": 1 of 1 channel(s) OK")


def test_alerts_test_with_a_closed_port_and_a_receiver_answering_500_exits_1(tmp_path, receiver):
    receiver.status = 500
    app = app_with(tmp_path, MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_FROM="s@clinic.test",
                   ALERT_EMAILS="on-call@clinic.test", **receiver.settings())
    result = run(app, "alerts", "test")
    print(result.output)
    assert result.exit_code == 1
    assert ": FAILED - ConnectionRefusedError: [Errno 111] Connection refused (" in result.output
    assert ": FAILED - HTTP 500 (" in result.output and ": 0 of 2 channel(s) answered OK." in result.output
    with app.app_context():
        # A test alert is not retried: its failed deliveries are given up at once.
        assert {d.status for d in database.session().scalars(select(Delivery))} == {"failed"}
    assert "0 delivered, 0 failed" in run(app, "alerts", "deliver", "--once").output


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_alerts_test_reports_a_wrong_password(tmp_path):
    box = Mailbox(username="alerts", password="right").start()
    try:
        app = app_with(tmp_path, **box.settings(), MAIL_USERNAME="alerts", MAIL_PASSWORD="wrong")
        result = run(app, "alerts", "test")
    finally:
        box.stop()
    assert result.exit_code == 1
    assert "FAILED - SMTPAuthenticationError: 535 5.7.8 Authentication credentials invalid" in result.output
    assert "SCREENING_MAIL_USERNAME is set without SCREENING_MAIL_USE_TLS" in result.output


def test_alerts_test_lists_the_problems_of_a_broken_configuration(tmp_path):
    app = app_with(tmp_path, MAIL_SERVER="no-such-host.invalid", MAIL_PORT="smtp", ALERT_EMAILS="a@clinic.test",
                   ALERT_WEBHOOK_URL="ftp://hooks.clinic.test/T0KEN")
    result = run(app, "alerts", "test")
    print(result.output)
    assert result.exit_code == 1 and result.output.startswith("Problems with the alert settings:\n")
    for problem in ("SCREENING_MAIL_FROM is not set", "SCREENING_MAIL_PORT must be a port number from 1 to 65535, "
                    "not 'smtp'", "SCREENING_ALERT_WEBHOOK_URL must be an http:// or https:// address",
                    "SCREENING_ALERT_WEBHOOK_SECRET is not set"):
        assert problem in result.output
    assert "webhook to ftp://hooks.clinic.test/...: FAILED" in result.output and "T0KEN" not in result.output


def test_alerts_test_with_no_channel_says_what_to_set_and_exits_1(tmp_path):
    result = run(app_with(tmp_path), "alerts", "test")
    assert result.exit_code == 1 and "No alert channel is configured" in result.output


# --- alerts deliver --------------------------------------------------------------------------------------------

def test_deliver_once_sends_what_is_due_and_says_so(tmp_path, mailbox, receiver):
    app = app_with(tmp_path, **mailbox.settings(), **receiver.settings())
    patient = Patient(app.test_client())
    patient.complete(URGENT)
    patient.send()
    result = run(app, "alerts", "deliver", "--once")
    assert result.exit_code == 0, result.output
    assert "by email: delivered - 250 OK" in result.output and "by webhook: delivered - HTTP 204" in result.output
    assert "2 delivered, 0 failed" in result.output and "0 delivery(ies) still due" in result.output
    assert len(mailbox.wait_for(1)) == 1 and len(receiver.wait_for(1)) == 1


@pytest.mark.parametrize("interval", ["0", "-1", "fast", "4000"])
def test_deliver_refuses_an_interval_that_is_not_a_number_of_seconds(tmp_path, interval):
    result = run(app_with(tmp_path), "alerts", "deliver", "--interval", interval)
    assert result.exit_code == 2 and "takes a number of seconds from 0.1 to 3600" in result.output


# --- settings --------------------------------------------------------------------------------------------------

def test_a_malformed_alert_email_stops_the_start_with_one_line_naming_it(tmp_path, monkeypatch):
    monkeypatch.setenv("SCREENING_ALERT_EMAILS", "on-call@clinic.test, nurse(at)clinic.test")
    with pytest.raises(ConfigError) as stopped:
        create_app({"TESTING": True, "SECRET_KEY": "k", "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}"},
                   instance_path=str(tmp_path / "i"))
    line = str(stopped.value.code)
    assert "\n" not in line and "SCREENING_ALERT_EMAILS" in line and "'nurse(at)clinic.test'" in line
    assert "on-call@clinic.test" not in line


@pytest.mark.parametrize("typed", ["nobody", "a@b", "two@@clinic.test", "a b@clinic.test", "<a@clinic.test>"])
def test_these_are_not_addresses(tmp_path, typed):
    with pytest.raises(ConfigError, match="SCREENING_ALERT_EMAILS holds"):
        app_with(tmp_path, ALERT_EMAILS=f"ok@clinic.test,{typed}")


def test_alert_emails_are_read_into_a_list(tmp_path):
    app = app_with(tmp_path, ALERT_EMAILS=" on-call@clinic.test ,nurse@clinic.test,, on-call@clinic.test")
    assert app.config["ALERT_EMAILS"] == ["on-call@clinic.test", "nurse@clinic.test"]


def test_the_defaults(tmp_path):
    config = app_with(tmp_path).config
    assert (config["MAIL_PORT"], config["MAIL_USE_TLS"], config["ALERT_EMAILS"], config["ALERT_UNSENT_MINUTES"],
            config["ALERT_DELIVER_SECONDS"]) == (25, False, [], 60, 5)


def test_a_wrong_channel_setting_never_stops_the_start(tmp_path, monkeypatch):
    for name, value in {"MAIL_SERVER": "no-such-host.invalid", "MAIL_PORT": "smtp", "MAIL_USE_TLS": "maybe",
                        "ALERT_EMAILS": "a@clinic.test", "ALERT_WEBHOOK_URL": "ftp://x",
                        "MAIL_PASSWORD": "1e5"}.items():
        monkeypatch.setenv(f"SCREENING_{name}", value)
    app = create_app({"TESTING": True, "SECRET_KEY": "k", "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}"},
                     instance_path=str(tmp_path / "i"), upgrade=True)
    assert app.config["MAIL_PORT"] == "smtp" and app.config["MAIL_USE_TLS"] == "maybe"
    assert app.config["MAIL_PASSWORD"] == "1e5"  # as typed, not read as the number 100000.0


@pytest.mark.parametrize("name, value", [("ALERT_UNSENT_MINUTES", "-1"), ("ALERT_UNSENT_MINUTES", "an hour"),
                                         ("ALERT_DELIVER_SECONDS", "0")])
def test_the_alert_numbers_must_be_whole_numbers(tmp_path, name, value):
    with pytest.raises(ConfigError, match=f"SCREENING_{name} must be a whole number"):
        app_with(tmp_path, **{name: value})


def test_environment_settings_are_read(tmp_path, monkeypatch):
    monkeypatch.setenv("SCREENING_MAIL_PORT", "587")
    monkeypatch.setenv("SCREENING_MAIL_USE_TLS", "true")
    monkeypatch.setenv("SCREENING_ALERT_UNSENT_MINUTES", "0")
    monkeypatch.setenv("SCREENING_ALERT_EMAILS", "on-call@clinic.test")
    app = create_app({"TESTING": True, "SECRET_KEY": "k", "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}"},
                     instance_path=str(tmp_path / "i"), upgrade=True)
    assert (app.config["MAIL_PORT"], app.config["MAIL_USE_TLS"], app.config["ALERT_UNSENT_MINUTES"],
            app.config["ALERT_EMAILS"]) == (587, True, 0, ["on-call@clinic.test"])
