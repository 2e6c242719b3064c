"""Flask extensions and interfaces made here and given to the app in create_app."""
from __future__ import annotations

from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from flask_wtf.csrf import CSRFProtect
from itsdangerous import URLSafeTimedSerializer

csrf = CSRFProtect()


class SignedCookieSessions(SecureCookieSessionInterface):
    """Flask's own signed-cookie session, with its serializer made once for the app's keys rather than on every
    request (an eighth of a step page's session work); a change of SECRET_KEY or its fallbacks makes a new one."""

    def __init__(self) -> None:
        self._made: tuple[tuple, URLSafeTimedSerializer | None] | None = None

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        made = self._made
        if made is None or made[0] != keys:
            made = self._made = (keys, super().get_signing_serializer(app))
        return made[1]
