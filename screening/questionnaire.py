"""What a set of answers means: which questions are asked, which answers count, and how they read.

Answers map question ids to values as the catalogue describes them: a choice value, a list
of choice values, a number, a text, or "dont_know" / "prefer_not_to_say". Nothing here
imports Flask: the wizard, the rules engine and the exports all read answers through it.
"""
from __future__ import annotations

from collections.abc import Collection
from datetime import date
from typing import Any, Mapping

from screening.catalogue import CATALOGUE, version_of
from screening.catalogue.formats import parse_iso, text_problem, us_date, years_between
from screening.catalogue.measures import MEASURES, bmi
from screening.catalogue.types import DATE, DONT_KNOW, MULTI, NUMBER, PREFER_NOT, TEXT, Catalogue, Question, Step
from screening.clock import age_day
from screening.catalogue.translated import translated
from screening.conditions.language import Condition, compile_condition
from screening.language import ENGLISH, N_
from screening.language.words import ENGLISH_WORDS, Words, words

NOT_ASKED = N_("Not asked")
NOT_ANSWERED = N_("Not answered")
SPECIAL_LABELS = {DONT_KNOW: N_("I don't know"), PREFER_NOT: N_("Prefer not to say")}
COULD_NOT_WORK_OUT = N_("Could not be worked out")


def compile_show_when(catalogue: Catalogue) -> dict[str, Condition]:
    """Every question's show-when, compiled; a condition that is wrong, or names a later question, stops here."""
    show_when: dict[str, Condition] = {}
    seen: set[str] = set()
    for question in catalogue.asked:
        if question.show_when is not None:
            problems: list[str] = []
            condition = compile_condition(question.show_when, catalogue, lambda _mark, msg: problems.append(msg))
            if condition is None:
                raise ValueError(f"show_when of {question.id!r}: {'; '.join(problems)}")
            later = condition.questions() - seen
            if later:
                raise ValueError(f"show_when of {question.id!r} names {sorted(later)}, which are not asked before it")
            show_when[question.id] = condition
        seen.add(question.id)
    return show_when


class Questionnaire:
    """The catalogue together with its branching, so every caller decides visibility the same way."""

    def __init__(self, catalogue: Catalogue = CATALOGUE, show_when: Mapping[str, Condition] | None = None,
                 words: Words = ENGLISH_WORDS, version: str | None = None):
        self.catalogue = catalogue
        self.show_when = compile_show_when(catalogue) if show_when is None else show_when
        # Worked out once: every submission and every FHIR export names it.
        self.version = version or version_of(catalogue)
        self.words = words
        self._languages: dict[str, Questionnaire] = {}
        # prune's walk, each question with the matcher of its show_when: it runs on every save, every
        # evaluation and every submission a replay reads.
        self._prune_plan = tuple((q.id, c.matcher if (c := self.show_when.get(q.id)) is not None else None)
                                 for q in catalogue.asked)

    def in_language(self, code: str) -> "Questionnaire":
        """The same questions, branching and version, with every text a patient reads in that language."""
        language = words(code)
        if language.code == self.words.code:
            return self
        if language.code not in self._languages:
            self._languages[language.code] = Questionnaire(
                translated(self.catalogue, language.gettext), self.show_when, language, self.version)
        return self._languages[language.code]

    def is_asked(self, question: Question, answers: Mapping[str, Any]) -> bool:
        condition = self.show_when.get(question.id)
        return condition is None or condition.matcher(answers) is not None

    def prune(self, answers: Mapping[str, Any]) -> dict[str, Any]:
        """Keep only answers to questions that are asked, given the answers kept before them.

        show_when names only earlier questions, so one pass in catalogue order is enough.
        """
        kept: dict[str, Any] = {}
        for question_id, matcher in self._prune_plan:
            if question_id in answers and (matcher is None or matcher(kept) is not None):
                kept[question_id] = answers[question_id]
        return kept

    def asked_in(self, step: Step, answers: Mapping[str, Any]) -> list[Question]:
        return [q for q in step.questions if self.is_asked(q, answers)]

    def missing_in(self, step: Step, answers: Mapping[str, Any]) -> list[Question]:
        return [q for q in self.asked_in(step, answers) if q.required and q.id not in answers]

    def unseen_in(self, step: Step, answers: Mapping[str, Any], presented: Collection[str]) -> list[Question]:
        """Questions asked on this step that have not been on the patient's screen yet."""
        return [q for q in self.asked_in(step, answers) if q.id not in presented]

    def first_incomplete(self, answers: Mapping[str, Any], presented: Collection[str] | None = None,
                         before: Step | None = None) -> Step | None:
        """The first step with a required question unanswered or, given what has been `presented`, a question
        the patient has not seen: an optional follow-up is asked too, and only then may be left blank. With
        `before`, only the steps before that one are looked at."""
        # missing_in or unseen_in on each step, with each question's branching worked out once: every step
        # page asks this, and it walks the catalogue.
        steps = self.catalogue.steps
        for step in steps[:steps.index(before)] if before is not None else steps:
            for q in step.questions:
                if ((q.required and q.id not in answers) or (presented is not None and q.id not in presented)) \
                        and self.is_asked(q, answers):
                    return step
        return None

    def with_scores(self, answers: Mapping[str, Any], as_of: date | None = None) -> dict[str, Any]:
        """The pruned answers plus every score that can be worked out from them; an age as of `as_of`, the
        day the answers were sent (screening.clock.age_day: today when not given)."""
        result = self.prune(answers)
        for score in self.catalogue.scores:
            if score.age_from:
                age = _age(answers, score, as_of or age_day())
                if age is not None:
                    result[score.id] = age
                continue
            if score.bmi_from:
                worked_out = _bmi(result, answers, score)
                if worked_out is not None:
                    result[score.id] = worked_out
                continue
            total: int | None = 0
            for question_id, points in score.points:
                question = self.catalogue[question_id]
                if question_id not in result:
                    if self.is_asked(question, result):
                        total = None
                        break
                    continue  # a part not asked scores nothing, as in AUDIT-C after "Never"
                if result[question_id] not in points:
                    total = None
                    break
                total += points[result[question_id]]
            if total is not None:
                result[score.id] = total
        return result

    def display(self, question: Question, answers: Mapping[str, Any]) -> str:
        """The answer as the patient would read it back."""
        _ = self.words.gettext
        if question.id not in answers:
            if question.worked_out_from:
                return _(COULD_NOT_WORK_OUT)
            return _(NOT_ANSWERED) if self.is_asked(question, answers) else _(NOT_ASKED)
        return display_value(question, answers[question.id], self.words)


def _age(answers: Mapping[str, Any], score: Question, as_of: date) -> int | None:
    """Years from the date of birth to `as_of`. Without a date of birth, an age given as such: a rules example
    written as "age: 16" stays true as the years pass, and a submission from before dates of birth keeps its age."""
    born = parse_iso(answers.get(score.age_from))
    if born is not None:
        return years_between(born, as_of) if born <= as_of else None
    given = answers.get(score.id)
    return given if answer_problem(score, given) is None else None


def _bmi(kept: Mapping[str, Any], answers: Mapping[str, Any], score: Question) -> float | None:
    """From the height and weight kept; without them, a BMI given as such (a rules example's "bmi: 30")."""
    height, weight = (kept.get(q) for q in score.bmi_from)
    if _is_number(height) and _is_number(weight) and height > 0:
        return bmi(height, weight)
    given = answers.get(score.id)
    return given if answer_problem(score, given) is None else None


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def display_value(question: Question, value: Any, words: Words = ENGLISH_WORDS) -> str:
    """`question` is in the language of `words` (Questionnaire.in_language), which writes the rest."""
    if isinstance(value, str) and value in SPECIAL_LABELS and question.choice_label(value) is None:
        return words.gettext(SPECIAL_LABELS[value])
    if question.measure and _is_number(value):
        return MEASURES[question.measure].shown(value)
    if question.type == MULTI and isinstance(value, list):
        return "; ".join(question.choice_label(v) or str(v) for v in value)
    if question.type == NUMBER and question.unit and not isinstance(value, str):
        return f"{value} {question.unit_of(value)}"
    if question.type == DATE and (day := parse_iso(value)) is not None:
        return words.date(day) if words.code != ENGLISH else us_date(day)
    if question.choices or question.unknown:
        return question.choice_label(value) or str(value)
    return str(value)


QUESTIONNAIRE = Questionnaire()


def answer_problem(question: Question, value: Any) -> str | None:
    """Why value cannot be an answer to question, or None when it can."""
    if question.age_from:
        if isinstance(value, bool) or not isinstance(value, int) or not question.min <= value <= question.max:
            return f"{question.id!r} takes a whole number of years from {question.min} to {question.max}, " \
                   f"or give {question.age_from!r} instead"
        return None
    if question.bmi_from:
        if not _is_number(value) or not question.min <= value <= question.max:
            return f"{question.id!r} takes a number from {question.min} to {question.max}, " \
                   f"or give {' and '.join(repr(q) for q in question.bmi_from)} instead"
        return None
    if question.points:
        parts = ", ".join(repr(q) for q, _ in question.points)
        return f"{question.id!r} is worked out from {parts}: give those answers instead"
    if question.type == DATE:
        if parse_iso(value) is None:
            return f"{question.id!r} takes a date written YYYY-MM-DD, like 1990-04-27, not {value!r}"
        return None
    allowed = ", ".join(repr(v) for v in question.values)
    if question.type == NUMBER:
        if question.unknown and value == question.unknown.value:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            alt = f" or {question.unknown.value!r}" if question.unknown else ""
            return f"{question.id!r} takes a number{alt}, not {value!r}"
        if not question.min <= value <= question.max:  # type: ignore[operator]
            return f"{question.id!r} must be between {question.min} and {question.max}, not {value}"
        return None
    if question.type == MULTI:
        if not isinstance(value, list) or not value:
            return f"{question.id!r} takes a list of answers from {allowed}"
        unknown = [v for v in value if v not in question.values]
        if unknown:
            return f"{question.id!r} has no answer {unknown[0]!r} (its answers: {allowed})"
        exclusive = [v for v in value if question.choice(v).exclusive]
        if exclusive and len(value) > 1:
            return f"{exclusive[0]!r} cannot be given together with other answers to {question.id!r}"
        return None
    if question.type == TEXT:
        if question.unknown and value == question.unknown.value:
            return None
        if not isinstance(value, str):
            return f"{question.id!r} takes a text"
        if len(value) > question.max_length:
            return f"{question.id!r} takes at most {question.max_length} characters"
        problem = text_problem(question.format, value) if question.format else None
        return f"{question.id!r} {problem}" if problem else None
    if value not in question.values or not isinstance(value, str):
        return f"{question.id!r} has no answer {value!r} (its answers: {allowed})"
    return None
