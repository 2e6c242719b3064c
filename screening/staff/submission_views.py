"""Clinicians' pages: the list of submissions, one submission (which is also its printed summary), and
marking it reviewed.

There is no route that changes a patient's answers: staff read them, print them and mark them reviewed.
Every view and print of a submission, and every change of its status, goes into the audit trail.
"""
from __future__ import annotations


from flask import abort, current_app, flash, g, redirect, render_template, request, url_for
from sqlalchemy import update
from werkzeug.wrappers import Response

from screening.records import database
from screening.staff import acknowledge, submission_list, submission_page
from screening.clock import utcnow
from screening.records.models import Submission
from screening.staff.accounts import CLINICIAN
from screening.staff.audit import record
from screening.staff.auth import role_required
from screening.staff.views import bp
from screening.records.submissions import by_reference

SEVERITY_LABELS = {"urgent": "Urgent", "discuss": "Discuss", "mention": "Mention", None: "No topics"}
STATUS_LABELS = {"new": "New", "reviewed": "Reviewed"}


@bp.app_template_filter("severity_label")
def _severity_label(severity: str | None) -> str:
    return SEVERITY_LABELS.get(severity, str(severity))


@bp.app_template_filter("status_label")
def _status_label(status: str) -> str:
    return STATUS_LABELS.get(status, status)


# The list shows patients' names and dates of birth, so each showing of it is recorded, as a submission's page is.
LIST_ACTION = "view_submission_list"
LIST_DETAIL = "submissions list"


@bp.get("/submissions")
@role_required(CLINICIAN)
def submissions() -> tuple[str, int]:
    """One page of the list. Recorded with the filter in words (`describe`): what a search was by, never the
    name, date of birth or record number typed, which would put a patient's identity in the trail."""
    try:
        list_filter, page = submission_list.parse(request.args)
    except submission_list.BadFilter as bad:
        record(LIST_ACTION, detail=f"{LIST_DETAIL}: filter refused")
        return _list_page(problems=bad.problems, result=None, list_filter=None), 400
    db = database.session()
    list_filter = submission_list.resolve(db, list_filter)
    result = submission_list.search(db, list_filter, page)
    record(LIST_ACTION, detail=f"{LIST_DETAIL}: {list_filter.describe()} page={page}")
    return _list_page(problems=[], result=result, list_filter=list_filter), 200


# Urgent submissions not yet reviewed, pinned above the list whatever its filter: this many, newest first.
PINNED_LIMIT = 10


def _list_page(**context) -> str:
    # One more than shown, to tell whether there are others (the list filtered on new and urgent has them all).
    pinned = submission_list.pinned(database.session(), PINNED_LIMIT + 1)
    return render_template("staff/submissions.html", form=request.args, statuses=submission_list.STATUSES,
                           severities=submission_list.SEVERITY_FILTERS, can_export=_has("staff.export_csv"),
                           pinned=pinned[:PINNED_LIMIT], more_pinned=len(pinned) > PINNED_LIMIT, **context)


def _has(endpoint: str) -> bool:
    # The exports live in screening/staff/exports.py; link to them only when they are there.
    return endpoint in current_app.view_functions


def _submission_or_404(reference: str) -> Submission:
    # Only the exact stored form: a page address is copied, not typed, and the list's search forgives typing.
    submission = by_reference(database.session(), reference[:20])
    if submission is None:
        abort(404)
    return submission


@bp.get("/submissions/<reference>")
@role_required(CLINICIAN)
def submission(reference: str) -> str:
    found = _submission_or_404(reference)
    printing = request.args.get("print") == "1"
    # One event per page shown: a print is a view too, and is recorded as the print it is.
    record("print_submission" if printing else "view_submission", submission_reference=found.reference)
    return render_template("staff/submission.html", submission=found, page=submission_page.build(found),
                           printing=printing, can_export=_has("staff.export_fhir"),
                           can_acknowledge=acknowledge.applies(database.session(), found))


@bp.post("/submissions/<reference>/review")
@role_required(CLINICIAN)
def mark_reviewed(reference: str) -> Response:
    found = _submission_or_404(reference)
    db = database.session()
    # One conditional update: of two clinicians marking it at once, only the first is recorded as reviewer.
    changed = db.execute(update(Submission).where(Submission.id == found.id, Submission.status == "new")
                         .values(status="reviewed", reviewed_by=g.staff.email, reviewed_at=utcnow())
                         .execution_options(synchronize_session=False)).rowcount
    if changed:
        record("mark_reviewed", submission_reference=found.reference)  # commits the change with its event
        flash(f"{found.reference} is marked as reviewed.", "success")
    else:
        db.rollback()
        db.refresh(found)
        # Already done: the first reviewer and time stay, and as nothing changed there is nothing to record.
        flash(f"{found.reference} was already marked as reviewed by {found.reviewed_by}.", "info")
    return redirect(url_for("staff.submissions"), 303)
