"""Static files under fingerprinted names, cached by browsers for a year, and responses compressed.

`url_for('static', filename='screening.css')` writes /static/screening.<first 12 hex of its sha256>.css. A
name with the fingerprint of the file as it is now is served `immutable` for a year: any edit changes the
name, so a browser never asks again and never keeps an old copy. The plain name (an old bookmark, a test)
and a fingerprint that no longer matches are still served, revalidated every time.

Compression is Flask-Compress's: every HTML, CSS and JS response (and the JSON and CSV ones) when the client
accepts it, with `Vary: Accept-Encoding`.
"""
from __future__ import annotations

import hashlib
import mimetypes
import re
from pathlib import Path

from flask import Flask, request
from flask_compress import Compress
from werkzeug.exceptions import NotFound

YEAR_SECONDS = 365 * 24 * 3600
IMMUTABLE = f"public, max-age={YEAR_SECONDS}, immutable"
REVALIDATE = "no-cache"
FINGERPRINTED = re.compile(r"^(?P<stem>.+)\.(?P<print>[0-9a-f]{12})(?P<suffix>\.[A-Za-z0-9]+)$")
COMPRESSED_TYPES = ["text/html", "text/css", "text/javascript", "application/javascript", "application/json",
                    "text/csv", "text/plain", "image/svg+xml", "application/fhir+json"]

compress = Compress()


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


def _send(app: Flask, folder: Path, name: str, cache_control: str):
    body = (folder / name).read_bytes()
    response = app.response_class(body, mimetype=mimetypes.guess_type(name)[0] or "application/octet-stream")
    response.set_etag(hashlib.sha256(body).hexdigest()[:32])
    response.headers["Cache-Control"] = cache_control
    return response.make_conditional(request)
