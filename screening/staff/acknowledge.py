"""Acknowledging an urgent submission: a clinician says "I have seen this alert", so colleagues know someone has it.

Separate from "Mark as reviewed" (which says the answers were gone through): set once, by whoever is first, with
the time, and recorded in the audit trail. A second acknowledge changes nothing and says who was first.
Offered on the submissions list's pinned table (urgent, not reviewed) and on the submission's page.
"""
from __future__ import annotations

from datetime import datetime

from flask import abort, flash, g, redirect, request, url_for
from sqlalchemy import select, update
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from screening.clock import utcnow
from screening.filters import FILTERS
from screening.records import database
from screening.records.models import Alert, Submission
from screening.records.submissions import by_reference
from screening.staff.accounts import CLINICIAN
from screening.staff.audit import record
from screening.staff.auth import role_required
from screening.staff.views import bp

ACTION = "acknowledge_alert"


def applies(db: Session, submission: Submission) -> bool:
    """Whether there is an alert to acknowledge: an urgent topic, or an alert the clinic was sent about it (a rule
    may alert without being urgent). One index lookup at most."""
    if submission.urgent_count > 0:
        return True
    return db.scalar(select(Alert.id).where(Alert.submission_reference == submission.reference,
                                            Alert.kind != "test").limit(1)) is not None


def acknowledge(db: Session, submission_id: int, email: str, now: datetime) -> bool:
    """Set who and when, unless someone did already; True when this call did. One conditional update, so of two
    clinicians pressing at once only the first is kept. Does not commit."""
    return bool(db.execute(update(Submission)
                           .where(Submission.id == submission_id, Submission.acknowledged_at.is_(None))
                           .values(acknowledged_by=email, acknowledged_at=now)
                           .execution_options(synchronize_session=False)).rowcount)


@bp.post("/submissions/<reference>/acknowledge")
@role_required(CLINICIAN)
def acknowledge_alert(reference: str) -> Response:
    db = database.session()
    found = by_reference(db, reference[:20])
    if found is None:
        abort(404)
    # Back to where the button was pressed: the form says which page ("back"), never an address.
    target = (url_for("staff.submission", reference=found.reference) if request.form.get("back") == "submission"
              else url_for("staff.submissions"))
    if not applies(db, found):
        flash(f"{found.reference} has no urgent topic and no alert, so there is nothing to acknowledge.", "info")
        return redirect(target, 303)
    if acknowledge(db, found.id, g.staff.email, utcnow()):
        record(ACTION, submission_reference=found.reference)  # commits the change with its event
        flash(f"You acknowledged {found.reference}. Colleagues now see that you have it.", "success")
    else:
        db.rollback()
        db.refresh(found)
        # The first clinician and time stay; as nothing changed there is nothing to record.
        flash(f"{found.reference} was already acknowledged by {found.acknowledged_by} "
              f"on {FILTERS['us_datetime'](found.acknowledged_at)}. Nothing changed.", "info")
    return redirect(target, 303)
