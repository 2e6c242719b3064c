"""Limits on what an attacker would repeat, counted in the database so they hold across workers,
restarts and machines.

    take(db, kind, key, limit, window)   count one try; allowed while the tries in the window are within limit
    give_back(db, tried)                 a try that should not count after all (a staff sign-in that succeeded)

Each try is a row, committed before it is counted: of tries made at once, the n-th to commit sees at least
n rows, so no more than `limit` are ever allowed in a window, whatever the timing. Refused tries are
counted too, so an address that keeps guessing stays refused.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from screening.clock import utcnow
from screening.records.models import Attempt

SIGN_IN_ADDRESS = "sign_in_address"
RESUME_CODE = "resume_code"
# Longer than any window: purge deletes rows past it.
KEEP = timedelta(days=1)


@dataclass(frozen=True)
class Tried:
    allowed: bool
    attempt_id: int


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def take(db: Session, kind: str, key: str, limit: int, window: timedelta, now: datetime | None = None) -> Tried:
    """Record a try of `kind` by `key` and commit it, then say whether it is within the limit."""
    now = now or utcnow()
    attempt = Attempt(kind=kind, key=_digest(key), at=now)
    db.add(attempt)
    db.commit()
    tries = db.scalar(select(func.count()).select_from(Attempt).where(
        Attempt.kind == kind, Attempt.key == attempt.key, Attempt.at > now - window)) or 0
    return Tried(tries <= limit, attempt.id)


def give_back(db: Session, tried: Tried) -> None:
    db.execute(delete(Attempt).where(Attempt.id == tried.attempt_id))
    db.commit()


def forget_old(db: Session, now: datetime | None = None) -> int:
    """Delete tries older than any window; the caller commits."""
    return db.execute(delete(Attempt).where(Attempt.at < (now or utcnow()) - KEEP)).rowcount or 0
