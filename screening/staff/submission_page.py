"""What the submission page shows, worked out from a stored submission: its topics by severity with the
answers behind each, and every question of the catalogue, numbered, in order, grouped by step.

The numbers let a topic point at an answer ("because Q14: 150 mmHg") instead of repeating its question,
which keeps the printed summary short. Nothing here imports Flask.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from screening.clock import utc_day
from screening.questionnaire import NOT_ANSWERED, NOT_ASKED, QUESTIONNAIRE, Questionnaire
from screening.catalogue.types import SPECIAL_VALUES, Question
from screening.records.models import Submission
from screening.rules.model import Topic
from screening.records.submissions import summary_of

SEVERITY_HEADINGS = {"urgent": "Urgent", "discuss": "Discuss", "mention": "Mention"}
# Longer answers (a list of medicines, a free text) are given once, under their question, not in every topic.
LONG_ANSWER = 80

ANSWERED, NOT_GIVEN, UNSURE = "answered", "not-given", "unsure"


@dataclass(frozen=True)
class AnswerRow:
    number: int
    question_id: str
    label: str
    answer: str
    # ANSWERED, NOT_GIVEN ("Not asked", "Not answered") or UNSURE ("I don't know", "Prefer not to say").
    kind: str

    @property
    def anchor(self) -> str:
        return f"answer-{self.question_id}"

    @property
    def long(self) -> bool:
        return len(self.answer) > LONG_ANSWER


@dataclass(frozen=True)
class Section:
    title: str
    rows: tuple[AnswerRow, ...]


@dataclass(frozen=True)
class Reason:
    """One answer that raised a topic, as stored with the topic, pointing at its row when there is one."""

    label: str
    answer: str
    row: AnswerRow | None

    @property
    def long(self) -> bool:
        return self.row is not None and self.row.long


@dataclass(frozen=True)
class TopicView:
    topic: Topic
    reasons: tuple[Reason, ...]


@dataclass(frozen=True)
class Tier:
    severity: str
    heading: str
    topics: tuple[TopicView, ...]


@dataclass(frozen=True)
class SubmissionPage:
    tiers: tuple[Tier, ...]
    sections: tuple[Section, ...]

    @property
    def topic_count(self) -> int:
        return sum(len(t.topics) for t in self.tiers)


def _kind(question: Question, answers: dict[str, Any], shown: str) -> str:
    if question.id not in answers:
        return NOT_GIVEN if shown in (NOT_ASKED, NOT_ANSWERED) else UNSURE
    value = answers[question.id]
    if isinstance(value, str) and value in SPECIAL_VALUES:
        return UNSURE
    if isinstance(value, list) and any(v in SPECIAL_VALUES for v in value):
        return UNSURE
    return ANSWERED


def sections(answers: dict[str, Any], questionnaire: Questionnaire = QUESTIONNAIRE,
             as_of: date | None = None) -> tuple[Section, ...]:
    """Every question in catalogue order, numbered from 1; a score follows the last question it is worked out from."""
    catalogue = questionnaire.catalogue
    seen = questionnaire.with_scores(answers, as_of)
    scores_after: dict[str, list[Question]] = {}
    for score in catalogue.scores:
        scores_after.setdefault(score.worked_out_from[-1], []).append(score)
    result, number = [], 0
    for step in catalogue.steps:
        rows = []
        for question in step.questions:
            for shown_question in (question, *scores_after.get(question.id, ())):
                number += 1
                shown = questionnaire.display(shown_question, seen)
                rows.append(AnswerRow(number, shown_question.id, shown_question.label, shown,
                                      _kind(shown_question, seen, shown)))
        result.append(Section(step.title, tuple(rows)))
    return tuple(result)


def build(submission: Submission, questionnaire: Questionnaire = QUESTIONNAIRE) -> SubmissionPage:
    answer_sections = sections(submission.answers, questionnaire, utc_day(submission.submitted_at))
    rows = {row.question_id: row for section in answer_sections for row in section.rows}
    tiers = []
    for severity, topics in summary_of(submission).by_severity():
        if topics:
            views = tuple(TopicView(t, tuple(Reason(b.label, b.answer, rows.get(b.question)) for b in t.because))
                          for t in topics)
            tiers.append(Tier(severity, SEVERITY_HEADINGS[severity], views))
    return SubmissionPage(tuple(tiers), answer_sections)
