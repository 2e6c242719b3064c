"""The deliverer against a real SMTP server and a real webhook receiver on loopback.

Requirement (issue 9, "Tests"): an urgent patient sent through the wizard produces one email and one webhook call
within the delivery interval; the signature verifies; a stopped SMTP server and a receiver answering 500 cause
retries and delivery once they recover; two deliverers at once deliver each alert once (threads on SQLite, and on
PostgreSQL); an abandoned urgent draft alerts after the configured minutes (the clock moved, not slept), once;
nothing in the mail or the webhook body matches any answer, name, date of birth or topic title. "Bad input": a
broken mail configuration never stops a patient's Send.

Times measured here are printed (`pytest -s`), never asserted.
"""
from __future__ import annotations

import json
import re
import threading
import time
from datetime import date, timedelta

from sqlalchemy import select

from screening.alerts import deliverer
from screening.clock import utcnow
from screening.questionnaire import QUESTIONNAIRE
from screening.records import database
from screening.records.models import Alert, Delivery, DeliveryAttempt, Draft, Submission
from tests.alerts.conftest import URGENT, alert_config
from tests.conftest import HEALTHY, Patient, make_app


def once(app, now=None, worker="test-deliverer"):
    return deliverer.deliver_once(app, app.extensions["screening.sessionmaker"], worker, now=now)


def deliveries(app) -> list[Delivery]:
    with app.app_context():
        return database.session().scalars(select(Delivery).order_by(Delivery.id)).all()


def alerts(app) -> list[Alert]:
    with app.app_context():
        return database.session().scalars(select(Alert).order_by(Alert.id)).all()


def send_urgent(app, answers=URGENT) -> str:
    patient = Patient(app.test_client())
    patient.complete(answers)
    assert patient.send().status_code == 303
    with app.app_context():
        return database.session().scalars(select(Submission.reference).order_by(Submission.id.desc())).first()


def test_an_urgent_patient_gives_one_email_and_one_webhook_call(alerting_app, mailbox, receiver):
    reference = send_urgent(alerting_app)
    done = once(alerting_app)
    assert (done.claimed, done.delivered, done.failed) == (2, 2, 0)
    (mail,) = mailbox.wait_for(1)
    (call,) = receiver.wait_for(1)
    assert mail.message["Subject"] == f"Urgent screening alert: {reference}"
    assert f"Open: https://screening.clinic.test/staff/submissions/{reference}" in mail.message.get_content()
    assert call.verified and json.loads(call.body)["reference"] == reference
    assert json.loads(call.body)["urgent_topics"] >= 1
    assert once(alerting_app).claimed == 0 and len(mailbox.mails) == 1 and len(receiver.calls) == 1
    assert {(d.channel, d.status, d.attempts) for d in deliveries(alerting_app)} == {
        ("email", "delivered", 1), ("webhook", "delivered", 1)}


def test_chest_pain_now_alerts_too(alerting_app, mailbox, receiver):
    send_urgent(alerting_app, {**HEALTHY, "symptoms_now": ["chest_pain"]})
    once(alerting_app)
    assert len(mailbox.wait_for(1)) == 1 and len(receiver.wait_for(1)) == 1


def test_a_background_deliverer_sends_within_its_interval_and_the_time_is_printed(alerting_app, mailbox, receiver):
    background = deliverer.start_background(alerting_app, interval=1)
    try:
        patient = Patient(alerting_app.test_client())
        patient.complete(URGENT)
        sent_at = time.monotonic()
        assert patient.send().status_code == 303
        (mail,) = mailbox.wait_for(1, seconds=30)
        (call,) = receiver.wait_for(1, seconds=30)
    finally:
        background.stop()
    print(f"\nSend -> email {mail.at - sent_at:.2f} s, Send -> webhook {call.at - sent_at:.2f} s "
          f"(background deliverer, 1 s interval, SQLite)")
    assert not background.thread.is_alive()


# --- retries ---------------------------------------------------------------------------------------------------

def test_a_stopped_mail_server_means_retries_then_delivery_once_it_is_back(alerting_app, mailbox, receiver):
    send_urgent(alerting_app)
    mailbox.stop()
    start = utcnow()
    once(alerting_app, now=start)
    once(alerting_app, now=start + timedelta(seconds=10))   # not due yet: nothing tried
    once(alerting_app, now=start + timedelta(seconds=31))   # the second try, 30 s after the first
    mailbox.start()
    once(alerting_app, now=start + timedelta(seconds=60))   # not due yet (next at 31 + 60 s)
    assert mailbox.mails == []
    once(alerting_app, now=start + timedelta(seconds=92))
    assert len(mailbox.wait_for(1)) == 1 and len(receiver.calls) == 1
    email = next(d for d in deliveries(alerting_app) if d.channel == "email")
    with alerting_app.app_context():
        tries = database.session().scalars(select(DeliveryAttempt).where(DeliveryAttempt.delivery_id == email.id)
                                           .order_by(DeliveryAttempt.id)).all()
    assert [t.ok for t in tries] == [False, False, True] and (email.status, email.attempts) == ("delivered", 3)
    assert tries[0].detail.startswith("ConnectionRefusedError: [Errno 111]") and tries[2].detail == "250 OK"


def test_a_receiver_answering_500_means_retries_then_delivery_when_it_answers_200(alerting_app, mailbox, receiver):
    send_urgent(alerting_app)
    receiver.status = 500
    start = utcnow()
    once(alerting_app, now=start)
    once(alerting_app, now=start + timedelta(seconds=31))
    receiver.status = 200
    once(alerting_app, now=start + timedelta(seconds=92))
    once(alerting_app, now=start + timedelta(hours=3))
    assert [c.answered for c in receiver.wait_for(3)] == [500, 500, 200]
    assert all(c.verified for c in receiver.calls) and len(mailbox.mails) == 1
    webhook = next(d for d in deliveries(alerting_app) if d.channel == "webhook")
    assert (webhook.status, webhook.attempts, webhook.last_error) == ("delivered", 3, None)


def test_a_send_with_a_broken_mail_configuration_still_succeeds_for_the_patient(tmp_path):
    app = make_app(alert_config(tmp_path, MAIL_SERVER="127.0.0.1", MAIL_PORT="not-a-port", MAIL_FROM="",
                                ALERT_EMAILS="on-call@clinic.test", MAIL_USERNAME="x", MAIL_PASSWORD="wrong",
                                ALERT_WEBHOOK_URL="ftp://nowhere.test/"),
                   instance_path=str(tmp_path / "instance"))
    patient = Patient(app.test_client())
    patient.complete(URGENT)
    response = patient.send()
    assert response.status_code == 303 and response.location.endswith("/summary")
    assert patient.client.get("/summary").status_code == 200
    done = once(app)
    assert (done.delivered, done.failed) == (0, 2)
    assert {(d.channel, d.status, d.last_error) for d in deliveries(app)} == {
        ("email", "pending", "SCREENING_MAIL_PORT is not a port number"),
        ("webhook", "pending", "SCREENING_ALERT_WEBHOOK_URL must be an http:// or https:// address with a host "
                               "(it starts with 'ftp:'); no webhook can be sent.")}


# --- several deliverers ----------------------------------------------------------------------------------------

def make_alerts(app, count: int) -> None:
    now = utcnow()
    with app.app_context():
        db = database.session()
        for number in range(count):
            alert = Alert(kind="sent", submission_reference=f"KS-TEST-{number:04d}", urgent_count=1, created_at=now)
            alert.deliveries = [Delivery(channel=c, status="pending", attempts=0, next_attempt_at=now)
                                for c in ("email", "webhook")]
            db.add(alert)
        db.commit()


def urgent_drafts(app, count: int, since) -> None:
    with app.app_context():
        db = database.session()
        for number in range(count):
            db.add(Draft(id=f"draft-{number}", resume_hash=f"{number:064d}", answers={}, presented=[],
                         created_at=since, updated_at=since, expires_at=since + timedelta(days=30),
                         urgent_since=since))
        db.commit()


def deliver_at_once(app, workers: int, now=None) -> list[deliverer.Round]:
    """`workers` deliverers, each in its own thread with its own sessions, started together, each going round
    until nothing is left for it."""
    barrier = threading.Barrier(workers)
    rounds: list[deliverer.Round] = []
    errors: list[BaseException] = []

    def work(number: int) -> None:
        try:
            barrier.wait(timeout=30)
            for _ in range(50):
                done = deliverer.deliver_once(app, app.extensions["screening.sessionmaker"], f"worker-{number}",
                                              now=now, limit=3)
                rounds.append(done)
                if done.claimed == 0 and done.unsent_alerted == 0:
                    break
        except BaseException as error:  # reported below, not lost in the thread
            errors.append(error)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert errors == []
    return rounds


def assert_each_delivered_once(app, mailbox, receiver, references: list[str]) -> None:
    subjects = sorted(m.message["Subject"].removeprefix("Urgent screening alert: ") for m in mailbox.wait_for(len(references)))
    hooks = sorted(json.loads(c.body)["reference"] or f"alert {json.loads(c.body)['alert_id']}"
                   for c in receiver.wait_for(len(references)))
    assert subjects == sorted(references) and len(hooks) == len(references) and len(set(hooks)) == len(hooks)
    assert {d.status for d in deliveries(app)} == {"delivered"} and {d.attempts for d in deliveries(app)} == {1}


def test_two_deliverers_at_once_deliver_each_alert_once(alerting_app, mailbox, receiver):
    make_alerts(alerting_app, 12)
    rounds = deliver_at_once(alerting_app, 2)
    assert_each_delivered_once(alerting_app, mailbox, receiver, [f"KS-TEST-{n:04d}" for n in range(12)])
    assert sum(r.claimed for r in rounds) == 24


def test_two_sweepers_at_once_alert_each_abandoned_draft_once(alerting_app, mailbox, receiver):
    since = utcnow()
    urgent_drafts(alerting_app, 6, since)
    deliver_at_once(alerting_app, 2, now=since + timedelta(minutes=61))
    assert sorted(a.draft_id for a in alerts(alerting_app)) == [f"draft-{n}" for n in range(6)]
    ids = [f"unsent questionnaire (alert {a.id})" for a in alerts(alerting_app)]
    assert_each_delivered_once(alerting_app, mailbox, receiver, ids)


def test_two_deliverers_at_once_on_postgresql_deliver_each_alert_once(tmp_path, postgres_url, mailbox, receiver):
    app = make_app(alert_config(tmp_path, DATABASE_URL=postgres_url, **mailbox.settings(), **receiver.settings()),
                   instance_path=str(tmp_path / "instance"))
    make_alerts(app, 12)
    since = utcnow() - timedelta(hours=2)
    urgent_drafts(app, 4, since)
    deliver_at_once(app, 3)
    references = [f"KS-TEST-{n:04d}" for n in range(12)] + [
        f"unsent questionnaire (alert {a.id})" for a in alerts(app) if a.kind == "unsent"]
    assert len(references) == 16
    assert_each_delivered_once(app, mailbox, receiver, references)


# --- an abandoned urgent draft ---------------------------------------------------------------------------------

def answer_until_mental_health(patient: Patient, answers: dict) -> None:
    patient.start()
    for step in QUESTIONNAIRE.catalogue.steps:
        response = patient.answer(step.slug, answers)
        if response.location and response.location.startswith(f"/step/{step.slug}"):
            response = patient.answer(step.slug, answers)
        if step.id == "mental_health":
            return


def test_an_abandoned_urgent_draft_alerts_after_the_minutes_and_only_once(alerting_app, mailbox, receiver):
    alerting_app.config["ALERT_UNSENT_MINUTES"] = 45
    patient = Patient(alerting_app.test_client())
    answer_until_mental_health(patient, URGENT)
    with alerting_app.app_context():
        (draft,) = database.session().scalars(select(Draft)).all()
        assert draft.urgent_since is not None and draft.alerted_at is None
    start = utcnow()
    assert once(alerting_app, now=start + timedelta(minutes=44)).unsent_alerted == 0
    assert once(alerting_app, now=start + timedelta(minutes=46)).unsent_alerted == 1
    assert once(alerting_app, now=start + timedelta(hours=6)).unsent_alerted == 0
    (alert,) = alerts(alerting_app)
    (mail,) = mailbox.wait_for(1)
    (call,) = receiver.wait_for(1)
    assert mail.message["Subject"] == f"Urgent screening alert: unsent questionnaire (alert {alert.id})"
    assert "Open: https://screening.clinic.test/staff/alerts" in mail.message.get_content()
    assert json.loads(call.body)["kind"] == "unsent" and json.loads(call.body)["reference"] is None
    assert alert.urgent_count >= 1


def test_a_draft_whose_urgent_answer_is_changed_back_does_not_alert(alerting_app, mailbox, receiver):
    patient = Patient(alerting_app.test_client())
    answer_until_mental_health(patient, URGENT)
    patient.answer("mental-health", HEALTHY)
    with alerting_app.app_context():
        (draft,) = database.session().scalars(select(Draft)).all()
        assert draft.urgent_since is None
    assert once(alerting_app, now=utcnow() + timedelta(hours=2)).unsent_alerted == 0 and alerts(alerting_app) == []


def test_a_draft_sent_in_time_never_alerts_as_unsent(alerting_app, mailbox, receiver):
    send_urgent(alerting_app)
    once(alerting_app, now=utcnow() + timedelta(hours=2))
    assert [a.kind for a in alerts(alerting_app)] == ["sent"]


# --- nothing of the patient leaves -----------------------------------------------------------------------------

DISTINCTIVE = {
    **URGENT,
    "first_name": "Zebulon", "last_name": "Quartermaine-Okonkwo", "date_of_birth": "1971-03-14",
    "record_number": "MRN-88317", "phone": "555-013-7749", "email": "zeb.quartermaine@example.org",
    "bp_systolic": 187, "bp_diastolic": 117, "symptoms_now": ["chest_pain"],
    "brain_other": "Xanthogranulomatous neuritis",
    "medicines": ["benzodiazepines", "other"], "medicines_other": "Phenelzinol 45 mg nightly",
    "benzodiazepine_which": ["lorazepam"], "benzodiazepine_dose": "Lorazepam-zebra 2 mg",
    "reactions": ["ketamine"], "reaction_details": "Vivid dissociative episode in Tallahassee",
}


def forbidden_words(submission: Submission) -> set[str]:
    """Everything of the patient an alert must not hold: every answer (as stored and as shown), the name, the
    date of birth in the ways it is written, every topic's title and texts."""
    words: set[str] = set()
    catalogue = QUESTIONNAIRE.catalogue
    for question_id, answer in submission.answers.items():
        values = answer if isinstance(answer, list) else [answer]
        for value in values:
            words.add(str(value))
            question = catalogue[question_id] if question_id in catalogue else None
            for choice in (question.all_choices if question else ()):
                if choice.value == value:
                    words.add(choice.label)
    born = date.fromisoformat(DISTINCTIVE["date_of_birth"])
    words |= {born.isoformat(), f"{born:%m/%d/%Y}", f"{born.month}/{born.day}/{born.year}",
              f"{born:%B} {born.day}, {born.year}", f"{born.day} {born:%b} {born.year}"}
    for topic in submission.topics:
        words |= {topic["title"], topic["patient"], topic["clinician"]}
    # Answers of three characters or fewer ("yes", "no", a number) would match the alert's own words and
    # numbers; the numbers given are checked on their own below.
    return {w for w in words if len(w) >= 4}


def test_nothing_of_the_patient_is_in_the_mail_or_the_webhook_body(alerting_app, mailbox, receiver):
    reference = send_urgent(alerting_app, DISTINCTIVE)
    once(alerting_app)
    with alerting_app.app_context():
        submission = database.session().scalars(select(Submission)).one()
        words = forbidden_words(submission)
        assert submission.first_name == "Zebulon" and submission.urgent_count >= 2
    assert {"Zebulon", "Quartermaine-Okonkwo", "MRN-88317", "Phenelzinol 45 mg nightly", "03/14/1971"} <= words
    (mail,) = mailbox.wait_for(1)
    (call,) = receiver.wait_for(1)
    sent = {"mail": mail.raw.decode(), "webhook body": call.body.decode(),
            "webhook body, parsed": json.dumps(json.loads(call.body), ensure_ascii=False)}
    for where, text in sent.items():
        found = sorted(w for w in words if re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", text, re.I))
        assert found == [], f"{where} holds {found}"
        assert reference in text
    for number in ("187", "117"):  # the blood pressure given
        assert not re.search(rf"\b{number}\b", call.body.decode() + mail.message.get_content())
