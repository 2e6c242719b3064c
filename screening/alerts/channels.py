"""The two ways an alert leaves: email over SMTP (the standard library's smtplib) and a signed webhook (urllib).

Each send returns (ok, detail). The detail is what the server answered ("250 OK", "HTTP 500") or the error's
type and message ("ConnectionRefusedError: [Errno 111] Connection refused"): it is kept with the attempt and
shown to staff, and never holds patient data (the message holds none, and no address or secret is put in it).

    configured(config) -> ["email", "webhook"]   the channels whose settings are present
    problems(config)   -> ["...", ...]            settings that will not work, in words, for `alerts test` and
                                                  the staff alerts page
"""
from __future__ import annotations

import hashlib
import hmac
import smtplib
import ssl
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from urllib.parse import urlsplit

from screening.alerts.message import Message
from screening.records.outbox import DETAIL_LENGTH

EMAIL, WEBHOOK = "email", "webhook"
CHANNELS = (EMAIL, WEBHOOK)
TIMEOUT = 10
TIMESTAMP_HEADER, SIGNATURE_HEADER = "X-Screening-Timestamp", "X-Screening-Signature"


def configured(config: Mapping) -> list[str]:
    """The channels an alert goes through: email when MAIL_SERVER and ALERT_EMAILS are set, the webhook when
    ALERT_WEBHOOK_URL is. A channel set but set wrong is still configured (its sends fail and are retried, and
    `problems` says why), so fixing the setting delivers what waited."""
    names = []
    if _text(config, "MAIL_SERVER") and _recipients(config):
        names.append(EMAIL)
    if _text(config, "ALERT_WEBHOOK_URL"):
        names.append(WEBHOOK)
    return names


def problems(config: Mapping) -> list[str]:
    """What is wrong with the alert settings, one sentence each; [] when nothing is."""
    found = []
    server, recipients = _text(config, "MAIL_SERVER"), _recipients(config)
    if server and not recipients:
        found.append("SCREENING_MAIL_SERVER is set but SCREENING_ALERT_EMAILS is empty: no email is sent.")
    if recipients and not server:
        found.append("SCREENING_ALERT_EMAILS is set but SCREENING_MAIL_SERVER is not: no email is sent.")
    if server or recipients:
        if not _text(config, "MAIL_FROM"):
            found.append("SCREENING_MAIL_FROM is not set: email alerts need a sender address.")
        elif "@" not in _text(config, "MAIL_FROM"):
            found.append("SCREENING_MAIL_FROM is not an email address.")
        if _port(config) is None:
            found.append(f"SCREENING_MAIL_PORT must be a port number from 1 to 65535, not {config.get('MAIL_PORT')!r}.")
        if _use_tls(config) is None:
            found.append(f"SCREENING_MAIL_USE_TLS must be true or false, not {config.get('MAIL_USE_TLS')!r}.")
        if _text(config, "MAIL_USERNAME") and not config.get("MAIL_PASSWORD"):
            found.append("SCREENING_MAIL_USERNAME is set but SCREENING_MAIL_PASSWORD is not.")
        if config.get("MAIL_PASSWORD") and not _text(config, "MAIL_USERNAME"):
            found.append("SCREENING_MAIL_PASSWORD is set but SCREENING_MAIL_USERNAME is not: it is not used.")
        if _text(config, "MAIL_USERNAME") and _use_tls(config) is False:
            found.append("SCREENING_MAIL_USERNAME is set without SCREENING_MAIL_USE_TLS: the password would cross "
                         "the network unencrypted, unless the server is on this machine.")
    url = _text(config, "ALERT_WEBHOOK_URL")
    if url:
        problem = _url_problem(url)
        if problem:
            found.append(problem)
        if not _text(config, "ALERT_WEBHOOK_SECRET"):
            found.append("SCREENING_ALERT_WEBHOOK_SECRET is not set, so no webhook is sent: unsigned, the receiver "
                         "could not tell the alerts are the clinic's. Set a long random value and give it to the "
                         "receiver.")
    elif _text(config, "ALERT_WEBHOOK_SECRET"):
        found.append("SCREENING_ALERT_WEBHOOK_SECRET is set but SCREENING_ALERT_WEBHOOK_URL is not: no webhook "
                     "is sent.")
    return found


def describe(channel: str, config: Mapping) -> str:
    """Where a channel sends, for `alerts test`: the mail server and recipients, or the webhook's scheme and
    host only (a webhook's path often holds a token)."""
    if channel == EMAIL:
        return (f"email to {', '.join(_recipients(config))} through "
                f"{_text(config, 'MAIL_SERVER')}:{config.get('MAIL_PORT')}")
    parts = urlsplit(_text(config, "ALERT_WEBHOOK_URL"))
    return f"webhook to {parts.scheme}://{parts.netloc.rpartition('@')[2]}/..." if parts.netloc else "webhook"


def send(channel: str, config: Mapping, message: Message) -> tuple[bool, str]:
    """Send through one channel; never raises."""
    try:
        if channel not in configured(config):
            return False, f"the {channel} channel is not configured now"
        return (send_email if channel == EMAIL else send_webhook)(config, message)
    except Exception as error:  # whatever goes wrong is one failed attempt, retried later
        return False, error_detail(error)


def error_detail(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:DETAIL_LENGTH]


# --- email -------------------------------------------------------------------------------------------------

class _SMTP(smtplib.SMTP):
    """smtplib's client, keeping the server's answer to the message (send_message does not return it)."""
    data_reply: tuple[int, bytes] | None = None

    def data(self, msg):
        self.data_reply = super().data(msg)
        return self.data_reply


def email_message(config: Mapping, message: Message) -> EmailMessage:
    mail = EmailMessage()
    mail["Subject"] = message.subject
    mail["From"] = _text(config, "MAIL_FROM")
    mail["To"] = ", ".join(_recipients(config))
    mail["Date"] = formatdate(usegmt=True)
    sender_domain = _text(config, "MAIL_FROM").rpartition("@")[2] or None
    mail["Message-ID"] = make_msgid("screening-alert", domain=sender_domain)
    # Plain 7-bit text when it can be (every line is short ASCII), so a mail client shows it as written.
    plain = message.text.isascii() and max(map(len, message.text.splitlines())) < 990
    mail.set_content(message.text, cte="7bit") if plain else mail.set_content(message.text)
    return mail


def send_email(config: Mapping, message: Message) -> tuple[bool, str]:
    port, use_tls = _port(config), _use_tls(config)
    if port is None:
        return False, "SCREENING_MAIL_PORT is not a port number"
    if use_tls is None:
        return False, "SCREENING_MAIL_USE_TLS is not true or false"
    if not _text(config, "MAIL_FROM"):
        return False, "SCREENING_MAIL_FROM is not set"
    smtp = None
    try:
        smtp = _SMTP(_text(config, "MAIL_SERVER"), port, timeout=TIMEOUT)
        smtp.ehlo_or_helo_if_needed()
        if use_tls:
            smtp.starttls(context=ssl.create_default_context())
            smtp.ehlo()
        if _text(config, "MAIL_USERNAME"):
            smtp.login(_text(config, "MAIL_USERNAME"), str(config.get("MAIL_PASSWORD") or ""))
        refused = smtp.send_message(email_message(config, message))
        code, reply = smtp.data_reply or (250, b"")
        # Accepted once DATA was answered 2xx: how QUIT goes afterwards must not make it a failure, retried and
        # sent again (smtplib's `with` raises when QUIT is not answered 221).
        _quit_quietly(smtp)
    except smtplib.SMTPRecipientsRefused as error:
        _quit_quietly(smtp)
        codes = sorted({str(code) for code, _ in error.recipients.values()})
        return False, f"SMTPRecipientsRefused: every recipient refused ({', '.join(codes)})"
    except smtplib.SMTPResponseException as error:
        _quit_quietly(smtp)
        return False, f"{type(error).__name__}: {error.smtp_code} {_decode(error.smtp_error)}"[:DETAIL_LENGTH]
    except (smtplib.SMTPException, OSError) as error:
        _quit_quietly(smtp)
        return False, error_detail(error)
    detail = f"{code} {_decode(reply)}".strip()
    if refused:
        detail += f"; {len(refused)} of {len(_recipients(config))} recipient(s) refused"
    return True, detail[:DETAIL_LENGTH]


def _quit_quietly(smtp) -> None:
    if smtp is None:
        return
    try:
        smtp.quit()
    except (smtplib.SMTPException, OSError):
        smtp.close()


# --- webhook -----------------------------------------------------------------------------------------------

def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The X-Screening-Signature value: sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>">."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def verify(secret: str, timestamp: str | None, signature: str | None, body: bytes, *,
           now: float | None = None, tolerance: int = 300) -> bool:
    """What a receiver does (docs/alerts.md has it as a ten-line example): the signature matches, compared in
    constant time, and the timestamp is within `tolerance` seconds of now, so a replayed call is refused."""
    if not timestamp or not signature or not timestamp.isdigit():
        return False
    if abs((time.time() if now is None else now) - int(timestamp)) > tolerance:
        return False
    return hmac.compare_digest(sign(secret, timestamp, body), signature)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer that is not 2xx: reported and retried, never followed (a POST would become a GET
    without its body, or be sent somewhere not configured)."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_OPENER = urllib.request.build_opener(_NoRedirects)


def send_webhook(config: Mapping, message: Message, *, now: float | None = None) -> tuple[bool, str]:
    url = _text(config, "ALERT_WEBHOOK_URL")
    problem = _url_problem(url)
    if problem:
        return False, problem
    body = message.json_bytes()
    timestamp = str(int(time.time() if now is None else now))
    headers = {"Content-Type": "application/json", "User-Agent": "screening-alerts/1", TIMESTAMP_HEADER: timestamp}
    secret = _text(config, "ALERT_WEBHOOK_SECRET")
    if not secret:
        return False, "SCREENING_ALERT_WEBHOOK_SECRET is not set: an unsigned alert is never sent"
    headers[SIGNATURE_HEADER] = sign(secret, timestamp, body)
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with _OPENER.open(request, timeout=TIMEOUT) as response:
            status = response.status
    except urllib.error.HTTPError as error:
        error.close()
        return False, f"HTTP {error.code}"
    except urllib.error.URLError as error:
        reason = error.reason
        return False, error_detail(reason) if isinstance(reason, BaseException) else f"URLError: {reason}"[:500]
    except OSError as error:  # a timeout while reading the answer, a connection reset
        return False, error_detail(error)
    return (200 <= status < 300), f"HTTP {status}"


# --- settings, read leniently: a wrong one is a problem to report, never an exception ------------------------

def _text(config: Mapping, name: str) -> str:
    value = config.get(name)
    return value.strip() if isinstance(value, str) else "" if value is None else str(value).strip()


def _recipients(config: Mapping) -> list[str]:
    value = config.get("ALERT_EMAILS") or []
    items = value.split(",") if isinstance(value, str) else value
    return [item.strip() for item in items if isinstance(item, str) and item.strip()]


def _port(config: Mapping) -> int | None:
    value = config.get("MAIL_PORT")
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    return value if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 65535 else None


def _use_tls(config: Mapping) -> bool | None:
    value = config.get("MAIL_USE_TLS")
    if isinstance(value, bool) or value is None:
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in ("1", "true", "yes", "on", "0", "false", "no", "off", ""):
        return value.strip().lower() in ("1", "true", "yes", "on")
    return None


def _url_problem(url: str) -> str | None:
    if any(ch.isspace() or not ch.isprintable() for ch in url):
        # Said without the address: a webhook's path often holds a token.
        return "SCREENING_ALERT_WEBHOOK_URL has spaces or control characters in it; no webhook can be sent."
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        scheme = f"it starts with {parts.scheme + ':'!r}" if parts.scheme else "it has no scheme"
        return (f"SCREENING_ALERT_WEBHOOK_URL must be an http:// or https:// address with a host ({scheme}); "
                "no webhook can be sent.")
    try:
        parts.port
    except ValueError:
        return "SCREENING_ALERT_WEBHOOK_URL has a port that is not a number from 0 to 65535."
    return None


def _decode(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
