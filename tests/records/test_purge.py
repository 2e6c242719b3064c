"""Retention: `flask --app screening purge --older-than DAYS [--dry-run]`.

Requirement (issue 3, "Retention"), and issue 9 (alerts go with the rest, deliveries and attempts with them): deletes submissions and expired drafts past the clinic's retention
period, and records that it did ("The audit trail": every purge is recorded). It never deletes the audit
trail or a rules version (a past summary must stay reproducible). "Bad input": a retention period that is
not a whole number of days, 1 or more, is refused with a clear message.
"""
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from screening.records import database, drafts, purge
from screening.clock import utcnow
from screening.records import invitations
from screening.records.models import (Alert, Delivery, DeliveryAttempt, Draft, Invitation, NameKey, RulesVersion,
                                      Submission)
from screening.staff.audit import record
from screening.records.models import AuditEvent

from tests.staff.test_export_views import store

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=timezone.utc)


def ago(days, **more):
    return utcnow() - timedelta(days=days, **more)


def references(app):
    with app.app_context():
        return set(database.session().scalars(select(Submission.reference)))


def draft_ids(app):
    with app.app_context():
        return set(database.session().scalars(select(Draft.id)))


def add_draft(app, expires_at):
    with app.app_context():
        db = database.session()
        draft, _ = drafts.create(db, 30)
        draft.expires_at = expires_at
        db.commit()
        return draft.id


def purge_events(app):
    with app.app_context():
        return database.session().scalars(select(AuditEvent).where(AuditEvent.action == "purge")).all()


def count(app, model):
    with app.app_context():
        return database.session().scalar(select(func.count()).select_from(model))


def test_purge_deletes_only_submissions_older_than_days(app, runner):
    store(app, submitted_at=ago(400))
    kept = {store(app, submitted_at=ago(364)), store(app)}
    result = runner.invoke(args=["purge", "--older-than", "365"])
    assert result.exit_code == 0 and references(app) == kept


def test_purge_deletes_only_expired_drafts(app, runner):
    add_draft(app, ago(1))
    kept = add_draft(app, ago(-1))
    runner.invoke(args=["purge", "--older-than", "365"])
    assert draft_ids(app) == {kept}


def test_purge_prints_what_it_deleted(app, runner):
    store(app, submitted_at=ago(40))
    add_draft(app, ago(1))
    output = runner.invoke(args=["purge", "--older-than", "30"]).output
    assert "Deleted 1 submission(s) submitted before " in output and \
        ", 1 expired draft(s), 0 invitation(s) and 0 alert(s) made before then" in output


def test_purge_is_recorded_with_its_counts_and_cutoff(app, runner):
    store(app, submitted_at=ago(40))
    store(app, submitted_at=ago(50))
    add_draft(app, ago(1))
    runner.invoke(args=["purge", "--older-than", "30"])
    (event,) = purge_events(app)
    assert (event.actor_email, event.source_ip) == (None, "cli") and "older_than_days=30 cutoff=" in event.detail \
        and event.detail.endswith("submissions=2 drafts=1 invitations=0 alerts=0")


def test_purge_with_nothing_to_delete_is_recorded_too(app, runner):
    runner.invoke(args=["purge", "--older-than", "30"])
    assert purge_events(app)[0].detail.endswith("submissions=0 drafts=0 invitations=0 alerts=0")


def test_purge_keeps_the_audit_trail_of_deleted_submissions(app, runner):
    reference = store(app, submitted_at=ago(400))
    with app.test_request_context():
        record("view_submission", submission_reference=reference)
    runner.invoke(args=["purge", "--older-than", "365"])
    with app.app_context():
        kept = database.session().scalars(select(AuditEvent.submission_reference)).all()
    assert reference not in references(app) and reference in kept


def test_purge_keeps_rules_versions(app, runner):
    store(app, submitted_at=ago(400))
    runner.invoke(args=["purge", "--older-than", "365"])
    assert count(app, Submission) == 0 and count(app, RulesVersion) == 1


def test_dry_run_deletes_nothing(app, runner):
    old = store(app, submitted_at=ago(400))
    expired = add_draft(app, ago(1))
    runner.invoke(args=["purge", "--older-than", "365", "--dry-run"])
    assert old in references(app) and expired in draft_ids(app) and purge_events(app) == []


def test_dry_run_says_what_would_be_deleted(app, runner):
    store(app, submitted_at=datetime(2025, 1, 5, tzinfo=timezone.utc))
    store(app, submitted_at=datetime(2025, 2, 7, tzinfo=timezone.utc))
    add_draft(app, ago(1))
    output = runner.invoke(args=["purge", "--older-than", "30", "--dry-run"]).output
    assert "would delete 2 submission(s)" in output and "submitted 2025-01-05 to 2025-02-07" in output and \
        "1 expired draft(s), 0 invitation(s) and 0 alert(s) made before then. Nothing was deleted." in output


@pytest.mark.parametrize("days", ["0", "-5"])
def test_purge_refuses_fewer_than_one_day(app, runner, days):
    store(app, submitted_at=ago(400))
    result = runner.invoke(args=["purge", "--older-than", days])
    assert result.exit_code == 2 and "whole number of days, 1 or more" in result.output and len(references(app)) == 1


@pytest.mark.parametrize("days", ["abc", "1.5", "", "30d", "1e3"])
def test_purge_refuses_what_is_not_a_whole_number(app, runner, days):
    result = runner.invoke(args=["purge", "--older-than", days])
    assert result.exit_code == 2 and "whole number of days, 1 or more" in result.output and purge_events(app) == []


def test_purge_without_older_than_keeps_the_retention_patients_were_told(app, runner):
    app.config["RETENTION_DAYS"] = 365
    store(app, submitted_at=ago(400))
    store(app, submitted_at=ago(300))
    runner.invoke(args=["purge"])
    assert len(references(app)) == 1 and "older_than_days=365" in purge_events(app)[-1].detail


def test_plan_counts_only_what_is_strictly_older_than_the_cutoff(app):
    store(app, submitted_at=NOW - timedelta(days=30))
    store(app, submitted_at=NOW - timedelta(days=30, seconds=1))
    with app.app_context():
        planned = purge.plan(database.session(), 30, now=NOW)
    assert (planned.submissions, planned.cutoff) == (1, NOW - timedelta(days=30))


@pytest.mark.parametrize("days", [0, -1, 1.5, True, "30"])
def test_cutoff_refuses_a_period_that_is_not_a_whole_number_of_days(days):
    with pytest.raises(ValueError):
        purge.cutoff_for(days, NOW)


def invite(app, made_at):
    with app.app_context():
        db = database.session()
        invitation, _ = invitations.create(db, first_name="Ana", last_name=f"Diaz {made_at:%f}",
                                           date_of_birth=datetime(1990, 4, 2).date(), days=14, now=made_at)
        db.commit()
        return invitation.id


def test_purge_deletes_a_submissions_identity_with_it(app, runner):
    store(app, submitted_at=ago(400), answers={"first_name": "Ana", "last_name": "Díaz-López"})
    kept = store(app, submitted_at=ago(1))
    runner.invoke(args=["purge", "--older-than", "365"])
    with app.app_context():
        names = database.session().scalars(select(Submission.last_name)).all()
        keys = sorted(database.session().scalars(select(NameKey.key)))
    assert references(app) == {kept} and names == ["Rivera"] and keys == ["rivera", "sam"]


def test_purge_deletes_invitations_made_before_the_cutoff(app, runner):
    old, new = invite(app, ago(400)), invite(app, ago(1))
    output = runner.invoke(args=["purge", "--older-than", "365"]).output
    with app.app_context():
        left = database.session().scalars(select(Invitation.id)).all()
    assert left == [new] and old != new and ", 1 invitation(s) and 0 alert(s) made before then" in output


def add_alert(app, created_at):
    with app.app_context():
        db = database.session()
        alert = Alert(kind="sent", submission_reference="KS-AAAA-BBBB", urgent_count=1, created_at=created_at)
        alert.deliveries = [Delivery(channel="email", status="delivered", attempts=1, next_attempt_at=created_at)]
        db.add(alert)
        db.flush()
        db.add(DeliveryAttempt(delivery_id=alert.deliveries[0].id, at=created_at, ok=True, detail="250 OK"))
        db.commit()
        return alert.id


def test_purge_deletes_alerts_raised_before_the_cutoff_with_their_deliveries(app, runner):
    add_alert(app, ago(400))
    kept = add_alert(app, ago(1))
    dry = runner.invoke(args=["purge", "--older-than", "365", "--dry-run"]).output
    output = runner.invoke(args=["purge", "--older-than", "365"]).output
    with app.app_context():
        left = database.session().scalars(select(Alert.id)).all()
    assert "and 1 alert(s) made before then. Nothing was deleted." in dry
    assert left == [kept] and "and 1 alert(s) made before then" in output
    assert (count(app, Delivery), count(app, DeliveryAttempt)) == (1, 1)
    assert purge_events(app)[-1].detail.endswith("alerts=1")
