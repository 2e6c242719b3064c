"""Security headers on every response, written here rather than by a library: the policy is short, fixed,
and each header has a test of its own (tests/test_headers.py)."""
from __future__ import annotations

from flask import Flask

CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                           "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
# Two years, the preload list's minimum being one; subdomains are the clinic's to decide, so not included.
STRICT_TRANSPORT_SECURITY = "max-age=63072000"


def policy(style_hashes: tuple[str, ...] = ()) -> str:
    """The policy, with the hashes of the inline styles the pages may carry (screening.assets)."""
    if not style_hashes:
        return CONTENT_SECURITY_POLICY
    return CONTENT_SECURITY_POLICY.replace("style-src 'self'", "style-src 'self' " + " ".join(style_hashes))


def init_app(app: Flask) -> None:
    https_only = app.config["ENV"] != "development"
    fixed_headers: list[tuple[str, str]] = []

    @app.after_request
    def _security_headers(response):
        if not fixed_headers:  # built on the first response, once screening.assets has hashed its styles
            # Pages hold health answers: keep them out of shared caches and the back-forward cache.
            fixed = [("Cache-Control", "no-store"), ("X-Content-Type-Options", "nosniff"),
                     ("Referrer-Policy", "no-referrer"), ("X-Frame-Options", "DENY"),
                     ("Content-Security-Policy", policy(app.extensions.get("screening.style_hashes", ())))]
            if https_only:
                fixed.append(("Strict-Transport-Security", STRICT_TRANSPORT_SECURITY))
            fixed_headers.extend(fixed)
        # A view's own header wins (a static file's Cache-Control); read the names once, as werkzeug's
        # setdefault would scan the headers again for each.
        present = {name.lower() for name in response.headers.keys()}
        response.headers.extend([(name, value) for name, value in fixed_headers if name.lower() not in present])
        return response
