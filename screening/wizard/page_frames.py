"""A step page as most GETs show it, rendered from step.html once per worker with slots for what is the patient's.

A step page read again (back, reload, resume) has no error, no urgent box, no message and no follow-up notice
most of the time; then everything on it but the CSRF token, the resume code and the questions is the same for
every patient on that step in that language. That frame is rendered by the real template, with a marker where each
of those three goes, and kept; a page is the frame with the markers filled (escaped as the template escapes them).
Any other page, or a frame whose markers did not come out exactly once each, is rendered by the template in full.

No patient's text is kept: a frame's key and content are the step, the language, the address and the day the
resume code stops working, and the markers.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app, render_template, request, session
from markupsafe import Markup, escape

from screening.kept import Kept
from screening.language.choose import current as current_language

CSRF, RESUME_CODE, QUESTIONS, NEXT = "\x00csrf\x00", "\x00resume-code\x00", "\x00questions\x00", "\x00next\x00"
KEPT = 512  # steps x languages x a few addresses and days; bounded, as a query string is the client's to choose


class PageFrames:
    def __init__(self, app: Flask, kept: int = KEPT):
        # What step.html calls for the three slots, and for the two things a frame's key needs from it.
        self._question_markup: Callable[[Any, Any], Markup] = app.jinja_env.globals["question_markup"]
        self._csrf_token: Callable[[], str] = app.jinja_env.globals["csrf_token"]
        self._us_date: Callable[[Any], str] = app.jinja_env.filters["us_date"]
        self._inline_stylesheet: Callable[[], str | None] = app.extensions["screening.inline_stylesheet"]
        # A template edited while `flask run --debug` serves is read again; a kept frame would not be.
        self._enabled = not app.jinja_env.auto_reload
        self.frames: Kept[Frame | None] = Kept(kept)

    def render(self, context: dict[str, Any]) -> str | None:
        """step.html with this context, or None when it is not a page a frame can show (render it in full)."""
        if not self._enabled or not _plain(context):
            return None
        stylesheet_inlined = self._inline_stylesheet() is not None  # also notes, as the template would, that it was sent
        key = (context["step"].slug, current_language(), bool(context.get("returning")), stylesheet_inlined,
               request.script_root, request.full_path if request.query_string else request.path,
               bool(context.get("resume_code")), self._us_date(context.get("expires_on")))
        frame = self.frames.get(key, lambda: _frame(context))
        if frame is None:
            return None
        form = context["form"]
        filled = {CSRF: escape(self._csrf_token()), RESUME_CODE: escape(context.get("resume_code") or ""),
                  QUESTIONS: frame.between.join(self._question_markup(q, form[q.id]) for q in context["questions"])}
        return "".join(filled.get(part, part) for part in frame.parts)


def _plain(context: dict[str, Any]) -> bool:
    # Any other query string is the client's to choose: rendered in full, so it cannot fill the worker's frames.
    return (request.query_string in (b"", b"return=check") and not context.get("urgent")
            and not context.get("locked") and not context.get("new_questions") and not context["form"].errors
            and context.get("questions") and "_flashes" not in session)


@dataclass(frozen=True)
class Frame:
    parts: tuple[str, ...]  # the page's text, with each marker alone in its own part
    between: str  # what the template writes between two questions


def _frame(context: dict[str, Any]) -> Frame | None:
    """The page split at its markers; None if any marker is not there exactly once.

    Rendered with the first question twice, marked apart, to learn what goes between two questions."""
    question_marks = iter((QUESTIONS, NEXT))
    marked = render_template("step.html", **{
        **context, "questions": context["questions"][:1] * 2,
        "resume_code": RESUME_CODE if context.get("resume_code") else None,
        "csrf_token": lambda: CSRF, "question_markup": lambda q, field: Markup(next(question_marks, ""))})
    markers = [CSRF, QUESTIONS, NEXT] + ([RESUME_CODE] if context.get("resume_code") else [])
    if any(marked.count(marker) != 1 for marker in markers) or marked.count("\x00") != 2 * len(markers):
        return None
    parts: list[str] = [marked]
    for marker in markers:
        parts = [piece for part in parts for piece in _split(part, marker)]
    at = parts.index(QUESTIONS)
    if parts[at + 2] != NEXT:
        return None
    return Frame(tuple(parts[:at + 1] + parts[at + 3:]), parts[at + 1])


def _split(text: str, marker: str) -> list[str]:
    if text in (CSRF, RESUME_CODE, QUESTIONS, NEXT):
        return [text]
    before, found, after = text.partition(marker)
    return [before, marker, after] if found else [text]


def init_app(app: Flask) -> None:
    """After the template globals, filters and the stylesheet it calls are registered."""
    app.extensions["screening.page_frames"] = PageFrames(app)


def frames() -> PageFrames:
    return current_app.extensions["screening.page_frames"]
