"""A question's markup on a patient's page, from macros.html's `question` macro, kept for the choice questions.

Most of a step page is its choice questions, and their markup depends only on the question (in one language) and
which of its choices are ticked: the same few hundred variants for every patient. Rendering the macro for each was
the largest part of a step page's time (benchmarks/profile_step.py), so each variant is rendered once per worker.

Only choice questions without an error are kept: their key is made of catalogue values alone, so the cache holds
no text a patient typed, no number and no date. Every other question, and a choice question showing an error, is
rendered by the macro each time.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask
from markupsafe import Markup

from screening.catalogue.types import Question
from screening.kept import Kept
from screening.language.choose import current as current_language

# Every step's choice questions, each with its choices ticked in the ways patients tick them, in two languages:
# far fewer than this. Bounded all the same, as a multi-choice question has many combinations.
KEPT = 4096


class QuestionMarkup:
    def __init__(self, macro: Callable[[Question, Any], str], kept: int = KEPT):
        self._macro = macro
        self.variants: Kept[tuple[Question, Markup]] = Kept(kept)

    def __call__(self, question: Question, field: Any) -> Markup:
        key = self._key(question, field)
        if key is None:
            return Markup(self._macro(question, field))
        kept_for, markup = self.variants.get(key, lambda: (question, Markup(self._macro(question, field))))
        if kept_for is not question:
            # The same id, another object (the first one gone): each language's questions live as long as the
            # worker, but a question made for one page would not.
            markup = Markup(self._macro(question, field))
            self.variants.put(key, (question, markup))
        return markup

    @staticmethod
    def _key(question: Question, field: Any) -> tuple | None:
        if question.type not in ("choice", "multi") or field.errors:
            return None
        data = field.data
        ticked = tuple(data) if isinstance(data, (list, tuple)) else (data,)
        values = question.choice_values
        if not all(value is None or value in values for value in ticked):
            return None  # a value from outside the catalogue (a stale draft) is never a key
        # The question object too: each language's Questionnaire has its own, with its own texts.
        return current_language(), question.id, id(question), frozenset(ticked)


def init_app(app: Flask) -> None:
    env = app.jinja_env
    if env.auto_reload:
        # `flask run --debug` reads an edited macros.html again: so does every question, with nothing kept.
        app.add_template_global(lambda question, field: Markup(env.get_template("macros.html").module.question(
            question, field)), "question_markup")
        return
    app.add_template_global(QuestionMarkup(env.get_template("macros.html").module.question), "question_markup")
