"""What a set of answers would raise, explained for staff trying out the rules.

The sandbox page (screening/staff/rules_pages.py) reads a form into answers and calls `preview`;
nothing is stored. Besides the summary, a preview says which answers were dropped because their
question would not be asked (so the branching is visible) and which scores were worked out.
Nothing here imports Flask.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from screening.questionnaire import QUESTIONNAIRE, Questionnaire, display_value
from screening.catalogue.types import Question
from screening.conditions.language import Condition
from screening.rules.engine import evaluate
from screening.rules.model import RuleSet, Summary


@dataclass(frozen=True)
class Dropped:
    """An answer given to a question that these answers would not ask."""

    question: Question
    answer: str
    asked_when: Condition | None


@dataclass(frozen=True)
class Score:
    question: Question
    value: int | None
    display: str


@dataclass(frozen=True)
class Preview:
    summary: Summary
    used: int
    dropped: tuple[Dropped, ...]
    scores: tuple[Score, ...]


def preview(ruleset: RuleSet, answers: Mapping[str, Any], questionnaire: Questionnaire = QUESTIONNAIRE) -> Preview:
    """The summary `ruleset` makes of `answers`, the answers branching drops, and the scores."""
    kept = questionnaire.prune(answers)
    seen = questionnaire.with_scores(answers)
    catalogue = questionnaire.catalogue
    dropped = tuple(
        Dropped(q, display_value(q, answers[q.id]), questionnaire.show_when.get(q.id))
        for q in catalogue.asked if q.id in answers and q.id not in kept
    )
    scores = tuple(Score(s, seen.get(s.id), questionnaire.display(s, seen)) for s in catalogue.scores)
    return Preview(evaluate(ruleset, answers, questionnaire), len(kept), dropped, scores)
