"""Real servers on loopback for the alert tests: an SMTP server (aiosmtpd's Controller) and a webhook receiver
(http.server in a thread) that checks each call with the verifier printed in docs/alerts.md.

    smtp = Mailbox(); smtp.start() ... smtp.stop(); smtp.start()    the same port again after a restart
    receiver = Receiver(secret); receiver.status = 500              answers 500 until told otherwise
"""
from __future__ import annotations

import re
import socket
import threading
import time
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

ROOT = Path(__file__).resolve().parent.parent.parent


def documented_receiver() -> dict:
    """The receiver example in docs/alerts.md, run as written (its SECRET is replaced by the caller)."""
    text = (ROOT / "docs" / "alerts.md").read_text()
    section = text.split("### Verifying a webhook", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    namespace: dict = {"__name__": "documented_receiver"}
    exec(compile(code, "docs/alerts.md", "exec"), namespace)
    return namespace


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Mail:
    sender: str
    recipients: list[str]
    raw: bytes
    at: float  # time.monotonic() when the server accepted it

    @property
    def message(self):
        return message_from_bytes(self.raw, policy=policy.default)


class _Collect:
    def __init__(self, box: "Mailbox"):
        self.box = box

    async def handle_DATA(self, server, session, envelope):
        with self.box.lock:
            self.box.mails.append(Mail(envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content
                                       or envelope.content, time.monotonic()))
        return "250 OK"


class Mailbox:
    """An SMTP server on 127.0.0.1 keeping what it receives; with `password`, it requires AUTH (no TLS)."""

    def __init__(self, username: str | None = None, password: str | None = None):
        self.port = free_port()
        self.mails: list[Mail] = []
        self.lock = threading.Lock()
        self.username, self.password = username, password
        self.controller: Controller | None = None

    def _authenticate(self, server, session, envelope, mechanism, auth_data):
        ok = (auth_data.login.decode(), auth_data.password.decode()) == (self.username, self.password)
        return AuthResult(success=ok, handled=False)

    def start(self) -> "Mailbox":
        options = {}
        if self.password is not None:
            options = {"authenticator": self._authenticate, "auth_required": True, "auth_require_tls": False}
        self.controller = Controller(_Collect(self), hostname="127.0.0.1", port=self.port, **options)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def settings(self) -> dict:
        return {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": self.port, "MAIL_FROM": "screening@clinic.test",
                "ALERT_EMAILS": "on-call@clinic.test,nurse@clinic.test"}

    def wait_for(self, count: int, seconds: float = 20) -> list[Mail]:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and len(self.mails) < count:
            time.sleep(0.02)
        return list(self.mails)


@dataclass
class Call:
    headers: dict
    body: bytes
    verified: bool
    answered: int
    at: float


@dataclass
class Receiver:
    """A webhook receiver on 127.0.0.1: checks every call with docs/alerts.md's `verify`, answers `status`
    (401 when the check fails) and keeps every call."""
    secret: str = "a-long-random-test-secret"
    status: int = 204
    calls: list[Call] = field(default_factory=list)

    def __post_init__(self):
        namespace = documented_receiver()
        namespace["SECRET"] = self.secret.encode()
        self.verify = namespace["verify"]
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                verified = receiver.verify(self.headers, body)
                answered = receiver.status if verified else 401
                receiver.calls.append(Call(dict(self.headers), body, verified, answered, time.monotonic()))
                self.send_response(answered)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks/screening"

    def settings(self) -> dict:
        return {"ALERT_WEBHOOK_URL": self.url, "ALERT_WEBHOOK_SECRET": self.secret}

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def wait_for(self, count: int, seconds: float = 20) -> list[Call]:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and len(self.calls) < count:
            time.sleep(0.02)
        return list(self.calls)
