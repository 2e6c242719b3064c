"""Drafts: answers saved as the patient goes, found again by the cookie or by a resume code."""
from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from screening.models import Draft, utcnow

# Crockford's base32: no I, L, O or U, so a code read aloud or copied by hand survives.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CONFUSABLE = str.maketrans({"O": "0", "I": "1", "L": "1"})


def new_code(groups: int = 3) -> str:
    """Three groups of four: 60 random bits, typed as XXXX-XXXX-XXXX."""
    return "-".join("".join(secrets.choice(ALPHABET) for _ in range(4)) for _ in range(groups))


def normalise_code(typed: str) -> str | None:
    """The canonical form of a typed code, or None if it cannot be one."""
    compact = re.sub(r"[\s-]", "", (typed or "").upper()).translate(CONFUSABLE)
    if len(compact) != 12 or any(ch not in ALPHABET for ch in compact):
        return None
    return "-".join(compact[i:i + 4] for i in range(0, 12, 4))


def _hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def _aware(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes; everything stored is UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def create(db: Session, days: int) -> tuple[Draft, str]:
    code = new_code()
    now = utcnow()
    draft = Draft(id=secrets.token_urlsafe(32), resume_hash=_hash(code), answers={},
                  created_at=now, updated_at=now, expires_at=now + timedelta(days=days))
    db.add(draft)
    db.commit()
    return draft, code


def by_id(db: Session, draft_id: Any) -> Draft | None:
    if not isinstance(draft_id, str):
        return None
    draft = db.get(Draft, draft_id)
    if draft is None or _aware(draft.expires_at) <= utcnow():
        return None
    return draft


def by_code(db: Session, typed: str) -> tuple[Draft | None, str]:
    """The draft for a resume code, with why not: 'ok', 'invalid', 'unknown' or 'expired'."""
    code = normalise_code(typed)
    if code is None:
        return None, "invalid"
    draft = db.scalar(select(Draft).where(Draft.resume_hash == _hash(code)))
    if draft is None:
        return None, "unknown"
    if _aware(draft.expires_at) <= utcnow():
        return None, "expired"
    return draft, "ok"


def save(db: Session, draft: Draft, answers: dict[str, Any], days: int) -> None:
    now = utcnow()
    draft.answers = dict(answers)
    draft.updated_at = now
    draft.expires_at = now + timedelta(days=days)
    db.commit()


def expires_on(draft: Draft) -> datetime:
    return _aware(draft.expires_at)


def purge_expired(db: Session) -> int:
    result = db.execute(delete(Draft).where(Draft.expires_at <= utcnow()))
    db.commit()
    return result.rowcount or 0
