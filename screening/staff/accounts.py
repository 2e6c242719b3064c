"""Staff accounts: roles, password rules, creating and changing accounts, and checking a sign-in.

No Flask here: the command line and the sign-in view both call these, and record what happened.
"""
from __future__ import annotations

import enum
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from screening.conditions.language import suggest
from screening.clock import utcnow
from screening.records.models import StaffSession, StaffUser

CLINICIAN, RULES, ADMIN = "clinician", "rules", "admin"
ROLES = (CLINICIAN, RULES, ADMIN)
MIN_PASSWORD_LENGTH = 12
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+")


class AccountError(ValueError):
    """Bad input for an account; the message says what to change."""


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def check_email(email: str) -> str:
    email = normalise_email(email)
    if len(email) > 254 or not _EMAIL.fullmatch(email):
        raise AccountError(f"{email!r} is not an email address")
    return email


def check_roles(roles: Iterable[str]) -> frozenset[str]:
    roles = frozenset(r.strip().lower() for r in roles)
    if not roles:
        raise AccountError(f"give at least one role: {', '.join(ROLES)}")
    unknown = sorted(roles - set(ROLES))
    if unknown:
        raise AccountError(f"unknown role {unknown[0]!r}{suggest(unknown[0], ROLES)} (roles: {', '.join(ROLES)})")
    return roles


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"the password must be at least {MIN_PASSWORD_LENGTH} characters long")
    return password


def hash_password(password: str) -> str:
    return generate_password_hash(check_password(password), method="scrypt")


@functools.cache
def _decoy_hash() -> str:
    return generate_password_hash("not anyone's password", method="scrypt")


def by_email(db: Session, email: str) -> StaffUser | None:
    return db.scalar(select(StaffUser).where(StaffUser.email == normalise_email(email)))


def existing(db: Session, email: str) -> StaffUser:
    user = by_email(db, email)
    if user is None:
        raise AccountError(f"no staff account for {normalise_email(email)!r}")
    return user


def check_new(db: Session, email: str, roles: Iterable[str]) -> tuple[str, frozenset[str]]:
    email, roles = check_email(email), check_roles(roles)
    if by_email(db, email) is not None:
        raise AccountError(f"there is already a staff account for {email!r}")
    return email, roles


def create(db: Session, email: str, password: str, roles: Iterable[str]) -> StaffUser:
    email, roles = check_new(db, email, roles)
    user = StaffUser(email=email, password_hash=hash_password(password), active=True, failed_attempts=0)
    user.roles = roles
    db.add(user)
    return user


def reset_password(db: Session, user: StaffUser, password: str) -> None:
    user.password_hash = hash_password(password)
    user.failed_attempts = 0
    user.locked_until = None
    end_sessions(db, user)


def set_active(db: Session, user: StaffUser, active: bool) -> None:
    user.active = active
    if not active:
        end_sessions(db, user)


def end_sessions(db: Session, user: StaffUser, now: datetime | None = None) -> None:
    """End every open session of the account, on every worker and machine; the caller commits."""
    db.execute(update(StaffSession).where(StaffSession.staff_id == user.id, StaffSession.ended_at.is_(None))
               .values(ended_at=now or utcnow()).execution_options(synchronize_session=False))


class Outcome(enum.Enum):
    SIGNED_IN = "signed in"
    WRONG_PASSWORD = "wrong password"
    NOW_LOCKED = "wrong password; account locked"
    LOCKED = "account locked"
    DISABLED = "account disabled"
    UNKNOWN = "no such account"


@dataclass(frozen=True)
class Attempt:
    outcome: Outcome
    user: StaffUser | None  # the account tried, when there is one, whatever the outcome

    @property
    def signed_in(self) -> bool:
        return self.outcome is Outcome.SIGNED_IN


def authenticate(db: Session, email: str, password: str, *, max_failed: int, lock_for: timedelta,
                 now: datetime | None = None) -> Attempt:
    """Check a sign-in, counting it against its account first; the caller records the outcome and commits.

    A try is reserved with one UPDATE (failed_attempts + 1, only while under the limit and not locked) and
    committed before the password hash is checked, so tries sent at once by many workers cannot all read
    the same count: at most `max_failed` wrong passwords are ever checked before the account locks.
    Every path hashes once, so the time taken does not tell whether an email has an account.
    """
    now = now or utcnow()
    user = by_email(db, email)
    if user is None:
        check_password_hash(_decoy_hash(), password)
        return Attempt(Outcome.UNKNOWN, user)
    reserved = db.execute(
        update(StaffUser)
        .where(StaffUser.id == user.id, StaffUser.failed_attempts < max_failed,
               or_(StaffUser.locked_until.is_(None), StaffUser.locked_until <= now))
        .values(failed_attempts=StaffUser.failed_attempts + 1)
        .execution_options(synchronize_session=False)).rowcount
    db.commit()
    if not reserved:
        check_password_hash(_decoy_hash(), password)
        return Attempt(Outcome.LOCKED, user)
    if not check_password_hash(user.password_hash, password):
        # Of the tries in flight, only the one that finds the count at the limit locks the account.
        locked = db.execute(
            update(StaffUser).where(StaffUser.id == user.id, StaffUser.failed_attempts >= max_failed)
            .values(failed_attempts=0, locked_until=now + lock_for)
            .execution_options(synchronize_session=False)).rowcount
        db.commit()
        db.refresh(user)
        return Attempt(Outcome.NOW_LOCKED if locked else Outcome.WRONG_PASSWORD, user)
    if not user.active:
        # The right password for a disabled account: refused, and the try not held against the account.
        db.execute(update(StaffUser).where(StaffUser.id == user.id, StaffUser.failed_attempts > 0)
                   .values(failed_attempts=StaffUser.failed_attempts - 1)
                   .execution_options(synchronize_session=False))
        db.commit()
        return Attempt(Outcome.DISABLED, user)
    db.execute(update(StaffUser).where(StaffUser.id == user.id)
               .values(failed_attempts=0, locked_until=None, last_sign_in_at=now)
               .execution_options(synchronize_session=False))
    db.commit()
    db.refresh(user)
    return Attempt(Outcome.SIGNED_IN, user)
