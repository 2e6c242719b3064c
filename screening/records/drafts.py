"""Drafts: answers saved as the patient goes, found again by the cookie or by a resume code."""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from screening.records import codes
from screening.clock import aware, utcnow
from screening.records.models import Draft

RESUME_GROUPS = 3


def new_code() -> str:
    """Three groups of four: 60 random bits, typed as XXXX-XXXX-XXXX."""
    return codes.new(RESUME_GROUPS)


def normalise_code(typed: str) -> str | None:
    """The canonical form of a typed resume code, or None if it cannot be one."""
    return codes.normalise(typed, RESUME_GROUPS)


def _hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def create(db: Session, days: int, language: str = "en") -> tuple[Draft, str]:
    code = new_code()
    now = utcnow()
    draft = Draft(id=secrets.token_urlsafe(32), resume_hash=_hash(code), answers={}, presented=[],
                  created_at=now, updated_at=now, expires_at=now + timedelta(days=days), language=language)
    db.add(draft)
    db.commit()
    return draft, code


def by_id(db: Session, draft_id: Any) -> Draft | None:
    if not isinstance(draft_id, str):
        return None
    draft = db.get(Draft, draft_id)
    if draft is None or aware(draft.expires_at) <= utcnow():
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
    if aware(draft.expires_at) <= utcnow():
        return None, "expired"
    return draft, "ok"


def save(db: Session, draft: Draft, answers: dict[str, Any], days: int, presented: Iterable[str] = ()) -> None:
    """Keep the answers, and the questions that have now been on the screen, in one commit."""
    now = utcnow()
    seen = list(draft.presented or [])
    draft.presented = seen + [q for q in presented if q not in seen]
    draft.answers = dict(answers)
    draft.updated_at = now
    draft.expires_at = now + timedelta(days=days)
    db.commit()


def mark_presented(db: Session, draft: Draft, question_ids: Iterable[str]) -> None:
    """Remember that these questions have been on the patient's screen."""
    seen = list(draft.presented or [])
    new = [q for q in question_ids if q not in seen]
    if new:
        draft.presented = seen + new
        db.commit()


def code_hash(typed: str) -> str | None:
    """The sha256 a resume code is kept as, or None if the text cannot be a code."""
    code = normalise_code(typed)
    return _hash(code) if code is not None else None


def expires_on(draft: Draft) -> datetime:
    return aware(draft.expires_at)



def set_language(db: Session, draft: Draft, language: str) -> None:
    draft.language = language
    db.commit()
