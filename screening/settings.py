"""Configuration: defaults, then SCREENING_* environment variables, then a test's own values."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import Flask

PROJECT_ROOT = Path(__file__).resolve().parent.parent

DEFAULTS = {
    "ENV": "development",
    "RULES_PATH": str(PROJECT_ROOT / "rules.yaml"),
    "DRAFT_DAYS": 30,
    # Rules edits are noticed within this many seconds; the file is not re-read on every request.
    "RULES_RECHECK_SECONDS": 2.0,
    "MAX_CONTENT_LENGTH": 64 * 1024,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "WTF_CSRF_TIME_LIMIT": 4 * 3600,
    "RESUME_ATTEMPTS_PER_HOUR": 20,
    "STAFF_IDLE_MINUTES": 30,
    "STAFF_MAX_FAILED": 5,
    "STAFF_LOCK_MINUTES": 15,
    # Failed sign-ins from one address within STAFF_LOCK_MINUTES, whatever the emails tried.
    "STAFF_IP_MAX_FAILED": 20,
    # Base of the canonical URLs in FHIR exports (the Questionnaire, its answer code systems).
    "FHIR_BASE": "https://example.org/fhir",
}


class ConfigError(SystemExit):
    """A start that cannot go on; its one line says what to set."""


def configure(app: Flask, test_config: dict | None) -> None:
    app.config.from_mapping(DEFAULTS)
    app.config.from_prefixed_env("SCREENING")
    if test_config:
        app.config.update(test_config)
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.setdefault("DATABASE_URL", f"sqlite:///{Path(app.instance_path) / 'screening.sqlite3'}")
    app.config["SESSION_COOKIE_SECURE"] = app.config.get("SESSION_COOKIE_SECURE", app.config["ENV"] == "production")
    app.config["PERMANENT_SESSION_LIFETIME"] = int(app.config["DRAFT_DAYS"]) * 24 * 3600


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
