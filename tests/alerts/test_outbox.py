"""The outbox (screening/records/outbox.py): alerts written with what raised them, claimed once, retried with
backoff, given up after 26 hours, sent again on request; the unsent-draft sweep.

Requirement (issue 9, "How it is delivered"): the alert is written in the same transaction as the submission (or
by the unsent-draft sweep); retries with exponential backoff for at least 24 hours; every attempt recorded; with
several deliverers an alert is delivered once (claims are atomic). "What raises an alert": a draft holding an
urgent answer and not sent within SCREENING_ALERT_UNSENT_MINUTES alerts, once.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from screening.clock import aware, utcnow
from screening.records import database, drafts, outbox, submissions
from screening.records.models import Alert, Delivery, DeliveryAttempt, Draft
from tests.alerts.conftest import URGENT
from tests.conftest import HEALTHY

T0 = datetime(2026, 11, 25, 14, 0, tzinfo=timezone.utc)


def make_alert(db, created_at=T0, channels=("email", "webhook"), kind="sent", reference="KS-AAAA-BBBB") -> Alert:
    alert = Alert(kind=kind, submission_reference=reference, urgent_count=1, created_at=created_at)
    alert.deliveries = [Delivery(channel=c, status="pending", attempts=0, next_attempt_at=created_at)
                        for c in channels]
    db.add(alert)
    db.commit()
    return alert


@pytest.fixture
def db(app):
    with app.app_context():
        yield database.session()


# --- backoff and giving up -------------------------------------------------------------------------------------

def test_the_wait_doubles_from_thirty_seconds_to_at_most_an_hour():
    waits = [outbox.backoff(n).total_seconds() for n in range(1, 11)]
    assert waits == [30, 60, 120, 240, 480, 960, 1920, 3600, 3600, 3600]
    assert outbox.backoff(10_000) == timedelta(hours=1)


def test_a_delivery_that_always_fails_is_tried_33_times_over_26_hours_then_failed(db):
    """The schedule docs/alerts.md prints, tried with the clock moved, not slept."""
    (delivery,) = make_alert(db, channels=("email",)).deliveries
    tries = []
    while delivery.status == "pending" and len(tries) < 100:
        now = aware(delivery.next_attempt_at)
        (claimed,) = outbox.claim(db, "w1", now)
        tries.append(now - T0)
        outbox.record(db, claimed, False, "ConnectionRefusedError: [Errno 111] Connection refused", 3, now)
        delivery = claimed
    minutes = [t.total_seconds() / 60 for t in tries]
    assert minutes[:9] == [0, 0.5, 1.5, 3.5, 7.5, 15.5, 31.5, 63.5, 123.5]
    assert len(tries) == 33 and tries[-1] == timedelta(hours=26, minutes=3.5) and delivery.status == "failed"
    assert all(b - a <= timedelta(hours=1) for a, b in zip(tries, tries[1:]))
    assert db.scalar(select(func.count()).select_from(DeliveryAttempt)) == 33


def test_every_attempt_is_recorded_with_its_outcome_and_duration(db):
    (delivery,) = make_alert(db, channels=("webhook",)).deliveries
    (claimed,) = outbox.claim(db, "w1", T0)
    outbox.record(db, claimed, False, "HTTP 500", 12, T0)
    (claimed,) = outbox.claim(db, "w1", T0 + timedelta(seconds=30))
    outbox.record(db, claimed, True, "HTTP 204", 8, T0 + timedelta(seconds=30))
    tries = db.scalars(select(DeliveryAttempt).order_by(DeliveryAttempt.id)).all()
    assert [(t.ok, t.detail, t.duration_ms, aware(t.at)) for t in tries] == [
        (False, "HTTP 500", 12, T0), (True, "HTTP 204", 8, T0 + timedelta(seconds=30))]
    assert (claimed.status, claimed.attempts, aware(claimed.delivered_at), claimed.last_error,
            claimed.claimed_by) == ("delivered", 2, T0 + timedelta(seconds=30), None, None)


def test_a_delivery_is_not_due_before_its_next_try(db):
    make_alert(db, channels=("email",))
    (claimed,) = outbox.claim(db, "w1", T0)
    outbox.record(db, claimed, False, "HTTP 500", 1, T0)
    assert outbox.claim(db, "w1", T0 + timedelta(seconds=29)) == []
    assert outbox.due_count(db, T0 + timedelta(seconds=29)) == 0 and outbox.due_count(db, T0 + timedelta(seconds=30)) == 1


# --- claiming --------------------------------------------------------------------------------------------------

def test_a_claimed_delivery_is_left_to_its_claimer_until_the_lease_lapses(db):
    make_alert(db, channels=("email",))
    assert len(outbox.claim(db, "first", T0)) == 1
    assert outbox.claim(db, "second", T0 + timedelta(seconds=5)) == []
    (taken_over,) = outbox.claim(db, "second", T0 + outbox.LEASE + timedelta(seconds=1))
    assert taken_over.claimed_by == "second"


def test_claim_takes_at_most_the_limit_oldest_first(db):
    for minute in (3, 1, 2):
        make_alert(db, created_at=T0 + timedelta(minutes=minute), channels=("email",))
    claimed = outbox.claim(db, "w1", T0 + timedelta(hours=1), limit=2)
    assert [aware(d.next_attempt_at) for d in claimed] == [T0 + timedelta(minutes=1), T0 + timedelta(minutes=2)]


# --- send again, newest, due ------------------------------------------------------------------------------------

def test_send_again_makes_every_delivery_due_now_whatever_it_was(db):
    alert = make_alert(db, channels=("email", "webhook"))
    email, webhook = outbox.claim(db, "w1", T0)
    outbox.record(db, email, True, "250 OK", 5, T0)
    outbox.record(db, webhook, False, "HTTP 500", 5, T0, retry=False)
    later = T0 + timedelta(days=2)
    assert outbox.send_again(db, alert, later) == 2
    db.commit()
    assert [(d.status, aware(d.next_attempt_at), d.delivered_at) for d in alert.deliveries] == [
        ("pending", later, None), ("pending", later, None)]
    assert {d.channel for d in outbox.claim(db, "w2", later)} == {"email", "webhook"}


def test_newest_puts_failing_alerts_first_then_the_newest(db):
    old_failing = make_alert(db, created_at=T0, reference="KS-OLDF-AILS")
    failing_once = make_alert(db, created_at=T0 + timedelta(minutes=1), reference="KS-RETR-YING")
    delivered = make_alert(db, created_at=T0 + timedelta(minutes=3), reference="KS-DELI-VERD")
    newest = make_alert(db, created_at=T0 + timedelta(minutes=4), reference="KS-NEWE-STAA")
    for delivery in outbox.claim(db, "w1", T0 + timedelta(minutes=3)):
        if delivery.alert_id == old_failing.id:
            outbox.record(db, delivery, False, "HTTP 500", 1, T0, retry=False)
        elif delivery.alert_id == failing_once.id and delivery.channel == "webhook":
            outbox.record(db, delivery, False, "HTTP 500", 1, T0)
        else:
            outbox.record(db, delivery, True, "250 OK", 1, T0)
    order = [a.submission_reference for a in outbox.newest(db, 10)]
    assert order == ["KS-RETR-YING", "KS-OLDF-AILS", "KS-NEWE-STAA", "KS-DELI-VERD"]
    assert [len(d.tries) for d in outbox.newest(db, 1)[0].deliveries] == [1, 1]
    assert len(outbox.newest(db, 2)) == 2 and newest.id


# --- alerts written with the submission ------------------------------------------------------------------------

def test_an_urgent_submission_gets_its_alert_in_the_same_commit(app, patient):
    patient.complete(URGENT)
    patient.send()
    with app.app_context():
        db = database.session()
        (submission,) = db.scalars(select(submissions.Submission)).all()
        (alert,) = db.scalars(select(Alert)).all()
        assert (alert.kind, alert.submission_reference, alert.urgent_count, alert.resume_hash) == (
            "sent", submission.reference, submission.urgent_count, submission.resume_hash)
        assert aware(alert.created_at) == aware(submission.submitted_at) and alert.urgent_count >= 1


def test_without_a_channel_the_alert_is_kept_with_no_delivery(app, patient):
    patient.complete(URGENT)
    patient.send()
    with app.app_context():
        (alert,) = database.session().scalars(select(Alert)).all()
        assert alert.deliveries == []


def test_a_submission_with_nothing_urgent_raises_no_alert(app, patient):
    patient.complete(HEALTHY)
    patient.send()
    with app.app_context():
        assert database.session().scalars(select(Alert)).all() == []


def test_a_send_that_fails_leaves_no_alert(app, patient, monkeypatch):
    """One transaction: when the Send's commit fails, there is no alert for a submission that does not exist."""
    patient.complete(URGENT)

    def broken_commit(self):
        raise RuntimeError("the database went away")

    monkeypatch.setattr("sqlalchemy.orm.Session.commit", broken_commit)
    assert patient.send().status_code == 500
    monkeypatch.undo()
    with app.app_context():
        assert database.session().scalars(select(Alert)).all() == []
        assert database.session().scalars(select(submissions.Submission)).all() == []


# --- urgent drafts and the unsent sweep --------------------------------------------------------------------------

def urgent_draft(db, since: datetime) -> Draft:
    draft, _ = drafts.create(db, 30)
    outbox.mark_urgent(draft, True, since)
    db.commit()
    return draft


def test_mark_urgent_keeps_the_first_time_and_forgets_it_when_the_answer_changes(db):
    draft, _ = drafts.create(db, 30)
    assert outbox.mark_urgent(draft, True, T0)
    assert not outbox.mark_urgent(draft, True, T0 + timedelta(minutes=5))
    assert aware(draft.urgent_since) == T0
    assert outbox.mark_urgent(draft, False, T0 + timedelta(minutes=6)) and draft.urgent_since is None


def test_the_sweep_alerts_once_after_the_minutes_and_not_before(db):
    now = utcnow()
    draft = urgent_draft(db, now)
    assert outbox.sweep_unsent(db, 60, ["email"], now + timedelta(minutes=59)) == 0
    assert outbox.sweep_unsent(db, 60, ["email"], now + timedelta(minutes=61)) == 1
    assert outbox.sweep_unsent(db, 60, ["email"], now + timedelta(hours=5)) == 0
    (alert,) = db.scalars(select(Alert)).all()
    assert (alert.kind, alert.draft_id, alert.resume_hash, alert.submission_reference) == (
        "unsent", draft.id, draft.resume_hash, None)
    assert [d.channel for d in alert.deliveries] == ["email"]
    db.refresh(draft)
    assert aware(draft.alerted_at) == now + timedelta(minutes=61)


def test_the_sweep_is_off_at_zero_minutes(db):
    urgent_draft(db, utcnow() - timedelta(days=2))
    assert outbox.sweep_unsent(db, 0, ["email"], utcnow()) == 0


def test_the_sweep_skips_expired_drafts(db):
    draft = urgent_draft(db, utcnow() - timedelta(days=2))
    draft.expires_at = utcnow() - timedelta(minutes=1)
    db.commit()
    assert outbox.sweep_unsent(db, 60, ["email"], utcnow()) == 0


def test_a_draft_alerted_once_is_not_alerted_again_when_urgent_again(db):
    now = utcnow()
    draft = urgent_draft(db, now)
    outbox.sweep_unsent(db, 60, [], now + timedelta(minutes=61))
    outbox.mark_urgent(draft, False, now + timedelta(minutes=62))
    outbox.mark_urgent(draft, True, now + timedelta(minutes=63))
    db.commit()
    assert outbox.sweep_unsent(db, 60, [], now + timedelta(hours=3)) == 0


def test_a_send_that_outlasted_its_claim_does_not_undo_the_delivery_made_meanwhile(app):
    """A claims; its send runs past the lease; B claims and delivers; A's late failure is kept as an attempt only."""
    sessions = app.extensions["screening.sessionmaker"]
    with sessions() as first, sessions() as second:
        make_alert(first, channels=("email",))
        (by_a,) = outbox.claim(first, "a", T0)
        later = T0 + outbox.LEASE + timedelta(seconds=1)
        (by_b,) = outbox.claim(second, "b", later)
        outbox.record(second, by_b, True, "250 OK", 5, later)
        outbox.record(first, by_a, False, "TimeoutError: timed out", 130_000, later)
        row = second.scalars(select(Delivery).execution_options(populate_existing=True)).one()
        tries = second.scalar(select(func.count()).select_from(DeliveryAttempt))
    assert (row.status, row.last_error, tries) == ("delivered", None, 2)


def test_one_claim_is_taken_at_a_time_by_a_round(alerting_app, monkeypatch):
    """A round claims, sends and records one delivery before claiming the next, so a lease covers one send."""
    from screening.alerts import deliverer

    seen = []
    real_claim = outbox.claim

    def spy(db, worker_id, now, limit=20, lease=outbox.LEASE):
        seen.append(limit)
        return real_claim(db, worker_id, now, limit, lease)

    with alerting_app.app_context():
        db = database.session()
        make_alert(db)
    monkeypatch.setattr(outbox, "claim", spy)
    deliverer.deliver_once(alerting_app, alerting_app.extensions["screening.sessionmaker"], "w1", now=T0)
    assert len(seen) == 3 and set(seen) == {1}  # two deliveries, then one claim that finds none


def test_sending_again_adds_the_channels_set_up_since(db):
    alert = make_alert(db, channels=())
    queued = outbox.send_again(db, alert, T0 + timedelta(hours=1), ["email", "webhook"])
    db.commit()
    assert queued == 2 and sorted((d.channel, d.status) for d in alert.deliveries) == [
        ("email", "pending"), ("webhook", "pending")]


def test_an_unsent_draft_changed_back_before_the_sweep_claims_it_does_not_alert(app):
    sessions = app.extensions["screening.sessionmaker"]
    with sessions() as db:
        draft, _ = drafts.create(db, 30)
        draft.urgent_since = T0
        db.commit()
        real_execute = db.execute
        calls = []

        def change_back_after_the_select(statement, *args, **kwargs):
            result = real_execute(statement, *args, **kwargs)
            if not calls:
                calls.append(1)
                with sessions() as other:
                    other.get(Draft, draft.id).urgent_since = None
                    other.commit()
            return result

        db.execute = change_back_after_the_select
        made = outbox.sweep_unsent(db, 60, ["email"], T0 + timedelta(hours=2))
    assert made == 0
