"""Fixtures for the alert tests: a mail server and a webhook receiver on loopback, and an app that alerts
through both (`alerting_app`), on SQLite unless a test makes its own."""
from __future__ import annotations

import pytest

from tests.alerts.servers import Mailbox, Receiver
from tests.conftest import HEALTHY, make_app

# Answers that alert: thoughts of self-harm with a plan.
URGENT = {**HEALTHY, "self_harm_thoughts": "yes", "self_harm_plan": "yes"}


@pytest.fixture
def mailbox():
    box = Mailbox().start()
    yield box
    box.stop()


@pytest.fixture
def receiver():
    hook = Receiver()
    yield hook
    hook.close()


def alert_config(tmp_path, **settings) -> dict:
    return {"TESTING": True, "SECRET_KEY": "test-secret", "WTF_CSRF_ENABLED": False,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'alerts.sqlite3'}",
            "BASE_URL": "https://screening.clinic.test", **settings}


@pytest.fixture
def alerting_app(tmp_path, mailbox, receiver):
    return make_app(alert_config(tmp_path, **mailbox.settings(), **receiver.settings()),
                    instance_path=str(tmp_path / "instance"))
