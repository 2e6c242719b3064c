"""The catalogue in another language, made at display time: the definitions stay English in questions.py.

Every text a patient can read (step titles and intros, labels, short names, hints, units, the thing an error names,
every choice) goes through one gettext function; ids, values, ranges and show-when stay as they are, so answers,
branching and rules are the same in every language. catalogue_texts lists those texts, for the gettext extractor
(screening.language.extract) and the tests that every one has a translation.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Callable, Iterator

from screening.catalogue.types import Catalogue, Choice, Question, Step

Gettext = Callable[[str], str]


def question_texts(question: Question) -> Iterator[tuple[str, str]]:
    """(where, text) for every patient-readable text of one question."""
    for key in ("label", "short", "hint", "unit", "error"):
        if getattr(question, key):
            yield f"{question.id}: {key}", getattr(question, key)
    for choice in question.all_choices:
        yield f"{question.id}={choice.value}", choice.label


def catalogue_texts(catalogue: Catalogue) -> Iterator[tuple[str, str]]:
    for step in catalogue.steps:
        yield f"step {step.id}: title", step.title
        if step.intro:
            yield f"step {step.id}: intro", step.intro
        for question in step.questions:
            yield from question_texts(question)
    for score in catalogue.scores:
        yield from question_texts(score)


def _choice(choice: Choice | None, _: Gettext) -> Choice | None:
    return replace(choice, label=_(choice.label)) if choice else None


def _question(question: Question, _: Gettext) -> Question:
    def opt(text: str | None) -> str | None:
        return _(text) if text else text

    return replace(question, label=_(question.label), short=opt(question.short), hint=opt(question.hint),
                   unit=opt(question.unit), error=opt(question.error),
                   choices=tuple(_choice(c, _) for c in question.choices), unknown=_choice(question.unknown, _))


def translated(catalogue: Catalogue, gettext: Gettext) -> Catalogue:
    steps = tuple(replace(step, title=gettext(step.title), intro=gettext(step.intro) if step.intro else None,
                          questions=tuple(_question(q, gettext) for q in step.questions))
                  for step in catalogue.steps)
    return Catalogue(steps, tuple(_question(s, gettext) for s in catalogue.scores))


__all__ = ["Step", "catalogue_texts", "translated"]
