"""The patient's cookie lasts as long as the draft it opens: sent again when a save extends the draft, and not
re-signed for a page the patient only reads."""
import re
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

from tests.conftest import HEALTHY, form_data


def session_cookies(response) -> list[str]:
    return [v for v in response.headers.getlist("Set-Cookie") if v.startswith("session=")]


def test_a_step_page_read_again_sends_no_new_cookie(client):
    client.post("/start")
    client.get("/step/your-details")
    assert session_cookies(client.get("/step/your-details")) == []


def test_a_save_sends_the_cookie_again_with_the_drafts_lifetime(client, app):
    client.post("/start")
    client.get("/step/your-details")
    saved = client.post("/step/your-details", data=form_data("your-details", HEALTHY))
    cookies = session_cookies(saved)
    expires = parsedate_to_datetime(re.search(r"Expires=([^;]+)", cookies[0]).group(1))
    lifetime = expires - datetime.now(timezone.utc)
    days = timedelta(days=app.config["DRAFT_DAYS"])
    assert saved.status_code == 303 and days - timedelta(minutes=5) < lifetime <= days
