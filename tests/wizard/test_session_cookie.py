"""The patient's cookie lasts at least as long as the draft it opens: signed again when a save comes an hour or
more after it was signed, not for a page the patient only reads; and a cookie remembered as verified is still
refused once it is too old, tampered with, or signed with a key the app no longer has."""
import re
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

import pytest

from screening import extensions
from screening.extensions import REFRESH_AFTER
from screening.records.drafts import EXPIRY_STEP
from tests.conftest import HEALTHY, form_data


def session_cookies(response) -> list[str]:
    return [v for v in response.headers.getlist("Set-Cookie") if v.startswith("session=")]


@pytest.fixture
def later(monkeypatch):
    """Move the session's clock forward by this many seconds."""
    def move(seconds: float) -> None:
        real = extensions.clock.utcnow
        monkeypatch.setattr(extensions.clock, "utcnow", lambda: real() + timedelta(seconds=seconds))
    return move


def started(client):
    client.post("/start")
    client.get("/step/your-details")  # adds the CSRF token: the cookie is signed again
    client.get("/step/your-details")  # this worker verifies, and remembers, the cookie the browser now holds
    return client


def test_a_step_page_read_again_sends_no_new_cookie(client):
    started(client)
    assert session_cookies(client.get("/step/your-details")) == []


def test_a_save_within_the_hour_the_cookie_was_signed_sends_no_new_cookie(client):
    started(client)
    saved = client.post("/step/your-details", data=form_data("your-details", HEALTHY))
    assert saved.status_code == 303 and session_cookies(saved) == []


def test_a_save_an_hour_after_the_cookie_was_signed_sends_it_again_with_the_drafts_lifetime(client, app, later):
    started(client)
    later(REFRESH_AFTER + 1)
    saved = client.post("/step/your-details", data=form_data("your-details", HEALTHY))
    cookies = session_cookies(saved)
    expires = parsedate_to_datetime(re.search(r"Expires=([^;]+)", cookies[0]).group(1))
    lifetime = expires - datetime.now(timezone.utc)
    assert saved.status_code == 303
    assert app.permanent_session_lifetime - timedelta(minutes=5) < lifetime <= app.permanent_session_lifetime


def test_the_cookie_outlasts_the_longest_draft_by_the_hour_it_may_go_unsigned(app):
    assert app.permanent_session_lifetime == timedelta(days=app.config["DRAFT_DAYS"], seconds=REFRESH_AFTER) + EXPIRY_STEP


def test_a_remembered_cookie_signed_in_the_future_opens_nothing(client, later):
    started(client)
    later(-60)
    assert client.get("/step/your-details").headers["Location"].endswith("/resume")


def test_a_remembered_cookie_older_than_its_lifetime_opens_nothing(client, app, later):
    started(client)
    later(app.permanent_session_lifetime.total_seconds() + 1)
    assert client.get("/step/your-details").headers["Location"].endswith("/resume")


def test_a_remembered_cookie_with_another_signature_opens_nothing(client):
    started(client)
    cookie = client.get_cookie("session")
    payload, _, signature = cookie.value.rpartition(".")
    forged = ("A" if signature[0] != "A" else "B") + signature[1:]  # the last character has bits no one reads
    client.set_cookie("session", f"{payload}.{forged}")
    assert client.get("/step/your-details").headers["Location"].endswith("/resume")


def test_a_remembered_cookie_opens_nothing_once_its_key_is_gone(client, app):
    started(client)
    app.secret_key = app.config["SECRET_KEY"] = "another-secret"
    assert client.get("/step/your-details").headers["Location"].endswith("/resume")


def test_a_remembered_cookie_still_opens_with_its_key_among_the_fallbacks(client, app):
    started(client)
    app.config["SECRET_KEY_FALLBACKS"] = [app.secret_key]
    app.secret_key = app.config["SECRET_KEY"] = "another-secret"
    assert client.get("/step/your-details").status_code == 200
