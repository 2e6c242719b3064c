"""Clinic invitations: a personal link for one patient, kept as the sha256 of its 256-bit token.

    create(db, ...)          a new invitation and its token (shown once, never stored); replaces an open one
                             for the same patient
    by_token(db, token)      the invitation and its state: 'open', 'unknown', 'expired', 'revoked', 'completed'
    revoke(db, invitation)   the link stops working
    locked_answers(inv)      the identity answers it fills in, which the patient cannot change
    state_of(inv, now)       'sent', 'opened', 'completed', 'expired', 'revoked', 'replaced'

Nothing here logs, and nothing here knows about Flask.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from screening.clock import aware, utcnow
from screening.records.models import Invitation

TOKEN_BYTES = 32  # 256 bits
REVOKED, REPLACED = "revoked", "replaced"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create(db: Session, *, first_name: str, last_name: str, date_of_birth: date, days: int,
           record_number: str | None = None, appointment_on: date | None = None,
           created_by: str | None = None, now: datetime | None = None) -> tuple[Invitation, str]:
    """A new invitation and its token. An open invitation for the same patient (name and date of birth) is
    replaced: its link stops working, and a questionnaire begun from it carries on from the new one."""
    now = now or utcnow()
    token = secrets.token_urlsafe(TOKEN_BYTES)
    invitation = Invitation(token_hash=token_hash(token), first_name=first_name, last_name=last_name,
                            date_of_birth=date_of_birth, record_number=record_number or None,
                            appointment_on=appointment_on, created_at=now, created_by=created_by,
                            expires_at=now + timedelta(days=days))
    for old in db.scalars(select(Invitation).where(
            Invitation.first_name == first_name, Invitation.last_name == last_name,
            Invitation.date_of_birth == date_of_birth, Invitation.revoked_at.is_(None),
            Invitation.completed_at.is_(None))):
        old.revoked_at, old.revoked_reason = now, REPLACED
        invitation.draft_id = invitation.draft_id or old.draft_id
    db.add(invitation)
    db.flush()
    return invitation, token


def by_token(db: Session, token: str, now: datetime | None = None) -> tuple[Invitation | None, str]:
    """The invitation a link's token opens, and why it cannot be used when it cannot."""
    if not isinstance(token, str) or not 20 <= len(token) <= 100:
        return None, "unknown"
    invitation = db.scalar(select(Invitation).where(Invitation.token_hash == token_hash(token)))
    if invitation is None:
        return None, "unknown"
    state = state_of(invitation, now or utcnow())
    return invitation, ("open" if state in ("sent", "opened") else state)


def state_of(invitation: Invitation, now: datetime | None = None) -> str:
    if invitation.completed_at is not None:
        return "completed"
    if invitation.revoked_at is not None:
        return invitation.revoked_reason or REVOKED
    if aware(invitation.expires_at) <= (now or utcnow()):
        return "expired"
    return "opened" if invitation.opened_at is not None else "sent"


def revoke(db: Session, invitation: Invitation, now: datetime | None = None) -> bool:
    """Stop the link working; False when it was already completed or revoked."""
    if invitation.completed_at is not None or invitation.revoked_at is not None:
        return False
    invitation.revoked_at, invitation.revoked_reason = now or utcnow(), REVOKED
    return True


def locked_answers(invitation: Invitation) -> dict[str, Any]:
    """The identity answers an invitation fills in: the clinic's record of who the patient is."""
    answers: dict[str, Any] = {"first_name": invitation.first_name, "last_name": invitation.last_name,
                               "date_of_birth": invitation.date_of_birth.isoformat()}
    if invitation.record_number:
        answers["record_number"] = invitation.record_number
    return answers
