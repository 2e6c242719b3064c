"""The alerts page, for admins: whether the clinic can be told of urgent answers, and what was sent.

At the top, what is wrong with the alert settings (screening.alerts.channels.problems), and each channel: whether it
is set up, its last try and how many deliveries wait to retry; then every alert (the 100 most recent), the failing
ones first and then newest first (screening.records.outbox.newest), each with its deliveries and their attempts, and
a "Send again" button. Viewing and sending again are in the audit trail.

An alert holds no patient data (a reference, a kind, a count, times), and neither does this page: no name, date of
birth or answer. The reference links to the submission only for those who may open it (the clinician role).
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import abort, current_app, flash, g, redirect, render_template, url_for
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from screening.alerts import channels
from screening.clock import utcnow
from screening.records import database, outbox
from screening.records.models import Alert, Delivery, DeliveryAttempt, Submission
from screening.staff.accounts import ADMIN, CLINICIAN
from screening.staff.audit import record
from screening.staff.auth import role_required
from screening.staff.views import bp

SHOWN = 100
CHANNEL_LABELS = {"email": "Email", "webhook": "Webhook"}
KIND_LABELS = {"sent": "Sent questionnaire", "unsent": "Questionnaire not sent", "test": "Test alert"}


@dataclass(frozen=True)
class ChannelState:
    name: str
    label: str
    configured: bool
    last_try: DeliveryAttempt | None
    retrying: int


def _last_try(db: Session, channel: str) -> DeliveryAttempt | None:
    # Newest attempt first, through the primary key: the first rows read are the recent ones.
    return db.scalar(select(DeliveryAttempt).join(Delivery, Delivery.id == DeliveryAttempt.delivery_id)
                     .where(Delivery.channel == channel).order_by(DeliveryAttempt.id.desc()).limit(1))


def _retrying(db: Session, channel: str) -> int:
    # Pending rows are few (the deliverer sends them within a minute), and ix_delivery_status_next finds them.
    return db.scalar(select(func.count()).select_from(Delivery).where(
        Delivery.status == "pending", Delivery.channel == channel, Delivery.last_error.is_not(None))) or 0


def channel_states(db: Session, config) -> list[ChannelState]:
    """Every channel there is, configured ones first, with its last try and how many deliveries wait to retry."""
    configured = list(channels.configured(config))
    names = configured + [name for name in channels.CHANNELS if name not in configured]
    return [ChannelState(name, CHANNEL_LABELS.get(name, name), name in configured, _last_try(db, name),
                         _retrying(db, name)) for name in names]


def later_sent(db: Session, alerts: list[Alert]) -> dict[int, str]:
    """For an unsent-draft alert whose draft was sent afterwards, the reference of that submission."""
    hashes = {alert.resume_hash: alert.id for alert in alerts
              if alert.kind == "unsent" and not alert.submission_reference and alert.resume_hash}
    if not hashes:
        return {}
    found = db.execute(select(Submission.resume_hash, Submission.reference)
                       .where(Submission.resume_hash.in_(list(hashes))))
    return {hashes[resume_hash]: reference for resume_hash, reference in found}


@bp.get("/alerts")
@role_required(ADMIN)
def alerts() -> str:
    db, config = database.session(), current_app.config
    shown = outbox.newest(db, SHOWN)  # with their deliveries and attempts
    record("view_alerts", detail=f"{len(shown)} alerts shown")
    return render_template("staff/alerts.html", states=channel_states(db, config),
                           problems=list(channels.problems(config)),
                           alerts=shown, later_sent=later_sent(db, shown), shown_limit=SHOWN,
                           failing={a.id for a in shown if any(outbox.is_failing(d) for d in a.deliveries)},
                           can_open=CLINICIAN in g.staff.roles, channel_labels=CHANNEL_LABELS,
                           kind_labels=KIND_LABELS)


@bp.post("/alerts/<int:alert_id>/send-again")
@role_required(ADMIN)
def send_alert_again(alert_id: int) -> Response:
    db = database.session()
    alert = database.by_id(db, Alert, alert_id)
    if alert is None:
        abort(404)
    outbox.send_again(db, alert, utcnow(), channels.configured(current_app.config))
    names = ", ".join(CHANNEL_LABELS.get(d.channel, d.channel) for d in alert.deliveries) or "no channel"
    record("alert_sent_again", submission_reference=alert.submission_reference,
           detail=f"alert {alert.id}: {names}")  # commits what send_again changed, with its event
    if alert.deliveries:
        flash(f"Alert {alert.id} will be sent again ({names.lower()}). This page shows how it goes.", "success")
    else:
        flash(f"Alert {alert.id} has no channel to go through: set one up (see the top of this page) and send "
              "it again.", "info")
    # To the top, where the message saying so is (and the failing alerts are), not down at the alert.
    return redirect(url_for("staff.alerts"), 303)
