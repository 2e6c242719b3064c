"""Static files under fingerprinted names, cached by browsers for a year, and responses compressed.

`url_for('static', filename='screening.css')` writes /static/screening.<first 12 hex of its sha256>.css. A
name with the fingerprint of the file as it is now is served `immutable` for a year: any edit changes the
name, so a browser never asks again and never keeps an old copy. The plain name (an old bookmark, a test)
and a fingerprint that no longer matches are still served, revalidated every time.

A browser that has not been sent the stylesheet yet (no `stylesheet` cookie naming today's fingerprint) gets it
inlined in a <style> the Content-Security-Policy allows by its sha256, and a preload of the file for the next
page; the cookie then says it has it. On an empty cache that saves the page a render-blocking round trip,
most of first paint on a slow phone network; a warm page links the cached file as before. The cookie is a
hint only: a browser that dropped its cache but kept the cookie is sent the <link> and fetches the file.

Compression is Flask-Compress's: every HTML, CSS and JS response (and the JSON and CSV ones) when the client
accepts it, with `Vary: Accept-Encoding`.
"""
from __future__ import annotations

import base64
import hashlib
import mimetypes
import re
from pathlib import Path

from flask import Flask, g, request
from flask_compress import Compress
from werkzeug.exceptions import NotFound

YEAR_SECONDS = 365 * 24 * 3600
IMMUTABLE = f"public, max-age={YEAR_SECONDS}, immutable"
REVALIDATE = "no-cache"
FINGERPRINTED = re.compile(r"^(?P<stem>.+)\.(?P<print>[0-9a-f]{12})(?P<suffix>\.[A-Za-z0-9]+)$")
COMPRESSED_TYPES = ["text/html", "text/css", "text/javascript", "application/javascript", "application/json",
                    "text/csv", "text/plain", "image/svg+xml", "application/fhir+json"]

compress = Compress()
STYLESHEET = "screening.css"
STYLESHEET_COOKIE = "stylesheet"


def fingerprints(folder: Path) -> dict[str, str]:
    """Each file's name, relative to `folder`, with its fingerprinted name."""
    names = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        name = path.relative_to(folder).as_posix()
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
        names[name] = f"{name[:-len(path.suffix)] if path.suffix else name}.{digest}{path.suffix}"
    return names


def init_app(app: Flask) -> None:
    app.config.setdefault("COMPRESS_MIMETYPES", COMPRESSED_TYPES)
    # Small responses (redirects, 'ok') are not worth a compressor's start.
    app.config.setdefault("COMPRESS_MIN_SIZE", 500)
    # A step page is about 8 KB: gzip 3 gives within 5% of level 6's size in 60% of its time; brotli 3 likewise
    # of brotli 4's, which takes four times as long as 1 (measured by benchmarks/profile_step.py's page).
    app.config.setdefault("COMPRESS_LEVEL", 3)
    app.config.setdefault("COMPRESS_BR_LEVEL", 3)
    compress.init_app(app)
    folder = Path(app.static_folder)
    named = fingerprints(folder)
    plain = {v: k for k, v in named.items()}

    @app.url_defaults
    def _fingerprinted(endpoint, values):
        if endpoint == "static" and values.get("filename") in named:
            values["filename"] = named[values["filename"]]

    def static(filename: str):
        # Sent from bytes rather than as a file stream: Flask-Compress gzips only whole bodies, and these
        # files are a few kilobytes.
        if filename in plain:
            response = _send(app, folder, plain[filename], IMMUTABLE)
            return response
        if filename not in named:
            match = FINGERPRINTED.match(filename)
            old = match and f"{match['stem']}{match['suffix']}"
            if not old or old not in named:
                raise NotFound()
            filename = old  # an edited file asked for by an old name: today's copy, revalidated
        return _send(app, folder, filename, REVALIDATE)

    app.view_functions["static"] = static
    _inline_stylesheet(app, folder, named[STYLESHEET])


def _inline_stylesheet(app: Flask, folder: Path, fingerprinted: str) -> None:
    text = (folder / STYLESHEET).read_text(encoding="utf-8")
    digest = base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode()
    app.extensions["screening.style_hashes"] = (f"'sha256-{digest}'",)

    def inline_stylesheet() -> str | None:
        """The stylesheet's text when this browser has not been sent it yet, else None."""
        if request.cookies.get(STYLESHEET_COOKIE) == fingerprinted:
            return None
        g.stylesheet_inlined = True
        return text

    app.extensions["screening.inline_stylesheet"] = inline_stylesheet

    @app.context_processor
    def _stylesheet():
        return {"inline_stylesheet": inline_stylesheet}

    @app.after_request
    def _remember_stylesheet(response):
        if g.pop("stylesheet_inlined", False):
            response.set_cookie(STYLESHEET_COOKIE, fingerprinted, max_age=YEAR_SECONDS, path="/",
                                secure=bool(app.config.get("SESSION_COOKIE_SECURE")), httponly=True,
                                samesite="Lax")
        return response


def _send(app: Flask, folder: Path, name: str, cache_control: str):
    body = (folder / name).read_bytes()
    response = app.response_class(body, mimetype=mimetypes.guess_type(name)[0] or "application/octet-stream")
    response.set_etag(hashlib.sha256(body).hexdigest()[:32])
    response.headers["Cache-Control"] = cache_control
    return response.make_conditional(request)
