"""Email (smtplib) and the signed webhook (urllib), against real servers on loopback.

Requirement (issue 9, "How it is delivered" and "Bad input"): SMTP with the documented settings; a webhook POSTed
as JSON with X-Screening-Timestamp and X-Screening-Signature (sha256=HMAC-SHA256 of "<timestamp>.<raw body>"),
2xx is success, anything else or a 10 s timeout is retried; a receiver verifies with the documented example,
which refuses replays older than 5 minutes. A misconfigured channel (bad port, wrong password, unreachable host,
a webhook URL that is not http(s)) is a failed send with its reason, and reported by problems().
"""
from __future__ import annotations

import hashlib
import hmac
import json
import socket
import threading
import time
from datetime import datetime, timezone
from types import SimpleNamespace

import pytest

from screening.alerts import channels, message
from tests.alerts.servers import Mailbox, documented_receiver, free_port

WHEN = datetime(2026, 11, 25, 14, 5, 7, tzinfo=timezone.utc)
ALERT = SimpleNamespace(id=7, kind="sent", submission_reference="KS-7KQ2-M9XD", urgent_count=1, created_at=WHEN)
MESSAGE = message.build(ALERT, "https://screening.clinic.test")


# --- configured() and problems() -------------------------------------------------------------------------------

def test_no_settings_no_channel_and_no_problem():
    assert channels.configured({}) == [] and channels.problems({}) == []


def test_email_needs_a_server_and_recipients_the_webhook_an_address():
    assert channels.configured({"MAIL_SERVER": "smtp.clinic.test", "ALERT_EMAILS": ["a@clinic.test"],
                                "ALERT_WEBHOOK_URL": "https://hooks.clinic.test/x"}) == ["email", "webhook"]
    assert channels.configured({"MAIL_SERVER": "smtp.clinic.test"}) == []
    assert channels.configured({"ALERT_EMAILS": ["a@clinic.test"]}) == []


@pytest.mark.parametrize("settings, problem", [
    ({"MAIL_SERVER": "smtp.clinic.test", "ALERT_EMAILS": ["a@clinic.test"]}, "SCREENING_MAIL_FROM is not set"),
    ({"MAIL_SERVER": "smtp.clinic.test", "ALERT_EMAILS": ["a@clinic.test"], "MAIL_FROM": "s@clinic.test",
      "MAIL_PORT": "smtp"}, "SCREENING_MAIL_PORT must be a port number from 1 to 65535, not 'smtp'"),
    ({"MAIL_SERVER": "smtp.clinic.test", "ALERT_EMAILS": ["a@clinic.test"], "MAIL_FROM": "s@clinic.test",
      "MAIL_PORT": 70000}, "SCREENING_MAIL_PORT must be a port number"),
    ({"MAIL_SERVER": "smtp.clinic.test", "ALERT_EMAILS": ["a@clinic.test"], "MAIL_FROM": "s@clinic.test",
      "MAIL_USE_TLS": "maybe"}, "SCREENING_MAIL_USE_TLS must be true or false"),
    ({"MAIL_SERVER": "smtp.clinic.test"}, "SCREENING_ALERT_EMAILS is empty"),
    ({"ALERT_EMAILS": ["a@clinic.test"]}, "SCREENING_MAIL_SERVER is not"),
    ({"ALERT_WEBHOOK_URL": "ftp://hooks.clinic.test/x", "ALERT_WEBHOOK_SECRET": "s"},
     "must be an http:// or https:// address with a host (it starts with 'ftp:')"),
    ({"ALERT_WEBHOOK_URL": "hooks.clinic.test/x", "ALERT_WEBHOOK_SECRET": "s"}, "(it has no scheme)"),
    ({"ALERT_WEBHOOK_URL": "https://hooks.clinic.test/x"}, "SCREENING_ALERT_WEBHOOK_SECRET is not set"),
])
def test_problems_say_what_is_wrong(settings, problem):
    assert any(problem in found for found in channels.problems(settings)), channels.problems(settings)


def test_a_webhook_address_is_never_quoted_in_full():
    """A webhook's path often holds a token: problems and `alerts test` name the scheme and host only."""
    url = "ftp://hooks.clinic.test/T0KEN-secret"
    assert not any("T0KEN" in p for p in channels.problems({"ALERT_WEBHOOK_URL": url}))
    assert channels.describe("webhook", {"ALERT_WEBHOOK_URL": "https://user:pw@hooks.clinic.test/T0KEN"}) == \
        "webhook to https://hooks.clinic.test/..."


# --- email -----------------------------------------------------------------------------------------------------

def test_an_email_reaches_every_recipient_with_the_message(mailbox):
    ok, detail = channels.send("email", channels_config(mailbox), MESSAGE)
    (mail,) = mailbox.wait_for(1)
    assert (ok, detail) == (True, "250 OK")
    assert mail.sender == "screening@clinic.test" and mail.recipients == ["on-call@clinic.test", "nurse@clinic.test"]
    assert mail.message["Subject"] == "Urgent screening alert: KS-7KQ2-M9XD"
    assert mail.message["To"] == "on-call@clinic.test, nurse@clinic.test"
    assert mail.message.get_content().replace("\r\n", "\n") == MESSAGE.text


def channels_config(box: Mailbox, **more) -> dict:
    settings = box.settings()
    return {**settings, "ALERT_EMAILS": settings["ALERT_EMAILS"].split(","), **more}


def test_a_closed_port_is_a_failed_send_with_its_reason():
    config = {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": free_port(), "MAIL_FROM": "s@clinic.test",
              "ALERT_EMAILS": ["a@clinic.test"]}
    ok, detail = channels.send("email", config, MESSAGE)
    assert not ok and detail.startswith("ConnectionRefusedError: [Errno 111]")


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")  # on loopback, for the test
def test_a_wrong_password_is_a_failed_send_with_the_servers_answer():
    box = Mailbox(username="alerts", password="right password").start()
    try:
        wrong = channels.send("email", channels_config(box, MAIL_USERNAME="alerts", MAIL_PASSWORD="wrong"), MESSAGE)
        right = channels.send("email", channels_config(box, MAIL_USERNAME="alerts", MAIL_PASSWORD="right password"),
                              MESSAGE)
    finally:
        box.stop()
    assert wrong == (False, "SMTPAuthenticationError: 535 5.7.8 Authentication credentials invalid")
    assert right == (True, "250 OK") and len(box.mails) == 1


def test_starttls_on_a_server_without_it_fails_rather_than_send_in_clear(mailbox):
    ok, detail = channels.send("email", channels_config(mailbox, MAIL_USE_TLS=True), MESSAGE)
    assert not ok and "STARTTLS extension not supported" in detail and mailbox.mails == []


def test_an_unreachable_host_is_a_failed_send():
    config = {"MAIL_SERVER": "no-such-host.invalid", "MAIL_PORT": 25, "MAIL_FROM": "s@clinic.test",
              "ALERT_EMAILS": ["a@clinic.test"]}
    ok, detail = channels.send("email", config, MESSAGE)
    assert not ok and detail.startswith("gaierror:")


def test_a_port_that_is_not_a_number_is_a_failed_send_not_an_exception():
    config = {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": "smtp", "MAIL_FROM": "s@clinic.test",
              "ALERT_EMAILS": ["a@clinic.test"]}
    assert channels.send("email", config, MESSAGE) == (False, "SCREENING_MAIL_PORT is not a port number")


# --- webhook ---------------------------------------------------------------------------------------------------

def test_the_webhook_posts_the_json_signed_and_the_documented_receiver_verifies_it(receiver):
    ok, detail = channels.send("webhook", receiver.settings(), MESSAGE)
    (call,) = receiver.wait_for(1)
    assert (ok, detail) == (True, "HTTP 204") and call.verified
    assert call.headers["Content-Type"] == "application/json" and json.loads(call.body) == MESSAGE.payload()
    timestamp = call.headers["X-Screening-Timestamp"]
    assert abs(int(timestamp) - time.time()) < 60
    expected = hmac.new(receiver.secret.encode(), f"{timestamp}.".encode() + call.body, hashlib.sha256).hexdigest()
    assert call.headers["X-Screening-Signature"] == f"sha256={expected}"


def signed(secret: str, age_seconds: int, body: bytes = b'{"alert_id":1}') -> tuple[dict, bytes]:
    timestamp = str(int(time.time()) - age_seconds)
    return {"X-Screening-Timestamp": timestamp,
            "X-Screening-Signature": channels.sign(secret, timestamp, body)}, body


def test_the_documented_verifier_refuses_a_replay_older_than_five_minutes():
    verify = documented(b"s3cret")
    assert verify(*signed("s3cret", 10)) and verify(*signed("s3cret", 290))
    assert not verify(*signed("s3cret", 301)) and not verify(*signed("s3cret", 3600))


def test_the_documented_verifier_refuses_a_wrong_secret_a_changed_body_and_no_signature():
    verify = documented(b"s3cret")
    headers, body = signed("s3cret", 0)
    assert not verify(*signed("another", 0))
    assert not verify(headers, body + b" ")
    assert not verify({"X-Screening-Timestamp": headers["X-Screening-Timestamp"]}, body)
    assert not verify({}, body)


def test_the_apps_own_verifier_agrees_with_the_documented_one():
    headers, body = signed("s3cret", 301)
    fresh_headers, fresh_body = signed("s3cret", 5)
    args = lambda h: (h["X-Screening-Timestamp"], h["X-Screening-Signature"])  # noqa: E731
    assert channels.verify("s3cret", *args(fresh_headers), fresh_body)
    assert not channels.verify("s3cret", *args(headers), body)


def documented(secret: bytes):
    namespace = documented_receiver()
    namespace["SECRET"] = secret
    return namespace["verify"]


def test_a_500_is_a_failed_send(receiver):
    receiver.status = 500
    assert channels.send("webhook", receiver.settings(), MESSAGE) == (False, "HTTP 500")


def test_a_wrong_secret_is_refused_by_the_receiver_and_so_a_failed_send(receiver):
    settings = {**receiver.settings(), "ALERT_WEBHOOK_SECRET": "not the receiver's"}
    assert channels.send("webhook", settings, MESSAGE) == (False, "HTTP 401")


def test_a_redirect_is_not_followed():
    from http.server import BaseHTTPRequestHandler, HTTPServer

    class Redirect(BaseHTTPRequestHandler):
        def do_POST(self):
            self.send_response(307)
            self.send_header("Location", "http://127.0.0.1:9/elsewhere")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Redirect)
    thread = threading.Thread(target=server.handle_request, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/"
        assert channels.send("webhook", {"ALERT_WEBHOOK_URL": url, "ALERT_WEBHOOK_SECRET": "s"},
                             MESSAGE) == (False, "HTTP 307")
    finally:
        thread.join(5)
        server.server_close()


def test_a_receiver_that_never_answers_times_out(monkeypatch):
    monkeypatch.setattr(channels, "TIMEOUT", 0.5)
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/"
        ok, detail = channels.send("webhook", {"ALERT_WEBHOOK_URL": url, "ALERT_WEBHOOK_SECRET": "s"}, MESSAGE)
    assert not ok and "timed out" in detail


def test_a_closed_port_and_a_non_http_address_are_failed_sends():
    closed = channels.send("webhook", {"ALERT_WEBHOOK_URL": f"http://127.0.0.1:{free_port()}/x",
                                       "ALERT_WEBHOOK_SECRET": "s"}, MESSAGE)
    ftp = channels.send("webhook", {"ALERT_WEBHOOK_URL": "ftp://127.0.0.1/x"}, MESSAGE)
    assert not closed[0] and closed[1].startswith("ConnectionRefusedError: [Errno 111]")
    assert not ftp[0] and "must be an http:// or https:// address" in ftp[1]


def test_the_timeout_is_ten_seconds():
    assert channels.TIMEOUT == 10


def test_without_a_secret_no_webhook_is_sent_unsigned(receiver):
    ok, detail = channels.send("webhook", {"ALERT_WEBHOOK_URL": receiver.settings()["ALERT_WEBHOOK_URL"]}, MESSAGE)
    assert not ok and "SCREENING_ALERT_WEBHOOK_SECRET is not set" in detail and receiver.calls == []


def test_a_webhook_address_with_spaces_is_refused_without_quoting_it():
    ok, detail = channels.send("webhook", {"ALERT_WEBHOOK_URL": "https://hooks.clinic.test/hook/SECRET TOKEN",
                                           "ALERT_WEBHOOK_SECRET": "s"}, MESSAGE)
    assert not ok and "spaces or control characters" in detail and "SECRET" not in detail


def test_an_email_the_server_accepted_counts_as_sent_however_quit_goes(mailbox, monkeypatch):
    import smtplib

    def grumpy_quit(self):
        raise smtplib.SMTPResponseException(250, b"bye")

    monkeypatch.setattr(smtplib.SMTP, "quit", grumpy_quit)
    ok, detail = channels.send("email", mailbox.settings(), MESSAGE)
    assert ok and detail.startswith("250")
