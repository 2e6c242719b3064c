"""Flask extensions and interfaces made here and given to the app in create_app.

The session interface is Flask's own signed-cookie session, without the work it repeated on every request. A
patient's browser sends the same cookie on every page until it is signed again, and each GET and POST derived a
key, checked an HMAC and undid base64 and zlib, and each save signed the whole cookie again only to move its
expiry forward (together about a fifth of a step POST, benchmarks/profile_step.py). So:

- the serializer is made once for the app's keys; a change of SECRET_KEY or its fallbacks makes a new one and
  an empty memory of verified cookies with it;
- a cookie whose signature was checked is remembered by its exact text, as its payload's text and when it was
  signed: the next request carrying the same text parses that payload without checking the signature again,
  and still refuses it once it is older than the session's lifetime. Only a text this worker verified itself is
  ever found there, and each request gets its own parsed copy;
- `session.slide()` (a draft's save) moves the cookie's expiry forward by signing it again only once it was
  signed REFRESH_AFTER ago or more. The cookie's lifetime is the draft's longest plus REFRESH_AFTER
  (screening.settings), so it never ends before the draft it opens.

The CSRF token a page carries is Flask-WTF's, checked by Flask-WTF on every POST. Signing it was a tenth of a
step page's time, and a session's token signed a minute ago is as good as a new one: `csrf_token()` gives the
one this worker last signed for the session's secret while it is younger than a 24th of its time limit (10
minutes of 4 hours), and signs a new one after that.
"""
from __future__ import annotations

import time

from flask import Flask, Request, current_app, g, session
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from flask_wtf.csrf import CSRFProtect, generate_csrf
from itsdangerous import BadSignature, URLSafeTimedSerializer

from screening import clock
from screening.kept import Kept

# Seconds a cookie may go unsigned while saves extend the draft: a save signs it again at most this often.
REFRESH_AFTER = 3600
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
            known = (self.serializer.dumps(data), stamp.timestamp())
            verified.put(text, known)
        payload, signed_at = known
        if not 0 <= clock.utcnow().timestamp() - signed_at <= max_age:  # as itsdangerous refuses it
            return self.session_class()
        session = self.session_class(self.serializer.loads(payload))
        session.signed_at = signed_at
        return session

    def should_set_cookie(self, app: Flask, session: SlidingSession) -> bool:  # type: ignore[override]
        if session.sliding and (session.signed_at is None
                                or clock.utcnow().timestamp() - session.signed_at >= REFRESH_AFTER):
            return True
        return super().should_set_cookie(app, session)


# Per worker: a token and when it was signed, by the session's secret token and the app's keys.
_SIGNED_TOKENS: Kept[tuple[str, float]] = Kept(COOKIES_KEPT)
TOKEN_REUSE_MOST = 600  # seconds


def csrf_token() -> str:
    """The CSRF token for this page (templates call it): one signed a little while ago for the same session and
    keys, or a new one (Flask-WTF's generate_csrf). Every page of one request carries the same token."""
    config = current_app.config
    field = config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    if field in g:
        return getattr(g, field)
    limit = config.get("WTF_CSRF_TIME_LIMIT", 3600)
    reuse_for = TOKEN_REUSE_MOST if limit is None else min(TOKEN_REUSE_MOST, limit / 24)
    secret = session.get(field)
    key = (config.get("WTF_CSRF_SECRET_KEY") or current_app.secret_key, secret)
    known = _SIGNED_TOKENS.find(key) if secret is not None else None
    now = time.time()  # itsdangerous's clock, which the check on POST reads
    if known is not None and 0 <= now - known[1] < reuse_for:
        setattr(g, field, known[0])
        return known[0]
    token = generate_csrf()
    _SIGNED_TOKENS.put((key[0], session[field]), (token, now))
    return token


def init_csrf(app: Flask) -> None:
    csrf.init_app(app)
    # Flask-WTF gives templates its generate_csrf both ways; a later context processor wins over its own.
    app.jinja_env.globals["csrf_token"] = csrf_token
    app.context_processor(lambda: {"csrf_token": csrf_token})
