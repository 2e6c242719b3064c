"""Clinic invitations: a personal link for one patient, kept as the sha256 of its 256-bit token.

    create(db, ...)          a new invitation and its token (shown once, never stored)
    renew(db, old, days)     a new link for the same patient; the old one is replaced, its questionnaire moves
    by_token(db, token)      the invitation and its state: 'open', 'unknown', 'expired', 'revoked', 'replaced',
                             'completed'
    by_hash(db, hash)        the same, from the token's sha256 (what the patient's cookie holds)
    by_id(db, id)            the invitation staff chose by its id, or None
    revoke(db, invitation)   the link stops working
    locked_answers(inv)      the identity answers it fills in, which the patient cannot change
    state_of(inv, now)       'sent', 'opened', 'completed', 'expired', 'revoked', 'replaced'
    newest(db, state)        the newest invitations, optionally in one state, for the staff list
    begin(db, inv, days)     the date of birth matched: the questionnaire begun from it, or a new one
    forget_old(db, cutoff)   delete invitations made before cutoff (purge); the caller commits
    link(base, token)        the personal link a patient is sent

Nothing here logs, and nothing here knows about Flask: names, dates of birth and tokens never reach a log.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from screening.clock import aware, utcnow
from screening.records import database, drafts
from screening.records.models import Draft, Invitation

TOKEN_BYTES = 32  # 256 bits
REVOKED, REPLACED = "revoked", "replaced"
STATES = ("sent", "opened", "completed", "expired", "revoked", "replaced")
# A link lasts at most a year: past that, the clinic's details on it are likely out of date.
MAX_DAYS = 365


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create(db: Session, *, first_name: str, last_name: str, date_of_birth: date, days: int,
           record_number: str | None = None, appointment_on: date | None = None,
           created_by: str | None = None, now: datetime | None = None) -> tuple[Invitation, str]:
    """A new invitation and its token. It replaces nothing: two patients may share a name and a date of birth,
    so only renew(), on the one invitation staff chose, carries a questionnaire over."""
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
        raise ValueError(f"an invitation lasts 1 to {MAX_DAYS} days, not {days!r}")
    now = now or utcnow()
    token = secrets.token_urlsafe(TOKEN_BYTES)
    invitation = Invitation(token_hash=token_hash(token), first_name=first_name, last_name=last_name,
                            date_of_birth=date_of_birth, record_number=record_number or None,
                            appointment_on=appointment_on, created_at=now, created_by=created_by,
                            expires_at=now + timedelta(days=days))
    db.add(invitation)
    db.flush()
    return invitation, token


def renew(db: Session, old: Invitation, days: int, created_by: str | None = None,
          now: datetime | None = None) -> tuple[Invitation, str]:
    """A new link for the patient of `old`, which stops working ("replaced"). A questionnaire begun from the
    old link moves to the new one: the patient carries on from it, and sending completes the new one."""
    now = now or utcnow()
    invitation, token = create(db, first_name=old.first_name, last_name=old.last_name,
                               date_of_birth=old.date_of_birth, record_number=old.record_number,
                               appointment_on=old.appointment_on, days=days, created_by=created_by, now=now)
    old.revoked_at, old.revoked_reason = now, REPLACED
    invitation.draft_id, old.draft_id = old.draft_id, None
    draft = db.get(Draft, invitation.draft_id) if invitation.draft_id else None
    if draft is not None:
        draft.invitation_id = invitation.id
    db.flush()
    return invitation, token


def by_token(db: Session, token: str, now: datetime | None = None) -> tuple[Invitation | None, str]:
    """The invitation a link's token opens, and why it cannot be used when it cannot."""
    if not isinstance(token, str) or not 20 <= len(token) <= 100:
        return None, "unknown"
    return by_hash(db, token_hash(token), now)


def by_hash(db: Session, hashed: object, now: datetime | None = None) -> tuple[Invitation | None, str]:
    """As by_token, from the token's sha256: the patient's cookie holds that, never the token itself."""
    if not isinstance(hashed, str) or len(hashed) != 64:
        return None, "unknown"
    invitation = db.scalar(select(Invitation).where(Invitation.token_hash == hashed))
    if invitation is None:
        return None, "unknown"
    state = state_of(invitation, now or utcnow())
    return invitation, ("open" if state in ("sent", "opened") else state)


def by_id(db: Session, invitation_id: int) -> Invitation | None:
    """The invitation with this id, or None (also for a number no row can have)."""
    return database.by_id(db, Invitation, invitation_id)


def state_of(invitation: Invitation, now: datetime | None = None) -> str:
    if invitation.completed_at is not None:
        return "completed"
    if invitation.revoked_at is not None:
        return invitation.revoked_reason or REVOKED
    if aware(invitation.expires_at) <= (now or utcnow()):
        return "expired"
    return "opened" if invitation.opened_at is not None else "sent"


def revoke(db: Session, invitation: Invitation, now: datetime | None = None) -> bool:
    """Stop the link working, and delete the questionnaire begun from it: a clinic revokes a link sent to the
    wrong person, whose answers must not arrive under this patient's name. False when it was already completed
    or revoked. The caller commits."""
    if invitation.completed_at is not None or invitation.revoked_at is not None:
        return False
    invitation.revoked_at, invitation.revoked_reason = now or utcnow(), REVOKED
    db.execute(delete(Draft).where(Draft.invitation_id == invitation.id))
    invitation.draft_id = None
    return True


def locked_answers(invitation: Invitation) -> dict[str, Any]:
    """The identity answers an invitation fills in: the clinic's record of who the patient is."""
    answers: dict[str, Any] = {"first_name": invitation.first_name, "last_name": invitation.last_name,
                               "date_of_birth": invitation.date_of_birth.isoformat()}
    if invitation.record_number:
        answers["record_number"] = invitation.record_number
    return answers


def _in_state(state: str, now: datetime) -> ColumnElement[bool]:
    """The rows state_of would call `state`, as a WHERE clause, so the list filters in the database."""
    live = and_(Invitation.completed_at.is_(None), Invitation.revoked_at.is_(None))
    return {
        "completed": Invitation.completed_at.is_not(None),
        "revoked": and_(Invitation.completed_at.is_(None), Invitation.revoked_at.is_not(None),
                        or_(Invitation.revoked_reason.is_(None), Invitation.revoked_reason != REPLACED)),
        "replaced": and_(Invitation.completed_at.is_(None), Invitation.revoked_reason == REPLACED),
        "expired": and_(live, Invitation.expires_at <= now),
        "opened": and_(live, Invitation.expires_at > now, Invitation.opened_at.is_not(None)),
        "sent": and_(live, Invitation.expires_at > now, Invitation.opened_at.is_(None)),
    }[state]


def newest(db: Session, state: str | None = None, limit: int = 50,
           now: datetime | None = None) -> tuple[list[tuple[Invitation, str]], int]:
    """The newest `limit` invitations (in `state` when given), each with its state, and how many there are."""
    if state is not None and state not in STATES:
        raise ValueError(f"unknown invitation state {state!r}; one of {', '.join(STATES)}")
    now = now or utcnow()
    where = [_in_state(state, now)] if state else []
    total = db.scalar(select(func.count()).select_from(Invitation).where(*where)) or 0
    rows = db.scalars(select(Invitation).where(*where)
                      .order_by(Invitation.created_at.desc(), Invitation.id.desc()).limit(limit)).all()
    return [(row, state_of(row, now)) for row in rows], total


def draft_of(db: Session, invitation: Invitation) -> Draft | None:
    """The questionnaire begun from this link (or moved to it by renew()), while it is still kept."""
    return drafts.by_id(db, invitation.draft_id) if invitation.draft_id else None


def begin(db: Session, invitation: Invitation, days: int) -> tuple[Draft, str | None]:
    """The patient confirmed the date of birth: the questionnaire to carry on with, and a new resume code.

    The code is None when the questionnaire was begun before: only its sha256 is kept, so it cannot be shown
    again, and a new one would stop the one the patient may have written down. Either way the draft is tied
    to this invitation (its submission completes it) and holds the clinic's identity answers. Commits.
    """
    invitation.opened_at = invitation.opened_at or utcnow()
    draft, code = draft_of(db, invitation), None
    if draft is None:
        draft, code = drafts.create(db, days)
    draft.invitation_id = invitation.id
    invitation.draft_id = draft.id
    drafts.save(db, draft, {**(draft.answers or {}), **locked_answers(invitation)}, days)
    return draft, code


def forget_old(db: Session, cutoff: datetime) -> int:
    """Delete invitations made before `cutoff`, with the patient's name and date of birth on them, and any
    questionnaire still in progress from one (its name would no longer be locked); the caller commits.
    A submission made from one keeps its answers and loses only the link to it."""
    old = select(Invitation.id).where(Invitation.created_at < cutoff)
    db.execute(delete(Draft).where(Draft.invitation_id.in_(old)))
    return db.execute(delete(Invitation).where(Invitation.created_at < cutoff)).rowcount or 0


def link(base_url: str, token: str) -> str:
    """The personal link: the site's address, then /invite?t= and the token. In the query string, not the path,
    because the app's and gunicorn's request log lines drop query strings (screening/request_log.py)."""
    return f"{base_url.rstrip('/')}/invite?t={token}"
