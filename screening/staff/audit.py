"""Writing the audit trail: `record(action, ...)` from any staff view or command.

`detail` is for staff-facing context (a filter, a role, a file name), never for a patient's answers.
"""
from __future__ import annotations

from flask import g, has_request_context, request
from sqlalchemy.orm import Session

from screening.records import database
from screening.records.models import AuditEvent

ACTIONS = (
    "sign_in", "sign_in_failed", "account_locked", "sign_out",
    "staff_added", "staff_disabled", "staff_enabled", "password_reset", "roles_changed",
    "view_submission", "view_submission_list", "print_submission", "export_csv", "export_fhir", "mark_reviewed", "purge",
    "view_audit", "view_rules", "sandbox", "rules_replay",
    # Clinic invitations: staff make, revoke and list them; a patient's date-of-birth check is recorded with no
    # actor. The detail names the invitation by its id, never by the patient's name or date of birth.
    "invitation_created", "invitation_revoked", "invitations_viewed", "invitation_dob_wrong", "invitation_dob_locked",
    # Alerts to the clinic: a clinician acknowledges an urgent submission (by reference); an admin views the alerts
    # page or sends an alert again (the detail names the alert by its id).
    "acknowledge_alert", "view_alerts", "alert_sent_again", "alerts_test",
)
CLI_SOURCE = "cli"


def append(db: Session, action: str, *, actor_email: str | None, source_ip: str | None,
           submission_reference: str | None = None, detail: str = "") -> AuditEvent:
    # An unknown action is a typo that would hide the event from the trail's action filter.
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}; add it to ACTIONS in {__name__}")
    event = AuditEvent(action=action, actor_email=actor_email, source_ip=(source_ip or "")[:45] or None,
                       submission_reference=submission_reference[:20] if submission_reference else None,
                       detail=(detail or "")[:500])
    db.add(event)
    return event


def record(action: str, submission_reference: str | None = None, detail: str = "") -> AuditEvent:
    """Add and commit an event by the signed-in staff member (`g.staff`), or by nobody, from this request.

    Outside a request (a CLI command) the source is 'cli'. Commits the request's database session.
    """
    staff = g.get("staff")
    event = append(database.session(), action, actor_email=staff.email if staff else None,
                   source_ip=request.remote_addr if has_request_context() else CLI_SOURCE,
                   submission_reference=submission_reference, detail=detail)
    database.session().commit()
    return event
