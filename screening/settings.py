"""Configuration: defaults, then SCREENING_* environment variables, then a test's own values."""
from __future__ import annotations

import os
import re
import secrets
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from screening.extensions import REFRESH_AFTER
from screening.records.drafts import EXPIRY_STEP
from screening.typed import whole_number

_PACKAGE = Path(__file__).resolve().parent
_CHECKOUT = _PACKAGE.parent
# templates/ and rules.yaml are kept at the repository root, where staff edit them: a checkout (an editable
# install runs from one) uses those. An installed wheel has no root; its build copied them into the package.
_DATA = _CHECKOUT if (_CHECKOUT / "pyproject.toml").is_file() else _PACKAGE
TEMPLATES_DIR = _DATA / "templates"
DEFAULT_RULES_PATH = _DATA / "rules.yaml"

DEFAULTS = {
    "ENV": "development",
    "RULES_PATH": str(DEFAULT_RULES_PATH),
    "DRAFT_DAYS": 30,
    # Named on the start page, so patients know who will see their answers.
    "CLINIC_NAME": "your clinic",
    # How long sent answers are kept: told to patients on the start page, and what `purge` deletes after
    # when run without --older-than. Seven years, a common US medical-records retention period.
    "RETENTION_DAYS": 7 * 365,
    # Rules edits are noticed within this many seconds; the file is not re-read on every request.
    "RULES_RECHECK_SECONDS": 2.0,
    "MAX_CONTENT_LENGTH": 64 * 1024,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    # The cookie outlasts the draft it opens (see PERMANENT_SESSION_LIFETIME below): a save signs it again at most
    # hourly (screening.extensions), a page the patient only reads never does.
    "SESSION_REFRESH_EACH_REQUEST": False,
    "WTF_CSRF_TIME_LIMIT": 4 * 3600,
    "RESUME_ATTEMPTS_PER_HOUR": 20,
    "STAFF_IDLE_MINUTES": 30,
    "STAFF_MAX_FAILED": 5,
    "STAFF_LOCK_MINUTES": 15,
    # Failed sign-ins from one address within STAFF_LOCK_MINUTES, whatever the emails tried.
    "STAFF_IP_MAX_FAILED": 20,
    # Base of the canonical URLs in FHIR exports (the Questionnaire, its answer code systems).
    "FHIR_BASE": "https://example.org/fhir",
    # Reverse proxies in front of the app that set X-Forwarded-For/-Proto/-Host; 0 trusts no such header.
    "PROXY_COUNT": 0,
    # The site's address as patients reach it (https://screening.example-clinic.com): invitation links are
    # built on it. Unset, the staff page uses the address it was opened at, and the command line refuses.
    "BASE_URL": "",
    # How long a clinic's invitation link works, unless the one sending it says otherwise.
    "INVITATION_DAYS": 14,
    # False: only patients with a clinic's personal link can begin; the start page says so.
    "OPEN_INTAKE": True,
    # Alerts to the clinic about urgent answers (docs/alerts.md). Email goes out when MAIL_SERVER and
    # ALERT_EMAILS are set, the webhook when ALERT_WEBHOOK_URL is. A channel set wrong (a bad port, a wrong
    # password, an unreachable host) is reported by `alerts test` and retried, and never stops a start or a Send;
    # only a malformed ALERT_EMAILS stops the start.
    "MAIL_SERVER": "",
    "MAIL_PORT": 25,
    "MAIL_USERNAME": "",
    "MAIL_PASSWORD": "",
    # STARTTLS after connecting.
    "MAIL_USE_TLS": False,
    "MAIL_FROM": "",
    # Who is emailed, comma-separated; read into a list.
    "ALERT_EMAILS": "",
    "ALERT_WEBHOOK_URL": "",
    "ALERT_WEBHOOK_SECRET": "",
    # A draft holding an urgent answer and not sent within this many minutes alerts the clinic; 0 turns it off.
    "ALERT_UNSENT_MINUTES": 60,
    # How often the deliverer looks for alerts to send, in seconds.
    "ALERT_DELIVER_SECONDS": 5,
}

# Kept exactly as typed: Flask's from_prefixed_env reads a value as JSON first, so a password of 12345 would
# become a number and one of 1e5 the number 100000.0.
_VERBATIM = ("MAIL_SERVER", "MAIL_USERNAME", "MAIL_PASSWORD", "MAIL_FROM", "ALERT_EMAILS", "ALERT_WEBHOOK_URL",
             "ALERT_WEBHOOK_SECRET")


class ConfigError(SystemExit):
    """A start that cannot go on; its one line says what to set."""


def configure(app: Flask, test_config: dict | None) -> None:
    app.config.from_mapping(DEFAULTS)
    app.config.from_prefixed_env("SCREENING")
    for name in _VERBATIM:
        if f"SCREENING_{name}" in os.environ:
            app.config[name] = os.environ[f"SCREENING_{name}"]
    if test_config:
        app.config.update(test_config)
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.setdefault("DATABASE_URL", f"sqlite:///{Path(app.instance_path) / 'screening.sqlite3'}")
    # Flask's own default is False, so "not set" must be looked for where it is set, not in app.config.
    chosen = "SESSION_COOKIE_SECURE" in (test_config or {}) or "SCREENING_SESSION_COOKIE_SECURE" in os.environ
    app.config["SESSION_COOKIE_SECURE"] = (_flag(app.config["SESSION_COOKIE_SECURE"]) if chosen
                                           else app.config["ENV"] != "development")
    # The draft's days, the hour a cookie may go without being signed again (screening.extensions) and the hour
    # a draft may outlast its days (drafts.EXPIRY_STEP): the cookie never ends before the draft it opens.
    app.config["PERMANENT_SESSION_LIFETIME"] = (int(app.config["DRAFT_DAYS"]) * 24 * 3600 + REFRESH_AFTER
                                                + int(EXPIRY_STEP.total_seconds()))
    app.config["RETENTION_DAYS"] = _days(app.config["RETENTION_DAYS"], "SCREENING_RETENTION_DAYS")
    app.config["INVITATION_DAYS"] = _days(app.config["INVITATION_DAYS"], "SCREENING_INVITATION_DAYS")
    app.config["OPEN_INTAKE"] = _switch(app.config["OPEN_INTAKE"], "SCREENING_OPEN_INTAKE")
    app.config["BASE_URL"] = _base_url(app.config["BASE_URL"])
    configure_alerts(app.config)


def configure_alerts(config: dict) -> None:
    """The alert settings, read: ALERT_EMAILS as a list (a malformed address stops the start, naming it), the
    two numbers checked. The channel settings are kept as given when wrong (a port that is not a number, say):
    `alerts test` and the alerts page report them (screening.alerts.channels.problems), and the deliverer
    retries, so a channel set wrong never stops a patient's Send."""
    config["ALERT_EMAILS"] = alert_emails(config.get("ALERT_EMAILS"))
    for name in ("MAIL_SERVER", "MAIL_USERNAME", "MAIL_PASSWORD", "MAIL_FROM", "ALERT_WEBHOOK_URL",
                 "ALERT_WEBHOOK_SECRET"):
        value = config.get(name)
        config[name] = "" if value is None else str(value).strip() if name != "MAIL_PASSWORD" else str(value)
    port = config.get("MAIL_PORT")
    number = whole_number(port.strip()) if isinstance(port, str) else port
    if not isinstance(number, bool) and isinstance(number, int) and 1 <= number <= 65535:
        config["MAIL_PORT"] = number
    tls = config.get("MAIL_USE_TLS")
    if isinstance(tls, str) and tls.strip().lower() in _ON + _OFF:
        config["MAIL_USE_TLS"] = tls.strip().lower() in _ON
    elif tls in (0, 1, None):
        config["MAIL_USE_TLS"] = bool(tls)
    config["ALERT_UNSENT_MINUTES"] = _count(config.get("ALERT_UNSENT_MINUTES"), "SCREENING_ALERT_UNSENT_MINUTES",
                                            "a whole number of minutes, 0 (off) or more", 0)
    config["ALERT_DELIVER_SECONDS"] = _count(config.get("ALERT_DELIVER_SECONDS"), "SCREENING_ALERT_DELIVER_SECONDS",
                                             "a whole number of seconds, 1 or more", 1)


def _count(value: object, name: str, what: str, least: int) -> int:
    number = whole_number(value.strip()) if isinstance(value, str) else value
    if isinstance(number, bool) or not isinstance(number, int) or number < least:
        raise ConfigError(f"screening: {name} must be {what}, not {value!r}")
    return number


# An address as a mail server takes it: something@domain.tld, no spaces, brackets, commas or quotes.
_ADDRESS = re.compile(r"[^@\s<>()\[\],;:\"\\]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
                      r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+")


def is_address(text: str) -> bool:
    return _ADDRESS.fullmatch(text) is not None


def alert_emails(value: object) -> list[str]:
    """SCREENING_ALERT_EMAILS as a list. A malformed address stops the start with one line naming it: alerts
    about patients in danger must not go nowhere because of a typo nobody saw."""
    if value in (None, ""):
        return []
    items = value.split(",") if isinstance(value, str) else list(value) if isinstance(value, (list, tuple)) else None
    if items is None:
        raise ConfigError(f"screening: SCREENING_ALERT_EMAILS must be email addresses separated by commas, "
                          f"not {value!r}")
    addresses = []
    for item in items:
        address = item.strip() if isinstance(item, str) else item
        if address == "":
            continue
        if not isinstance(address, str) or not is_address(address):
            raise ConfigError(f"screening: SCREENING_ALERT_EMAILS holds {address!r}, which is not an email "
                              f"address; give addresses separated by commas, like "
                              f"alerts@clinic.example,nurse@clinic.example")
        if address not in addresses:
            addresses.append(address)
    return addresses


def _days(value: object, name: str) -> int:
    number = whole_number(value.strip()) if isinstance(value, str) else value
    if isinstance(number, bool) or not isinstance(number, int) or number < 1:
        raise ConfigError(f"screening: {name} must be a whole number of days, 1 or more, not {value!r}")
    return number


def _flag(value: object) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on")
    return bool(value)


_ON, _OFF = ("1", "true", "yes", "on"), ("0", "false", "no", "off")


def _switch(value: object, name: str) -> bool:
    """A yes or no that must be one: a typo in a setting that closes the questionnaire to the public stops
    the start rather than being read as "no"."""
    if isinstance(value, bool) or value in (0, 1):
        return bool(value)
    typed = value.strip().lower() if isinstance(value, str) else None
    if typed not in _ON + _OFF:
        raise ConfigError(f"screening: {name} must be true or false, not {value!r}")
    return typed in _ON


def _base_url(value: object) -> str:
    """The site's address without a trailing slash, or "" when unset; an address links cannot be built on
    stops the start, since every link sent would be broken."""
    typed = value.strip() if isinstance(value, str) else value
    if typed in ("", None):
        return ""
    if not isinstance(typed, str) or not typed.startswith(("https://", "http://")) or any(
            ch.isspace() or ch in "?#" for ch in typed) or not typed.partition("://")[2].strip("/"):
        raise ConfigError(f"screening: SCREENING_BASE_URL must be the site's address, like "
                          f"https://screening.example-clinic.com, not {value!r}")
    return typed.rstrip("/")


def trust_proxies(app: Flask) -> None:
    """Behind PROXY_COUNT proxies, read the client's address and scheme from their headers (ProxyFix), so
    per-address limits and the audit trail see real addresses, not the proxy's."""
    typed = app.config["PROXY_COUNT"]
    count = whole_number(typed.strip()) if isinstance(typed, str) else typed
    if isinstance(count, bool) or not isinstance(count, int) or count < 0:
        raise ConfigError(f"screening: SCREENING_PROXY_COUNT must be a whole number, 0 or more, not {typed!r}")
    if count:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)


def ensure_secret_key(app: Flask) -> None:
    if app.config.get("SECRET_KEY"):
        return
    if app.config["ENV"] != "development":
        raise ConfigError("screening: SCREENING_SECRET_KEY is not set; set it to a long random value "
                          "(python -c 'import secrets; print(secrets.token_hex(32))') before starting")
    # In development a key is made once and kept, so sessions and resume survive a restart.
    key_file = Path(app.instance_path) / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    app.config["SECRET_KEY"] = key_file.read_text().strip()
