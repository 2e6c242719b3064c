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

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from screening.conditions.language import suggest
from screening.clock import utcnow
from screening.records.models import StaffUser

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


def reset_password(user: StaffUser, password: str) -> None:
    user.password_hash = hash_password(password)
    user.failed_attempts = 0
    user.locked_until = None


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
    """Check a sign-in and count a failure against its account; the caller commits and records.

    Every path hashes once, so the time taken does not tell whether an email has an account.
    """
    now = now or utcnow()
    user = by_email(db, email)
    if user is None or user.locked(now):
        check_password_hash(_decoy_hash(), password)
        return Attempt(Outcome.UNKNOWN if user is None else Outcome.LOCKED, user)
    if not check_password_hash(user.password_hash, password):
        user.failed_attempts = (user.failed_attempts or 0) + 1
        if user.failed_attempts < max_failed:
            return Attempt(Outcome.WRONG_PASSWORD, user)
        user.failed_attempts, user.locked_until = 0, now + lock_for
        return Attempt(Outcome.NOW_LOCKED, user)
    if not user.active:
        return Attempt(Outcome.DISABLED, user)
    user.failed_attempts, user.locked_until, user.last_sign_in_at = 0, None, now
    return Attempt(Outcome.SIGNED_IN, user)
