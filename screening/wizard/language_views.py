"""The language link on every patient page: the choice is kept in the session and on the draft in progress, then
the patient is back on the page they were on, now in that language."""
from __future__ import annotations

from flask import Blueprint, redirect, request, session, url_for
from werkzeug.wrappers import Response

from screening.language import ENGLISH, supported
from screening.language.choose import SESSION_KEY
from screening.records import database, drafts

bp = Blueprint("language", __name__)


def _back_to(target: str | None) -> str:
    # Only a path on this site: an address elsewhere ("//evil.example", "https://...") goes to the start.
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return url_for("wizard.start")
    return target


@bp.get("/language/<code>")
def choose(code: str) -> Response:
    chosen = supported(code) or ENGLISH
    session[SESSION_KEY] = chosen
    draft = drafts.by_id(database.session(), session.get("draft"))
    if draft is not None and draft.language != chosen:
        drafts.set_language(database.session(), draft, chosen)
    return redirect(_back_to(request.args.get("next")), 303)
