"""Flask extensions and interfaces made here and given to the app in create_app.

The session interface is Flask's own signed-cookie session, with the work it repeats on every request done once.

A patient's browser sends the same cookie on every page until it is signed again, and the session's share of a
step POST was about a fifth of its time under cProfile: a key derived, an HMAC checked, base64, zlib and JSON undone, on each GET and POST,
and on each save the whole cookie signed again only to move its expiry forward. So:

- the serializer is made once for the app's keys (a change of SECRET_KEY or its fallbacks makes a new one, and
  forgets every cookie below);
- a cookie whose signature was checked is remembered by its exact text, with when it was signed: the next request
  carrying the same text reads its payload without checking the signature again, and still refuses it once it is
  older than the session's lifetime. Only a text this worker verified itself is ever found there;
- `session.slide()` (a draft's save) moves the cookie's expiry forward by signing it again only when it was signed
  more than REFRESH_AFTER ago. The cookie's lifetime is the draft's plus REFRESH_AFTER (screening.settings), so
  it never ends before the draft it opens.
"""
from __future__ import annotations

import time
from datetime import datetime

from flask import Flask, Request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from flask_wtf.csrf import CSRFProtect
from itsdangerous import BadSignature, URLSafeTimedSerializer

from screening.kept import Kept

REFRESH_AFTER = 3600  # seconds
COOKIES_KEPT = 4096  # per worker: a few hundred bytes each

csrf = CSRFProtect()


class SlidingSession(SecureCookieSession):
    signed_at: float | None = None  # of the cookie this session was read from; None for a new one
    sliding = False

    def slide(self) -> None:
        """The cookie's lifetime starts again (signed again, if it was signed long enough ago)."""
        self.sliding = True


class SignedCookieSessions(SecureCookieSessionInterface):
    session_class = SlidingSession

    def __init__(self) -> None:
        self._made: tuple[tuple, URLSafeTimedSerializer | None, Kept[tuple[str, float]]] | None = None

    def _for_keys(self, app: Flask) -> tuple[URLSafeTimedSerializer | None, Kept[tuple[str, float]]]:
        keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        made = self._made
        if made is None or made[0] != keys:
            made = self._made = (keys, super().get_signing_serializer(app), Kept(COOKIES_KEPT))
        return made[1], made[2]

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        return self._for_keys(app)[0]

    def open_session(self, app: Flask, request: Request) -> SlidingSession | None:
        signer, verified = self._for_keys(app)
        if signer is None:
            return None
        text = request.cookies.get(self.get_cookie_name(app))
        if not text:
            return self.session_class()
        max_age = app.permanent_session_lifetime.total_seconds()
        known = verified.find(text)
        if known is None:
            try:
                data, stamp = signer.loads(text, max_age=int(max_age), return_timestamp=True)
            except BadSignature:
                return self.session_class()
            known = (self.serializer.dumps(data), _seconds(stamp))
            verified.put(text, known)
        payload, signed_at = known
        if time.time() - signed_at > max_age:
            return self.session_class()
        session = self.session_class(self.serializer.loads(payload))
        session.signed_at = signed_at
        return session

    def should_set_cookie(self, app: Flask, session: SlidingSession) -> bool:  # type: ignore[override]
        if session.modified:
            return True
        if getattr(session, "sliding", False):
            return session.signed_at is None or time.time() - session.signed_at >= REFRESH_AFTER
        return super().should_set_cookie(app, session)


def _seconds(stamp: datetime) -> float:
    return stamp.timestamp()
