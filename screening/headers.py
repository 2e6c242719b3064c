"""Security headers on every response."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    @app.after_request
    def _security_headers(response):
        # Pages hold health answers: keep them out of shared caches and the back-forward cache.
        response.headers.setdefault("Cache-Control", "no-store")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Content-Security-Policy",
                                    "default-src 'self'; script-src 'self'; style-src 'self'; "
                                    "img-src 'self' data:; frame-ancestors 'none'; form-action 'self'")
        return response
