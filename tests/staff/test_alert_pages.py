"""The admins' alerts page (/staff/alerts) and "Send again".

Requirement (issue 9, "In the staff area" and "Bad input"): an alerts page for admins with every alert, its
deliveries and attempts, failing ones at the top, the channels configured and what is wrong with them, and a
"Send again" action (audited); viewing it is audited too. It shows no patient's name, date of birth or answer; the
reference links to the submission only for those with the clinician role.
"""
import re
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from screening.clock import utcnow
from screening.records import database
from screening.records.models import Alert, Delivery, DeliveryAttempt, Submission
from tests.conftest import StaffAuth, audit_events, make_app
from tests.staff.sheets import LONGEST, MEDICINES_OTHER, REACTION_DETAILS, store

T0 = datetime(2026, 3, 10, 9, 30, tzinfo=timezone.utc)
WEBHOOK = {"ALERT_WEBHOOK_URL": "https://hooks.clinic.example/alerts", "ALERT_WEBHOOK_SECRET": "s" * 32}


def config(tmp_path, **settings):
    return {"TESTING": True, "SECRET_KEY": "test-secret", "WTF_CSRF_ENABLED": False,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'test.sqlite3'}", **settings}


@pytest.fixture
def app(tmp_path):
    """The webhook channel set up, well; email not."""
    return make_app(config(tmp_path, **WEBHOOK), instance_path=str(tmp_path / "instance"))


@pytest.fixture
def admin(staff):
    return staff(("admin",), email="ada@clinic.test")


def add_alert(app, *, kind="sent", reference="KS-0001-ALRT", urgent=1, at=T0, deliveries=(), resume_hash=None) -> int:
    """An alert straight to the table. deliveries: dicts of Delivery fields, with 'tries': [(at, ok, detail)]."""
    with app.app_context():
        db = database.session()
        alert = Alert(kind=kind, submission_reference=reference, urgent_count=urgent, created_at=at,
                      resume_hash=resume_hash)
        for spec in deliveries:
            spec = dict(spec)
            tries = spec.pop("tries", [])
            delivery = Delivery(**{"status": "pending", "attempts": len(tries), "next_attempt_at": at, **spec})
            delivery.tries = [DeliveryAttempt(at=when, ok=ok, detail=detail, duration_ms=12)
                              for when, ok, detail in tries]
            alert.deliveries.append(delivery)
        db.add(alert)
        db.commit()
        return alert.id


def delivered(channel="webhook", at=T0):
    return {"channel": channel, "status": "delivered", "delivered_at": at + timedelta(seconds=2),
            "tries": [(at + timedelta(seconds=2), True, "HTTP 204")]}


def failed(channel="email", at=T0):
    return {"channel": channel, "status": "failed", "last_error": "ConnectionRefusedError: [Errno 111] refused",
            "tries": [(at + timedelta(minutes=n), False, "ConnectionRefusedError: [Errno 111] refused")
                      for n in range(3)]}


def retrying(channel="webhook", at=T0):
    return {"channel": channel, "status": "pending", "last_error": "HTTP 500",
            "next_attempt_at": at + timedelta(hours=1), "tries": [(at, False, "HTTP 500")]}


def page(client) -> str:
    response = client.get("/staff/alerts")
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    return response.get_data(as_text=True)


def alert_order(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'<section class="rule-card[^"]*" id="alert-(\d+)"', html)]


def section(html: str, alert_id: int) -> str:
    return re.search(rf'<section [^>]*id="alert-{alert_id}".*?</section>', html, re.S).group(0)


def words(html: str) -> str:
    """The text a reader sees, spaces collapsed (and none before a colon or comma a tag ended just before)."""
    return re.sub(r" ([:,])", r"\1", re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))).strip()


# -- the page -----------------------------------------------------------------------------------------------

def test_alerts_are_newest_first_with_failing_ones_before_the_rest(app, admin):
    old_ok = add_alert(app, at=T0, deliveries=[delivered(at=T0)])
    old_failed = add_alert(app, at=T0 + timedelta(hours=1), deliveries=[failed(), delivered()])
    new_ok = add_alert(app, at=T0 + timedelta(hours=3), deliveries=[delivered()])
    retried = add_alert(app, at=T0 + timedelta(hours=2), deliveries=[retrying()])
    waiting = add_alert(app, at=T0 + timedelta(hours=4), deliveries=[{"channel": "webhook"}])  # not tried yet
    html = page(admin)
    assert alert_order(html) == [retried, old_failed, waiting, new_ok, old_ok]
    assert "Failing" in words(section(html, retried)) and "Failing" in words(section(html, old_failed))
    assert "Failing" not in words(section(html, waiting)) and "Failing" not in words(section(html, new_ok))


def test_each_delivery_shows_channel_status_attempts_next_try_delivered_and_last_error(app, admin):
    alert = add_alert(app, reference="KS-7Q2M-X4KD", urgent=2,
                      deliveries=[failed("email"), retrying("webhook")])
    part = section(page(admin), alert)
    rows = [words(row) for row in re.findall(r"<tr>\s*<th scope=\"row\".*?</tr>", part, re.S)]
    assert rows == ["Email Failed (gave up) 3 – – ConnectionRefusedError: [Errno 111] refused",
                    "Webhook Retrying 1 Mar 10, 2026 10:30 AM UTC – HTTP 500"]
    facts = words(re.search(r'<dl class="rule-fields">.*?</dl>', part, re.S).group(0))
    assert facts.startswith("Reference KS-7Q2M-X4KD Urgent topics 2 Made Mar 10, 2026 9:30 AM UTC (")
    assert "Alert" in words(part) and "Sent questionnaire" in words(part)


def test_a_delivered_alert_says_when(app, admin):
    alert = add_alert(app, deliveries=[delivered("webhook")])
    [row] = re.findall(r"<tr>\s*<th scope=\"row\".*?</tr>", section(page(admin), alert), re.S)
    assert words(row) == "Webhook Delivered 1 – Mar 10, 2026 9:30 AM UTC –"


def test_every_attempt_is_in_an_expandable_list(app, admin):
    alert = add_alert(app, deliveries=[failed("email"), delivered("webhook")])
    details = re.findall(r"<details>.*?</details>", section(page(admin), alert), re.S)
    assert [words(re.search(r"<summary>.*?</summary>", d, re.S).group(0)) for d in details] == \
        ["Email: 3 attempts", "Webhook: 1 attempt"]
    assert words(details[0]).count("failed, 12 ms. ConnectionRefusedError") == 3
    assert "Mar 10, 2026 9:32 AM UTC: failed" in words(details[0])
    assert "Mar 10, 2026 9:30 AM UTC: worked, 12 ms. HTTP 204" in words(details[1])


def test_an_alert_with_no_delivery_says_why(app, admin):
    alert = add_alert(app)
    assert "No delivery: no channel was set up when this alert was made." in words(section(page(admin), alert))


def test_unsent_and_test_alerts_have_no_reference_unless_the_draft_was_sent_later(app, admin):
    unsent = add_alert(app, kind="unsent", reference=None, resume_hash="a" * 64)
    test = add_alert(app, kind="test", reference=None, urgent=0)
    html = page(admin)
    assert "Reference None: the patient has not sent the questionnaire" in words(section(html, unsent))
    assert "Questionnaire not sent" in words(section(html, unsent))
    assert "Test alert" in words(section(html, test)) and "Reference None Urgent topics 0" in words(section(html, test))


def test_an_unsent_alert_names_the_submission_its_draft_became(app, staff):
    reference = store(app, LONGEST)
    with app.app_context():
        resume_hash = database.session().scalar(select(Submission.resume_hash)
                                                .where(Submission.reference == reference))
    unsent = add_alert(app, kind="unsent", reference=None, resume_hash=resume_hash)
    both = staff(("admin", "clinician"))
    assert f"Reference {reference} (sent after this alert)" in words(section(page(both), unsent))


def test_the_page_says_how_many_and_caps_at_100(app, admin):
    with app.app_context():
        db = database.session()
        db.add_all([Alert(kind="test", urgent_count=0, created_at=T0 + timedelta(minutes=n)) for n in range(105)])
        db.commit()
    html = page(admin)
    assert len(alert_order(html)) == 100 and "The 100 most recent alerts." in words(html)


def test_no_alert_yet(admin):
    assert "No alert has been made yet." in page(admin)


def test_viewing_is_audited(app, admin):
    add_alert(app, deliveries=[delivered()])
    page(admin)
    [event] = audit_events(app, "view_alerts")
    assert event.actor_email == "ada@clinic.test" and event.detail == "1 alerts shown"


def test_admins_see_alerts_in_the_staff_nav(admin, staff):
    assert '<a href="/staff/alerts"' in admin.get("/staff/").get_data(as_text=True)
    assert '/staff/alerts' not in staff(("clinician",)).get("/staff/").get_data(as_text=True)


# -- channels ----------------------------------------------------------------------------------------------

def channels_table(html: str) -> list[str]:
    table = re.search(r'aria-labelledby="channels-title" tabindex="0">.*?</table>', html, re.S).group(0)
    return [words(row) for row in re.findall(r"<tr>\s*<th scope=\"row\".*?</tr>", table, re.S)]


def test_channels_configured_first_with_their_last_try_and_retries(app, admin):
    add_alert(app, at=T0, deliveries=[delivered("webhook", at=T0), delivered("webhook", at=T0)])
    add_alert(app, at=T0 + timedelta(hours=1), deliveries=[retrying("webhook", at=T0 + timedelta(hours=1))])
    html = page(admin)
    assert channels_table(html) == ["Webhook Set up. Last try failed, Mar 10, 2026 10:30 AM UTC: HTTP 500. "
                                    "1 delivery waiting to retry.", "Email Not set up."]
    assert "No channel is set up" not in html and "Problems with the alert settings" not in html
    add_alert(app, at=T0 + timedelta(hours=2), deliveries=[delivered("webhook", at=T0 + timedelta(hours=2)),
                                                           retrying("webhook", at=T0 + timedelta(hours=2))])
    assert channels_table(page(admin))[0] == ("Webhook Set up. Last try failed, Mar 10, 2026 11:30 AM UTC: HTTP 500. "
                                              "2 deliveries waiting to retry.")


def test_channel_problems_are_shown_at_the_top(tmp_path):
    app = make_app(config(tmp_path, ALERT_WEBHOOK_URL="ftp://hooks.clinic.example/x", MAIL_SERVER="mail.example",
                          ALERT_EMAILS="alerts@clinic.example", MAIL_PORT="not-a-port"),
                   instance_path=str(tmp_path / "instance"))
    html = page(StaffAuth(app)(("admin",)))
    problems = re.search(r'<div class="error-summary" role="alert" aria-labelledby="problems-title">.*?</div>',
                         html, re.S).group(0)
    assert "SCREENING_ALERT_WEBHOOK_URL must be an http:// or https:// address" in problems
    assert "SCREENING_MAIL_PORT must be a port number" in problems
    assert "SCREENING_MAIL_FROM is not set" in problems
    assert html.index("problems-title") < html.index("alerts-title")
    assert channels_table(html) == ["Email Set up. Not tried yet.", "Webhook Set up. Not tried yet."]


def test_no_channel_configured_is_said_plainly(tmp_path):
    app = make_app(config(tmp_path), instance_path=str(tmp_path / "instance"))
    html = page(StaffAuth(app)(("admin",)))
    assert "No channel is set up: the clinic is not told about urgent answers." in words(html)
    assert channels_table(html) == ["Email Not set up.", "Webhook Not set up."]


# -- send again -----------------------------------------------------------------------------------------------

def test_send_again_requeues_every_delivery_now_and_is_audited(app, admin):
    alert = add_alert(app, reference="KS-7Q2M-X4KD", deliveries=[failed("email"), delivered("webhook")])
    before = utcnow()
    response = admin.post(f"/staff/alerts/{alert}/send-again")
    assert response.status_code == 303 and response.location == "/staff/alerts"
    with app.app_context():
        deliveries = database.session().scalars(select(Delivery).where(Delivery.alert_id == alert)
                                                .order_by(Delivery.id)).all()
        assert [d.status for d in deliveries] == ["pending", "pending"]
        assert all(d.next_attempt_at.replace(tzinfo=timezone.utc) >= before - timedelta(seconds=1)
                   and d.delivered_at is None for d in deliveries)
    [event] = audit_events(app, "alert_sent_again")
    assert (event.actor_email, event.submission_reference, event.detail) == \
        ("ada@clinic.test", "KS-7Q2M-X4KD", f"alert {alert}: Email, Webhook")
    assert f"Alert {alert} will be sent again (email, webhook)." in page(admin)


def test_send_again_of_an_alert_made_without_a_channel_sends_it_through_the_ones_set_up_now(app, admin):
    alert = add_alert(app, kind="test", reference=None)
    admin.post(f"/staff/alerts/{alert}/send-again")
    assert f"Alert {alert} will be sent again (webhook)" in page(admin)
    [event] = audit_events(app, "alert_sent_again")
    assert event.detail == f"alert {alert}: Webhook" and event.submission_reference is None


def test_send_again_with_no_channel_set_up_says_what_to_do(tmp_path):
    bare = make_app(config(tmp_path), instance_path=str(tmp_path / "bare"))
    alert = add_alert(bare, kind="test", reference=None)
    from tests.conftest import StaffAuth
    admin = StaffAuth(bare)(("admin",))
    admin.post(f"/staff/alerts/{alert}/send-again")
    assert f"Alert {alert} has no channel to go through" in page(admin)


def test_send_again_of_an_unknown_alert_is_404(admin):
    assert admin.post("/staff/alerts/999/send-again").status_code == 404


def test_every_alert_has_its_own_send_again_button(app, admin):
    first, second = add_alert(app, deliveries=[failed()]), add_alert(app, deliveries=[delivered()])
    html = page(admin)
    for alert in (first, second):
        form = re.search(r'<form method="post" action="/staff/alerts/(\d+)/send-again">.*?</form>',
                         section(html, alert), re.S)
        assert int(form.group(1)) == alert and f"Send again alert {alert}" in words(form.group(0))


def test_send_again_needs_a_csrf_token(tmp_path):
    app = make_app({**config(tmp_path, **WEBHOOK), "WTF_CSRF_ENABLED": True}, instance_path=str(tmp_path / "i"))
    alert = add_alert(app, deliveries=[failed()])
    client = StaffAuth(app)(("admin",))
    assert client.post(f"/staff/alerts/{alert}/send-again", data={"csrf_token": "forged"}).status_code == 400
    assert audit_events(app, "alert_sent_again") == []
    token = re.search(r'name="csrf_token" value="([^"]+)"', section(page(client), alert)).group(1)
    assert client.post(f"/staff/alerts/{alert}/send-again", data={"csrf_token": token}).status_code == 303
    assert len(audit_events(app, "alert_sent_again")) == 1


# -- who sees what --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("roles", [("clinician",), ("rules",), ("clinician", "rules")])
def test_alerts_page_and_send_again_need_the_admin_role(app, staff, roles):
    alert = add_alert(app, deliveries=[failed()])
    client = staff(roles)
    assert client.get("/staff/alerts").status_code == 403
    assert client.post(f"/staff/alerts/{alert}/send-again").status_code == 403
    assert audit_events(app, "alert_sent_again") == [] and audit_events(app, "view_alerts") == []


def test_signed_out_goes_to_sign_in(client):
    response = client.get("/staff/alerts")
    assert response.status_code == 303 and response.location.startswith("/staff/sign-in")


def test_the_reference_links_to_the_submission_only_for_clinicians(app, admin, staff):
    alert = add_alert(app, reference="KS-7Q2M-X4KD")
    link = '<a class="code" href="/staff/submissions/KS-7Q2M-X4KD">KS-7Q2M-X4KD</a>'
    assert '<span class="code">KS-7Q2M-X4KD</span>' in section(page(admin), alert)
    assert link not in page(admin)
    assert link in section(page(staff(("admin", "clinician"))), alert)


def test_the_page_shows_no_name_date_of_birth_or_answer(app, staff):
    reference = store(app, LONGEST)
    add_alert(app, reference=reference, urgent=3, deliveries=[failed(), delivered()])
    html = page(staff(("admin", "clinician")))
    assert reference in html
    born = datetime.fromisoformat(LONGEST["date_of_birth"])
    shown = [LONGEST["first_name"], LONGEST["last_name"], "Anna-Maria", "Fernández", "Featherstonehaugh",
             LONGEST["record_number"], LONGEST["phone"], LONGEST["email"], LONGEST["date_of_birth"],
             f"{born:%B} {born.day}, {born.year}", f"{born.month}/{born.day}/{born.year}",
             MEDICINES_OTHER[:40], REACTION_DETAILS[:40], "Multiple sclerosis", "Chest pain", "chest_pain",
             "Sertraline", "self-harm", "Self-harm"]
    assert [text for text in shown if text in html] == []


@pytest.mark.parametrize("alert_id", ["99999999999999999999999", str(2 ** 63)])
def test_sending_again_an_id_no_alert_can_have_is_404(admin, alert_id):
    assert admin.post(f"/staff/alerts/{alert_id}/send-again").status_code == 404
