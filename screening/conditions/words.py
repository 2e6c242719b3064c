"""A condition written out in words, for staff who do not read YAML.

    words(condition)     a tree: a comparison is one sentence, all / any / not a heading over its parts
    sentence(condition)  the same on one line, for a command line or a title

Answers are named by their labels from the catalogue, never by their stored values, and every
question by its label with its id in brackets, so the words can be matched with rules.yaml:

    Your most recent blood pressure: the top number (systolic) (bp_systolic) is 180 mmHg or more
    Have you ever had a heart attack? (heart_attack) is “Yes”

Nothing here imports Flask. `Condition.describe()` in screening.conditions.language stays as it is: a short
form in ids and values, for the checker's messages.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from screening.catalogue.types import DONT_KNOW, MULTI, PREFER_NOT, SPECIAL_VALUES, Catalogue, Question
from screening.conditions.language import All, Any_, Comparison, Condition, Not
from screening.conditions.operators import (
    ANSWER_LIST,
    ANSWERED,
    IS_DONT_KNOW,
    IS_PREFER_NOT,
    NOT_ANSWERED,
    NUMBER_VALUE,
    ONE_ANSWER,
    OPERATORS,
    STATE,
)

ALL_TRUE = "All of these are true:"
ANY_TRUE = "At least one of these is true:"
NONE_TRUE = "None of these is true:"
NOT_ALL_TRUE = "Not all of these are true:"
NOT_TRUE = "It is not true that:"

_SPECIAL_DEFAULTS = {DONT_KNOW: "I don't know", PREFER_NOT: "Prefer not to say"}


@dataclass(frozen=True)
class Words:
    """One line of a condition in words.

    A comparison has `question`, `subject` (the question's label) and `predicate`; a group has only
    `text` (its heading) and `parts`. `text` is always the whole line.
    """

    text: str
    parts: tuple["Words", ...] = ()
    question: str | None = None
    subject: str = ""
    predicate: str = ""


def words(condition: Condition, catalogue: Catalogue) -> Words:
    if isinstance(condition, Comparison):
        question = catalogue[condition.question] if condition.question in catalogue else None
        subject = question.label if question else condition.question
        predicate = _predicate(condition, question)
        return Words(f"{subject} ({condition.question}) {predicate}", question=condition.question,
                     subject=subject, predicate=predicate)
    if isinstance(condition, All):
        return Words(ALL_TRUE, tuple(words(p, catalogue) for p in condition.parts))
    if isinstance(condition, Any_):
        return Words(ANY_TRUE, tuple(words(p, catalogue) for p in condition.parts))
    if isinstance(condition, Not):
        inner = condition.part
        if isinstance(inner, Any_):
            return Words(NONE_TRUE, tuple(words(p, catalogue) for p in inner.parts))
        if isinstance(inner, All):
            return Words(NOT_ALL_TRUE, tuple(words(p, catalogue) for p in inner.parts))
        return Words(NOT_TRUE, (words(inner, catalogue),))
    return Words(condition.describe())  # a Condition from elsewhere: its own short form


def sentence(condition: Condition, catalogue: Catalogue) -> str:
    """The condition on one line: "A is 180 mmHg or more, or B is 120 mmHg or more"."""

    def bracketed(part: Condition) -> str:
        text = sentence(part, catalogue)
        return text if isinstance(part, (Comparison, Not)) else f"({text})"

    if isinstance(condition, Comparison):
        return words(condition, catalogue).text
    if isinstance(condition, All):
        return ", and ".join(bracketed(p) for p in condition.parts)
    if isinstance(condition, Any_):
        return ", or ".join(bracketed(p) for p in condition.parts)
    if isinstance(condition, Not):
        return f"not ({sentence(condition.part, catalogue)})"
    return condition.describe()


def lines(tree: Words, indent: str = "  ") -> list[str]:
    """The tree as indented lines with bullets, for plain text."""
    out = [f"- {tree.text}"]
    for part in tree.parts:
        out.extend(indent + line for line in lines(part, indent))
    return out


# -- comparisons -------------------------------------------------------------------------------

def _quoted(label: str) -> str:
    return f"“{label}”"


def _answer(question: Question | None, value: Any) -> str:
    label = question.choice_label(value) if question else None
    return _quoted(label or _SPECIAL_DEFAULTS.get(value) or str(value))


def _either(items: Sequence[str], joiner: str = "or") -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} {joiner} {items[-1]}"


def _number(question: Question | None, value: Any) -> str:
    text = f"{value:g}" if isinstance(value, float) else str(value)
    return f"{text} {question.unit_of(value)}" if question and question.unit else text


def _specials(question: Question | None) -> list[str]:
    """The labels of the non-committal answers this question offers."""
    if question is None:
        return []
    return [_answer(question, v) for v in SPECIAL_VALUES if v in question.values]


def _predicate(comparison: Comparison, question: Question | None) -> str:
    operator, value = OPERATORS.get(comparison.operator), comparison.value
    if operator is None:
        return f"{comparison.operator} {value}"
    if operator.value == NUMBER_VALUE:
        written = _number(question, value)
    elif operator.value == ONE_ANSWER:
        written = _answer(question, value)
    elif operator.value == ANSWER_LIST:
        written = _either([_answer(question, v) for v in value])
    elif operator.value == STATE:
        written = _state(question, value)
    else:
        raise ValueError(f"operator {operator.name!r} compares with {operator.value!r}, which has no words")
    return operator.words.format(written)


def _state(question: Question | None, state: str) -> str:
    specials = _specials(question)
    if state == ANSWERED:
        if not specials:
            return "has an answer"
        return f"has an answer other than {_either(specials)}"
    if state == NOT_ANSWERED:
        if not specials:
            return "has no answer (not asked or left empty)"
        return f"has no answer (not asked or left empty), or only {_either(specials)}"
    special = DONT_KNOW if state == IS_DONT_KNOW else PREFER_NOT if state == IS_PREFER_NOT else None
    if special is None:
        return f"is {state}"
    verb = "includes" if question is not None and question.type == MULTI else "is"
    return f"{verb} {_answer(question, special)}"
