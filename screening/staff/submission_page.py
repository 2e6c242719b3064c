"""What the submission page (which is also the printed clinician sheet) shows, worked out from a stored submission.

In the order a doctor reads it:

- who the patient is (`Identifier`s): name, date of birth, age as worked out, record number, phone, email;
- the topics by severity, each with the answers that raised it (`Reason`s);
- the answers that matter (`Section.matter`): every answer screening.wizard.check_answers.matters says the doctor
  will want to talk about ("Yes", numbers, "I don't know", "Prefer not to say", ticks, texts), every answer that
  raised a topic, and a score that could not be worked out; numbered Q1, Q2... so a topic can point at one
  ("Because: Q4 150 mmHg"), and so a long answer (a list of medicines, a free text) is printed once, under its
  number, and pointed at from the topics that quote it (`TopicView.clinician`);
- every other answer, condensed by section and by answer (`Section.condensed`): "No to: Heart failure;
  Irregular heartbeat", "None of these: Symptoms right now", "Not asked: Most recent heart attack".

Every question of the catalogue appears once: the identity questions (and the age worked out from them) among
the identifiers, every other one as an answer that matters or by its short name in a condensed line.
Nothing here imports Flask.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from screening.catalogue.formats import us_date
from screening.catalogue.types import SPECIAL_VALUES, Question
from screening.clock import age_day
from screening.questionnaire import NOT_ANSWERED, NOT_ASKED, QUESTIONNAIRE, Questionnaire
from screening.records.models import Submission
from screening.records.submissions import IDENTITY_COLUMNS, summary_of
from screening.rules.model import Topic
from screening.wizard.check_answers import matters

SEVERITY_HEADINGS = {"urgent": "Urgent", "discuss": "Discuss", "mention": "Mention"}
# Longer answers (a list of medicines, a free text) are given once, under their question, not in every topic.
LONG_ANSWER = 80

ANSWERED, NOT_GIVEN, UNSURE = "answered", "not-given", "unsure"

# Submissions sent before the questionnaire asked who the patient is have no identity at all.
NOT_RECORDED = "Not recorded"
# An optional identity question (record number, phone, email) the patient left blank.
NOT_GIVEN_TEXT = "Not given"
IDENTITY_FIELDS = frozenset(IDENTITY_COLUMNS)
AGES = frozenset(score.id for score in QUESTIONNAIRE.catalogue.scores if score.age_from)


@dataclass(frozen=True)
class AnswerRow:
    question_id: str
    label: str
    # A few words naming the question (Question.short), for the printed sheet and the condensed lines.
    short: str
    answer: str
    # ANSWERED, NOT_GIVEN ("Not asked", "Not answered") or UNSURE ("I don't know", "Prefer not to say",
    # "Could not be worked out").
    kind: str
    matters: bool = False
    # Q1, Q2... among the answers that matter; None for the others.
    number: int | None = None

    @property
    def anchor(self) -> str:
        return f"answer-{self.question_id}"

    @property
    def long(self) -> bool:
        return len(self.answer) > LONG_ANSWER


@dataclass(frozen=True)
class Condensed:
    """The answers in a section that were all the same unremarkable answer: "No to: Heart failure; Angina"."""

    answer: str
    rows: tuple[AnswerRow, ...]

    @property
    def lead(self) -> str:
        return "No to" if self.answer == "No" else self.answer


@dataclass(frozen=True)
class Section:
    title: str
    # Every question of the step (and the scores worked out from it), in catalogue order.
    rows: tuple[AnswerRow, ...]

    @property
    def matter(self) -> tuple[AnswerRow, ...]:
        return tuple(row for row in self.rows if row.matters)

    @property
    def condensed(self) -> tuple[Condensed, ...]:
        """The other answers grouped by answer, in the order they first come; "Not answered" and "Not asked",
        which say nothing about the patient, last."""
        groups: dict[str, list[AnswerRow]] = {}
        for row in self.rows:
            if not row.matters:
                groups.setdefault(row.answer, []).append(row)
        order = sorted(groups, key=lambda answer: answer in (NOT_ANSWERED, NOT_ASKED))
        return tuple(Condensed(answer, tuple(groups[answer])) for answer in order)


@dataclass(frozen=True)
class Identifier:
    """One line of who the patient is: "Date of birth: April 2, 1990"."""

    label: str
    value: str
    # The answer's anchor, where a topic may point at it (the age, for one).
    question_id: str | None = None
    recorded: bool = True

    @property
    def anchor(self) -> str | None:
        return f"answer-{self.question_id}" if self.question_id else None


@dataclass(frozen=True)
class Reason:
    """One answer that raised a topic, as stored with the topic, pointing at its row when there is one."""

    label: str
    answer: str
    row: AnswerRow | None
    # An answer among the identifiers instead (the age), which has no number.
    named: Identifier | None = None

    @property
    def long(self) -> bool:
        return self.row is not None and self.row.long


@dataclass(frozen=True)
class TopicView:
    topic: Topic
    reasons: tuple[Reason, ...]
    # The clinician text in parts: text, and each long answer it quotes as that answer's row, which the printed
    # sheet points at ("see Q57 below") instead of repeating: a list of medicines is printed once, not in
    # every topic about a medicine.
    clinician: tuple[str | AnswerRow, ...] = ()


@dataclass(frozen=True)
class Tier:
    severity: str
    heading: str
    topics: tuple[TopicView, ...]


@dataclass(frozen=True)
class SubmissionPage:
    # Name, date of birth, age, record number, phone, email.
    identity: tuple[Identifier, ...]
    tiers: tuple[Tier, ...]
    # The answer sections: every step but the identity questions.
    sections: tuple[Section, ...]

    @property
    def topic_count(self) -> int:
        return sum(len(t.topics) for t in self.tiers)

    @property
    def name(self) -> Identifier:
        return self.identity[0]

    @property
    def date_of_birth(self) -> Identifier:
        return self.identity[1]

    @property
    def matter_count(self) -> int:
        return sum(len(s.matter) for s in self.sections)


def _kind(question: Question, answers: dict[str, Any], shown: str) -> str:
    if question.id not in answers:
        return NOT_GIVEN if shown in (NOT_ASKED, NOT_ANSWERED) else UNSURE
    value = answers[question.id]
    if isinstance(value, str) and value in SPECIAL_VALUES:
        return UNSURE
    if isinstance(value, list) and any(v in SPECIAL_VALUES for v in value):
        return UNSURE
    return ANSWERED


def is_identity(question: Question, questionnaire: Questionnaire = QUESTIONNAIRE) -> bool:
    """An identity question, or a value worked out only from identity questions (the age)."""
    sources = question.worked_out_from
    return question.identity or (bool(sources) and all(questionnaire.catalogue[q].identity for q in sources))


def _rows(answers: dict[str, Any], questionnaire: Questionnaire, as_of: date | None,
          raised: frozenset[str]) -> list[tuple[str, list[AnswerRow]]]:
    """Every question and score by step, in catalogue order; a score follows the last question it is worked out
    from. Not yet numbered."""
    catalogue = questionnaire.catalogue
    seen = questionnaire.with_scores(answers, as_of)
    scores_after: dict[str, list[Question]] = {}
    for score in catalogue.scores:
        scores_after.setdefault(score.worked_out_from[-1], []).append(score)
    result = []
    for step in catalogue.steps:
        rows = []
        for question in step.questions:
            for shown_question in (question, *scores_after.get(question.id, ())):
                shown = questionnaire.display(shown_question, seen)
                kind = _kind(shown_question, seen, shown)
                important = (matters(seen.get(shown_question.id), shown_question.usual) or kind == UNSURE
                             or shown_question.id in raised)
                rows.append(AnswerRow(shown_question.id, shown_question.label,
                                      shown_question.short or shown_question.label, shown, kind, important))
        result.append((step.title, rows))
    return result


def _numbered(rows_by_step: list[tuple[str, list[AnswerRow]]],
              questionnaire: Questionnaire) -> tuple[dict[str, AnswerRow], tuple[Section, ...]]:
    """The identity rows by question id, and the other rows by step with the answers that matter numbered."""
    who, result, number = {}, [], 0
    for title, rows in rows_by_step:
        numbered = []
        for row in rows:
            if is_identity(questionnaire.catalogue[row.question_id], questionnaire):
                who[row.question_id] = row
                continue
            if row.matters:
                number += 1
                row = replace(row, number=number)
            numbered.append(row)
        if numbered:
            result.append(Section(title, tuple(numbered)))
    return who, tuple(result)


def sections(answers: dict[str, Any], questionnaire: Questionnaire = QUESTIONNAIRE, as_of: date | None = None,
             raised: frozenset[str] = frozenset()) -> tuple[Section, ...]:
    """Every question but the identity ones, by step; the answers that matter numbered from 1.

    `raised`: the questions whose answers raised a topic, which matter whatever they are."""
    return _numbered(_rows(answers, questionnaire, as_of, raised), questionnaire)[1]


def identity(submission: Submission, rows: dict[str, AnswerRow]) -> tuple[Identifier, ...]:
    """Who the patient is, from the submission's identity columns; the age as worked out on the day it was sent
    (`rows`: the identity questions' and the age's rows)."""
    given = any(getattr(submission, column) is not None for column in ("first_name", "last_name", "date_of_birth"))
    blank = NOT_GIVEN_TEXT if given else NOT_RECORDED

    def line(label: str, value: str | None, question_id: str | None, missing: str) -> Identifier:
        return Identifier(label, value, question_id) if value else Identifier(label, missing, question_id, False)

    name = " ".join(part for part in (submission.first_name, submission.last_name) if part)
    born = us_date(submission.date_of_birth) if submission.date_of_birth else None
    age = next((row for row in rows.values() if row.question_id in AGES), None)
    return (
        line("Name", name, "first_name", NOT_RECORDED),
        line("Date of birth", born, "date_of_birth", NOT_RECORDED),
        line("Age", age.answer if age and age.kind == ANSWERED else None, age.question_id if age else None,
             "Could not be worked out" if given else NOT_RECORDED),
        line("Record number", submission.record_number, "record_number", blank),
        line("Phone", submission.phone, "phone", blank),
        line("Email", submission.email, "email", blank),
    )


def quoting(text: str, rows: list[AnswerRow]) -> tuple[str | AnswerRow, ...]:
    """`text` split around every long answer of `rows` it quotes word for word."""
    parts: list[str | AnswerRow] = [text]
    for row in (r for r in rows if r.long and r.number is not None):
        split: list[str | AnswerRow] = []
        for part in parts:
            if isinstance(part, str) and row.answer in part:
                for index, piece in enumerate(part.split(row.answer)):
                    split.extend(([row] if index else []) + [piece])
            else:
                split.append(part)
        parts = split
    return tuple(part for part in parts if part != "")


def build(submission: Submission, questionnaire: Questionnaire = QUESTIONNAIRE) -> SubmissionPage:
    summary = summary_of(submission)
    raised = frozenset(b.question for t in summary.topics for b in t.because)
    identity_rows, answer_sections = _numbered(
        _rows(submission.answers, questionnaire, age_day(submission.submitted_at), raised), questionnaire)
    rows = {row.question_id: row for section in answer_sections for row in section.rows}
    who = identity(submission, identity_rows)
    named = {i.question_id: i for i in who}
    tiers = []
    for severity, topics in summary.by_severity():
        if topics:
            views = tuple(TopicView(t, tuple(Reason(b.label, b.answer, rows.get(b.question), named.get(b.question))
                                             for b in t.because), quoting(t.clinician, list(rows.values())))
                          for t in topics)
            tiers.append(Tier(severity, SEVERITY_HEADINGS[severity], views))
    return SubmissionPage(who, tuple(tiers), answer_sections)
