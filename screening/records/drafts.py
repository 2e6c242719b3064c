"""Drafts: answers saved as the patient goes, found again by the cookie or by a resume code."""
from __future__ import annotations

import functools
import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from collections.abc import Iterable
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from screening.records import codes
from screening.records.prepared import prepared
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


@dataclass(slots=True)
class DraftView:
    """A draft as a step page reads and saves it, in one narrow query with no ORM object built (lean_by_id)."""
    id: str
    answers: dict[str, Any]
    presented: list[str]
    updated_at: datetime
    expires_at: datetime
    invitation_id: int | None
    urgent_since: datetime | None


_TABLE = Draft.__table__
_LEAN_BY_ID = select(_TABLE.c.id, _TABLE.c.answers, _TABLE.c.presented, _TABLE.c.updated_at, _TABLE.c.expires_at,
                     _TABLE.c.invitation_id, _TABLE.c.urgent_since).where(_TABLE.c.id == bindparam("draft_id"))


def lean_by_id(engine: Engine, draft_id: Any) -> DraftView | None:
    """by_id for the step pages, most of the traffic: the ORM's session, identity map and object cost
    several times the query itself, and Core's execution twice the driver's (screening.records.prepared).
    Writes are UPDATEs by id (save, mark_presented)."""
    if not isinstance(draft_id, str):
        return None
    row = prepared(_LEAN_BY_ID, engine).fetch_one(engine, {"draft_id": draft_id})
    if row is None:
        return None
    view = DraftView(*row)
    if aware(view.expires_at) <= utcnow():
        return None
    view.answers, view.presented = view.answers or {}, view.presented or []
    return view


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


# A save moves the draft's expiry forward only when it would otherwise end less than `days` after this save, and
# then to an hour beyond: most saves leave the indexed expires_at alone and write the draft's row page only (a
# save that sets it, or urgent_since, writes 2 to 5 pages to the WAL and syncs them all). A draft is then kept
# at least `days` and at most `days` and an hour after its last save.
EXPIRY_STEP = timedelta(hours=1)


def save(db: Session | Engine, draft: Draft | DraftView, answers: dict[str, Any], days: int,
         presented: Iterable[str] = (), urgent_changed: bool = True) -> None:
    """Keep the answers, the questions that have now been on the screen, the expiry and urgent_since (set by
    screening.records.outbox.mark_urgent, which says whether it changed it: `urgent_changed`) in one commit:
    one UPDATE by id, for a DraftView as for a Draft, of the columns that change. `db`: the request's Session
    for a Draft; for a DraftView, it or its Engine (a step POST saves without opening a Session)."""
    assert isinstance(draft, DraftView) or not isinstance(db, Engine), "a Draft is saved through its Session"
    now = utcnow()
    seen = list(draft.presented or [])
    values = {"answers": dict(answers), "presented": seen + [q for q in presented if q not in seen],
              "updated_at": now}
    if aware(draft.expires_at) < now + timedelta(days=days):
        values["expires_at"] = now + timedelta(days=days) + EXPIRY_STEP
    if urgent_changed:
        values["urgent_since"] = draft.urgent_since
    statement = _save(tuple(values))
    params = {"draft_id": draft.id, **{f"new_{name}": value for name, value in values.items()}}
    if isinstance(draft, DraftView):
        # A step's save, most of the writes: a transaction of its own on the driver's cursor, without the ORM's
        # bookkeeping (the request's Session holds no change of this draft: a DraftView is not in it).
        engine = db if isinstance(db, Engine) else db.get_bind()
        prepared(statement, engine).run_and_commit(engine, params)
    else:
        db.execute(statement, params)
        db.commit()
    _keep(draft, values)


@functools.cache
def _save(columns: tuple[str, ...]):
    """The UPDATE of these columns, built once per set of them (four at most): each step POST runs one."""
    return update(_TABLE).where(_TABLE.c.id == bindparam("draft_id")).values(
        {name: bindparam(f"new_{name}", type_=_TABLE.c[name].type) for name in columns})


def _keep(draft: Draft | DraftView, values: dict[str, Any]) -> None:
    """The values just written, on the object too; a Draft's are marked as saved, not as changes to flush."""
    for name, value in values.items():
        if isinstance(draft, Draft):
            set_committed_value(draft, name, value)
        else:
            setattr(draft, name, value)


def mark_presented(db: Session, draft: Draft | DraftView, question_ids: Iterable[str]) -> None:
    """Remember that these questions have been on the patient's screen: one UPDATE of that column, for a
    DraftView as for a Draft (whose other unsaved changes, if any, are not written by this)."""
    seen = list(draft.presented or [])
    new = [q for q in question_ids if q not in seen]
    if new:
        presented = seen + new
        db.execute(update(_TABLE).where(_TABLE.c.id == draft.id).values(presented=presented))
        db.commit()
        _keep(draft, {"presented": presented})


def code_hash(typed: str) -> str | None:
    """The sha256 a resume code is kept as, or None if the text cannot be a code."""
    code = normalise_code(typed)
    return _hash(code) if code is not None else None


def expires_on(draft: Draft) -> datetime:
    return aware(draft.expires_at)



def set_language(db: Session, draft: Draft, language: str) -> None:
    draft.language = language
    db.commit()
