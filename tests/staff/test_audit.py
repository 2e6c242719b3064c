"""`record()` and the audit table.

Requirement (issue 3, sections 1 and 6): an event for the current `g.staff` (or nobody) with the request's
address; the table is append-only; an action must be one the trail knows.
"""
import pytest
from flask import g
from sqlalchemy import select

from screening.records import database
from screening.staff.accounts import by_email
from screening.staff.audit import record
from screening.records.models import AuditEvent, AuditIsAppendOnly


def stored(app):
    with app.app_context():
        return database.session().scalars(select(AuditEvent)).all()


def test_record_names_the_signed_in_staff_and_their_address(app, staff):
    email = staff.create(("clinician",))
    with app.test_request_context("/staff/submissions/KS-AAAA-BBBB", environ_base={"REMOTE_ADDR": "10.1.2.3"}):
        g.staff = by_email(database.session(), email)
        record("view_submission", submission_reference="KS-AAAA-BBBB", detail="opened from the list")
    event = stored(app)[-1]
    assert (event.action, event.actor_email, event.source_ip, event.submission_reference, event.detail) == \
        ("view_submission", email, "10.1.2.3", "KS-AAAA-BBBB", "opened from the list")


def test_record_without_staff_has_no_actor(app):
    with app.test_request_context("/"):
        record("sign_in_failed")
    assert stored(app)[-1].actor_email is None


def test_record_outside_a_request_gives_cli_as_the_source(app):
    with app.app_context():
        record("staff_added")
    assert stored(app)[-1].source_ip == "cli"


def test_record_refuses_an_unknown_action(app):
    with app.test_request_context("/"), pytest.raises(ValueError, match="unknown audit action 'veiw_submission'"):
        record("veiw_submission")


def test_record_cuts_a_long_detail(app):
    with app.test_request_context("/"):
        record("sandbox", detail="x" * 2000)
    assert len(stored(app)[-1].detail) == 500


def test_an_audit_event_cannot_be_changed(app):
    with app.test_request_context("/"):
        event = record("sign_in")
        event.detail = "rewritten"
        with pytest.raises(AuditIsAppendOnly):
            database.session().commit()


def test_an_audit_event_cannot_be_deleted(app):
    with app.test_request_context("/"):
        database.session().delete(record("sign_in"))
        with pytest.raises(AuditIsAppendOnly):
            database.session().commit()
