"""Retention: deleting submissions, clinic invitations and alerts past the clinic's retention period, and
drafts past their expiry. A submission's identity (its columns and name keys) goes with it; an alert's
deliveries and their attempts go with the alert.

Never touches the audit trail (it must outlive what it describes) nor RulesVersion rows (a summary
must stay reproducible from its rules version). Nothing is committed here: the caller records the
purge in the audit trail and commits both together, so a purge and its record land or fail as one.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from screening.clock import utcnow
from screening.records import invitations, limits
from screening.records.models import Alert, Draft, Invitation, StaffSession, Submission


@dataclass(frozen=True)
class Purge:
    older_than_days: int
    cutoff: datetime
    submissions: int
    drafts: int
    # Invitations made before the cutoff: each holds a patient's name and date of birth.
    invitations: int = 0
    # The submitted_at range of the submissions concerned, when there are any.
    oldest: datetime | None = None
    newest: datetime | None = None
    # Alerts raised before the cutoff (they name a submission by its reference), with their deliveries.
    alerts: int = 0

    def describe(self) -> str:
        """For the audit trail: counts and the cutoff, never a reference or an answer."""
        return (f"older_than_days={self.older_than_days} cutoff={self.cutoff.isoformat(timespec='seconds')} "
                f"submissions={self.submissions} drafts={self.drafts} invitations={self.invitations} "
                f"alerts={self.alerts}")


def cutoff_for(days: int, now: datetime | None = None) -> datetime:
    if isinstance(days, bool) or not isinstance(days, int) or days < 1:
        raise ValueError(f"the retention period must be a whole number of days, 1 or more, not {days!r}")
    return (now or utcnow()) - timedelta(days=days)


def plan(db: Session, days: int, now: datetime | None = None) -> Purge:
    """What a purge would delete: submissions submitted before now - days, and drafts expired by now."""
    now = now or utcnow()
    cutoff = cutoff_for(days, now)
    old = Submission.submitted_at < cutoff
    count, oldest, newest = db.execute(
        select(func.count(), func.min(Submission.submitted_at), func.max(Submission.submitted_at)).where(old)).one()
    drafts = db.scalar(select(func.count()).select_from(Draft).where(Draft.expires_at <= now)) or 0
    invited = db.scalar(select(func.count()).select_from(Invitation).where(Invitation.created_at < cutoff)) or 0
    alerts = db.scalar(select(func.count()).select_from(Alert).where(Alert.created_at < cutoff)) or 0
    return Purge(days, cutoff, count or 0, drafts, invited, oldest, newest, alerts=alerts)


def purge(db: Session, days: int, now: datetime | None = None) -> Purge:
    """Delete what `plan` finds, without committing; returns the counts actually deleted."""
    now = now or utcnow()
    planned = plan(db, days, now)
    submissions = db.execute(delete(Submission).where(Submission.submitted_at < planned.cutoff)).rowcount or 0
    drafts = db.execute(delete(Draft).where(Draft.expires_at <= now)).rowcount or 0
    invited = invitations.forget_old(db, planned.cutoff)
    alerts = db.execute(delete(Alert).where(Alert.created_at < planned.cutoff)).rowcount or 0
    # Housekeeping that holds no patient data: tries past every limit's window, and staff sessions long over.
    limits.forget_old(db, now)
    db.execute(delete(StaffSession).where(or_(StaffSession.ended_at.is_not(None),
                                              StaffSession.last_seen_at < now - limits.KEEP)))
    return Purge(days, planned.cutoff, submissions, drafts, invited, planned.oldest, planned.newest, alerts=alerts)
