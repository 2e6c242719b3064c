"""Staff sessions and the `role_required` guard that every staff page uses.

A staff session lives in the database (StaffSession); the cookie holds only a random token under a key
of its own (the patient's are 'draft', 'resume_code' and 'submission'). Each request reads the session
and the account again, so sign-out, idle expiry, disabling the account or resetting its password end
the session at once, on every worker, and a copy of the cookie taken before is refused afterwards.
"""
from __future__ import annotations

import functools
import hashlib
import secrets
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from flask import abort, current_app, flash, g, redirect, request, session, url_for
from sqlalchemy import update

from screening.clock import aware, utcnow
from screening.records import database
from screening.records.models import StaffSession, StaffUser
from screening.staff.accounts import ROLES

TOKEN = "staff_session"


def _session_id(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def sign_in(user: StaffUser) -> None:
    # A fresh cookie (and CSRF token): nothing set before sign-in carries over into it.
    session.clear()
    token = secrets.token_urlsafe(32)
    db = database.session()
    db.add(StaffSession(id=_session_id(token), staff_id=user.id))
    db.commit()
    session[TOKEN] = token
    g.staff = user


def _end(session_id: str) -> None:
    db = database.session()
    db.execute(update(StaffSession).where(StaffSession.id == session_id, StaffSession.ended_at.is_(None))
               .values(ended_at=utcnow()).execution_options(synchronize_session=False))
    db.commit()


def sign_out() -> None:
    token = session.get(TOKEN)
    if isinstance(token, str):
        _end(_session_id(token))
    session.clear()
    g.staff = None


def current_staff() -> StaffUser | None:
    """The signed-in, active staff member, or None. Also sets `g.staff` and marks the session as used."""
    if "staff" in g:
        return g.staff
    g.staff = None
    token = session.get(TOKEN)
    if not isinstance(token, str):
        return None
    db = database.session()
    row = db.get(StaffSession, _session_id(token))
    user = db.get(StaffUser, row.staff_id) if row is not None and row.ended_at is None else None
    if user is None or not user.active:
        sign_out()
        return None
    now, idle_minutes = utcnow(), current_app.config["STAFF_IDLE_MINUTES"]
    if (now - aware(row.last_seen_at)).total_seconds() > idle_minutes * 60:
        sign_out()
        flash(f"You were signed out after {idle_minutes} minutes without activity. Please sign in again.", "info")
        return None
    row.last_seen_at = now
    db.commit()
    g.staff = user
    return user


def safe_next(target: str | None) -> str | None:
    """`target` if it is a path on this site, else None: sign-in never sends anyone to another site."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    # Browsers read '\' as '/' and drop tabs and newlines, so '/\evil.example' would leave the site.
    if "\\" in target or any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in target):
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None


def _sign_in_url() -> str:
    # Only a page can be gone back to: a POST's form would be lost anyway.
    if request.method not in ("GET", "HEAD"):
        return url_for("staff.sign_in")
    return url_for("staff.sign_in", next=request.full_path if request.query_string else request.path)


def role_required(*roles: str) -> Callable:
    """Guard a staff view: allowed to anyone holding at least one of `roles`.

    Signed out: a 303 to the sign-in page, which comes back here. Signed in without the role: 403.
    Sets `g.staff` to the StaffUser. The roles are kept on the view as `allowed_roles`.
    """
    unknown = set(roles) - set(ROLES)
    if not roles or unknown:
        raise ValueError(f"role_required needs one or more of {ROLES}, not {roles!r}")
    allowed = frozenset(roles)

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            user = current_staff()
            if user is None:
                return redirect(_sign_in_url(), 303)
            if not user.roles & allowed:
                abort(403)
            return view(*args, **kwargs)

        guarded.allowed_roles = allowed
        return guarded

    return decorate
