"""The check-answers page: only the questions that were asked, by section, the answers that matter marked.

An answer matters to the doctor unless it reports nothing ("No", "None of these", "Never"): every "Yes", every
number, every "I don't know" and "Prefer not to say", every symptom and medicine ticked, every text typed.
"""
from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from screening.catalogue.measures import MEASURES
from screening.catalogue.types import Question, Step
from screening.questionnaire import Questionnaire

NOTHING_TO_REPORT = frozenset({"no", "none", "never"})


@dataclass(frozen=True)
class Row:
    question: Question
    answer: str
    matters: bool
    # A height or weight: `answer` is in US units, and this the same in metric, set in smaller type beside it
    # so the row stays one line on a phone.
    metric: str | None = None


def matters(value: Any, usual: Collection[str] = ()) -> bool:
    """Whether an answer is one to talk about; `usual` (Question.usual), when given, says which answers report nothing
    for that question in place of "No" ("Yes" to "can someone take you home?", where "No" is the one to report)."""
    quiet = (set(usual) | (NOTHING_TO_REPORT - {"no"})) if usual else NOTHING_TO_REPORT
    if isinstance(value, list):
        return any(item not in quiet for item in value)
    return value not in quiet and value not in (None, "")


def row(questionnaire: Questionnaire, question: Question, answers: Mapping[str, Any]) -> Row:
    # Who the patient is is not something to talk about: identity rows are never marked.
    marked = matters(answers.get(question.id), question.usual) and not question.identity
    value = answers.get(question.id)
    if question.measure and isinstance(value, (int, float)) and not isinstance(value, bool):
        measure = MEASURES[question.measure]
        return Row(question, measure.us(value), marked, measure.metric(value))
    return Row(question, questionnaire.display(question, answers), marked)


def sections(questionnaire: Questionnaire, answers: Mapping[str, Any]) -> list[tuple[Step, list[Row]]]:
    return [(step, [row(questionnaire, q, answers) for q in questionnaire.asked_in(step, answers)])
            for step in questionnaire.catalogue.steps]
