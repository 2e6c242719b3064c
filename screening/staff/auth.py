"""Staff sessions and the `role_required` guard that every staff page uses.

The session holds only the staff id, when it was last used and a fingerprint of the password, under
keys of its own (the patient's are 'draft', 'resume_code' and 'submission'). Each request reads the
account again, so disabling it, or resetting its password, ends its sessions at once.
"""
from __future__ import annotations

import functools
import hashlib
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from flask import abort, current_app, flash, g, redirect, request, session, url_for

from screening.records import database
from screening.staff.accounts import ROLES
from screening.records.models import StaffUser

STAFF_ID, LAST_SEEN, KEY = "staff_id", "staff_seen", "staff_key"


def clock() -> float:
    return time.time()


def _key(user: StaffUser) -> str:
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def sign_in(user: StaffUser) -> None:
    # A fresh session (and CSRF token): nothing set before sign-in carries over into it.
    session.clear()
    session[STAFF_ID] = user.id
    session[LAST_SEEN] = clock()
    session[KEY] = _key(user)
    g.staff = user


def sign_out() -> None:
    session.clear()
    g.staff = None


def current_staff() -> StaffUser | None:
    """The signed-in, active staff member, or None. Also sets `g.staff` and marks the session as used."""
    if "staff" in g:
        return g.staff
    g.staff = None
    staff_id, seen = session.get(STAFF_ID), session.get(LAST_SEEN)
    if staff_id is None:
        return None
    user = database.session().get(StaffUser, staff_id) if isinstance(staff_id, int) else None
    if user is None or not user.active or session.get(KEY) != _key(user):
        sign_out()
        return None
    idle_minutes = current_app.config["STAFF_IDLE_MINUTES"]
    if not isinstance(seen, (int, float)) or clock() - seen > idle_minutes * 60:
        sign_out()
        flash(f"You were signed out after {idle_minutes} minutes without activity. Please sign in again.", "info")
        return None
    session[LAST_SEEN] = clock()
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
