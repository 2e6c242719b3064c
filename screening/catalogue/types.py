"""The shapes a question definition takes.

A question is defined once, in questions.py, with these types; the form, the branching,
the check-answers page, the rules checker's vocabulary and every export read it from there.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any, Iterator

DONT_KNOW = "dont_know"
PREFER_NOT = "prefer_not_to_say"
SPECIAL_VALUES = (DONT_KNOW, PREFER_NOT)

CHOICE = "choice"
MULTI = "multi"
NUMBER = "number"
TEXT = "text"
# A calendar date, kept as "YYYY-MM-DD" and asked in three boxes: month, day, year.
DATE = "date"
TYPES = (CHOICE, MULTI, NUMBER, TEXT, DATE)


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    # An exclusive option ("None of these", "I don't know") cannot be ticked with others.
    exclusive: bool = False
    # Codes this answer was stored under before it was renamed: answers were migrated to the new code, and a
    # past rules version (rules replay --verify) still reads the old one as this answer.
    formerly: tuple[str, ...] = ()


@dataclass(frozen=True)
class Question:
    id: str
    label: str
    type: str
    # A few words naming the question on the check-answers page, where a row must fit a phone's width.
    short: str | None = None
    hint: str | None = None
    choices: tuple[Choice, ...] = ()
    # Whole numbers, except for a measure (below), kept to one decimal.
    min: float | None = None
    max: float | None = None
    unit: str | None = None
    # For a number or a text: the one other answer it accepts, ticked in a box beside it ("I don't know",
    # "I will bring a list to my appointment").
    unknown: Choice | None = None
    # That box is the one under this other question, and answers both: one "I don't know my blood pressure"
    # for the top and bottom numbers of one reading.
    unknown_with: str | None = None
    show_when: dict[str, Any] | None = None
    required: bool = True
    max_length: int = 500
    # Names the thing being asked in error messages: "Select whether you have {what}".
    error: str | None = None
    step: str = ""
    # For a score worked out from other answers, not asked: (question id, points per answer) pairs.
    points: tuple[tuple[str, dict[str, int]], ...] = ()
    # For an age worked out from a date of birth, not asked: that question's id.
    age_from: str | None = None
    # For a body mass index worked out, not asked: the ids of the height and the weight questions.
    bmi_from: tuple[str, str] | None = None
    # For a number typed with its unit, in US units or metric: a name in screening.catalogue.measures.MEASURES
    # ("height", "weight"); the answer is kept in metric, one decimal.
    measure: str | None = None
    # Who the patient is (name, date of birth, record number, contact): shown to clinicians only, kept in the
    # submission's identity columns too, exported as the FHIR subject, never in a log line.
    identity: bool = False
    # A single-line text with its own check: one of the names in screening.catalogue.formats.FORMATS.
    format: str | None = None
    # The browser's autofill name for the box (given-name, family-name, tel, email).
    autocomplete: str | None = None
    # Answers that report nothing for this question, in place of "No" ("None of these" and "Never" still report
    # nothing): "Yes" to "can someone take you home?" is nothing to talk about, and "No" is.
    usual: tuple[str, ...] = ()

    @property
    def worked_out_from(self) -> tuple[str, ...]:
        """The questions a value worked out from other answers is made from; empty for a question asked."""
        return (tuple(q for q, _ in self.points) + ((self.age_from,) if self.age_from else ())
                + (self.bmi_from or ()))

    @property
    def decimal(self) -> bool:
        """A number kept with one decimal (a height, a weight, a BMI) rather than a whole number."""
        return self.measure is not None or self.bmi_from is not None

    def choice(self, value: Any) -> Choice | None:
        return next((c for c in self.all_choices if c.value == value), None)

    def unit_of(self, value: Any) -> str:
        """The unit for this many: '1 point', '2 points' (units are named in the plural)."""
        return self.unit.removesuffix("s") if self.unit and value == 1 else self.unit or ""

    def choice_label(self, value: Any) -> str | None:
        choice = self.choice(value)
        return choice.label if choice else None

    @property
    def all_choices(self) -> tuple[Choice, ...]:
        return self.choices + ((self.unknown,) if self.unknown else ())

    @property
    def values(self) -> tuple[str, ...]:
        return tuple(c.value for c in self.all_choices)

    @functools.cached_property
    def renamed(self) -> dict[str, str]:
        """Each former code of its answers, with the code it has now."""
        return {old: c.value for c in self.all_choices for old in c.formerly}

    def recoded(self, value: Any) -> Any:
        """The answer with any former code given as its code now (a list, each of its items)."""
        renamed = self.renamed
        if not renamed:
            return value
        if isinstance(value, list):
            return [renamed.get(v, v) if isinstance(v, str) else v for v in value]
        return renamed.get(value, value) if isinstance(value, str) else value

    @functools.cached_property
    def known_values(self) -> frozenset[str]:
        """`values` as a set: what a posted answer is checked against on every step POST."""
        return frozenset(self.values)

    def offers(self, values: list) -> bool:
        """Whether every one of these answers is one the question offers."""
        known = self.known_values
        return all(v in known for v in values)

    def exclusive_among(self, values: list) -> Choice | None:
        """The exclusive choice ("None of these") ticked with other answers, if one is: never allowed."""
        if len(values) < 2:
            return None
        return next((c for c in map(self.choice, values) if c is not None and c.exclusive), None)

    @functools.cached_property
    def choice_values(self) -> frozenset[str]:
        """Its choices' values (not the unknown box's): looked up for every question on every step page."""
        return frozenset(c.value for c in self.choices)


@dataclass(frozen=True)
class Step:
    id: str
    title: str
    questions: tuple[Question, ...]
    intro: str | None = None

    @property
    def slug(self) -> str:
        return self.id.replace("_", "-")

    @functools.cached_property
    def question_ids(self) -> frozenset[str]:
        return frozenset(q.id for q in self.questions)


@dataclass(frozen=True)
class Catalogue:
    steps: tuple[Step, ...]
    scores: tuple[Question, ...] = ()
    _by_id: dict[str, Question] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        for step in self.steps:
            for question in step.questions:
                if question.id in self._by_id:
                    raise ValueError(f"question id {question.id!r} is defined twice")
                self._by_id[question.id] = question
        for score in self.scores:
            if score.id in self._by_id:
                raise ValueError(f"score id {score.id!r} is also a question id")
            self._by_id[score.id] = score

    def __contains__(self, question_id: object) -> bool:
        return question_id in self._by_id

    def __getitem__(self, question_id: str) -> Question:
        return self._by_id[question_id]

    def __iter__(self) -> Iterator[Question]:
        """Every question and score, in the order they are asked."""
        return iter(self._by_id.values())

    @property
    def asked(self) -> Iterator[Question]:
        return (q for step in self.steps for q in step.questions)

    def __len__(self) -> int:
        return len(self._by_id)

    @property
    def ids(self) -> list[str]:
        return list(self._by_id)

    def step(self, slug: str) -> Step | None:
        return next((s for s in self.steps if s.slug == slug), None)

    def step_index(self, step: Step) -> int:
        return self.steps.index(step)
