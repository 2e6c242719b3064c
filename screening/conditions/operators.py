"""Every operator of the condition language, defined once: the question types it fits, how it tests
an answer, how it reads in the checker's messages and in words for staff, and how FHIR's enableWhen says it.

A comparison on a missing, "I don't know" or "Prefer not to say" answer is false: such answers are never
read as a number or as "no". Only `is:` asks about them. An operator missing any part of its meaning is
caught by tests/conditions/test_operators.py.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from screening.catalogue.types import CHOICE, DATE, DONT_KNOW, MULTI, NUMBER, PREFER_NOT, SPECIAL_VALUES, TEXT

AT_LEAST = "at least"
ABOVE = "above"
BELOW = "below"
AT_MOST = "at most"
EQUALS = "equals"
ONE_OF = "one of"
INCLUDES = "includes"
INCLUDES_ANY = "includes any"
IS = "is"

ANSWERED = "answered"
NOT_ANSWERED = "not answered"
IS_DONT_KNOW = "don't know"
IS_PREFER_NOT = "prefer not to say"
IS_STATES = (ANSWERED, NOT_ANSWERED, IS_DONT_KNOW, IS_PREFER_NOT)

# What an operator compares with, which decides how its value is checked and written out.
NUMBER_VALUE = "a number"
ONE_ANSWER = "one answer"
ANSWER_LIST = "a list of answers"
STATE = "a state"

# FHIR enableWhen answer types; STATE is worked out per question (see screening.exports.fhir).
FHIR_INTEGER = "answerInteger"
FHIR_CODING = "answerCoding"


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _has(answer: Any, value: str) -> bool:
    return answer == value or (isinstance(answer, list) and value in answer)


def is_answered(answer: Any) -> bool:
    """A real answer: present, and not only "I don't know" or "Prefer not to say"."""
    if answer is None or answer == "" or answer == []:
        return False
    if isinstance(answer, list):
        return any(item not in SPECIAL_VALUES for item in answer)
    return answer not in SPECIAL_VALUES


STATE_TESTS: dict[str, Callable[[Any], bool]] = {
    ANSWERED: is_answered,
    NOT_ANSWERED: lambda answer: not is_answered(answer),
    IS_DONT_KNOW: lambda answer: _has(answer, DONT_KNOW),
    IS_PREFER_NOT: lambda answer: _has(answer, PREFER_NOT),
}


def _number_test(test: Callable[[float, float], bool]) -> Callable[[Any, Any], bool]:
    return lambda answer, value: is_number(answer) and test(answer, value)


@dataclass(frozen=True)
class Fhir:
    """An enableWhen for one comparison: `operator`, answered as `answer`; a list value gives one
    enableWhen per item, joined by `behavior`."""

    operator: str
    answer: str
    behavior: str = "all"


@dataclass(frozen=True)
class Operator:
    name: str
    fits: tuple[str, ...]
    value: str
    test: Callable[[Any, Any], bool]
    short: str  # the checker's form: "bp_systolic is at least 180"
    words: str  # for staff, "{}" standing for the value written out: "is {} or more" -> "is 180 mmHg or more"
    fhir: Fhir | None  # None: said per state, or not at all, by screening.exports.fhir


OPERATORS: dict[str, Operator] = {op.name: op for op in (
    Operator(AT_LEAST, (NUMBER,), NUMBER_VALUE, _number_test(lambda a, v: a >= v),
             "is at least", "is {} or more", Fhir(">=", FHIR_INTEGER)),
    Operator(ABOVE, (NUMBER,), NUMBER_VALUE, _number_test(lambda a, v: a > v),
             "is above", "is more than {}", Fhir(">", FHIR_INTEGER)),
    Operator(BELOW, (NUMBER,), NUMBER_VALUE, _number_test(lambda a, v: a < v),
             "is below", "is less than {}", Fhir("<", FHIR_INTEGER)),
    Operator(AT_MOST, (NUMBER,), NUMBER_VALUE, _number_test(lambda a, v: a <= v),
             "is at most", "is {} or less", Fhir("<=", FHIR_INTEGER)),
    Operator(EQUALS, (CHOICE,), ONE_ANSWER, lambda answer, value: answer == value,
             "is", "is {}", Fhir("=", FHIR_CODING)),
    Operator(ONE_OF, (CHOICE,), ANSWER_LIST, lambda answer, values: answer in values,
             "is one of", "is {}", Fhir("=", FHIR_CODING, "any")),
    Operator(INCLUDES, (MULTI,), ONE_ANSWER, lambda answer, value: isinstance(answer, list) and value in answer,
             "includes", "includes {}", Fhir("=", FHIR_CODING)),
    Operator(INCLUDES_ANY, (MULTI,), ANSWER_LIST,
             lambda answer, values: isinstance(answer, list) and any(v in answer for v in values),
             "includes any of", "includes any of {}", Fhir("=", FHIR_CODING, "any")),
    Operator(IS, (CHOICE, MULTI, NUMBER, TEXT, DATE), STATE, lambda answer, state: STATE_TESTS[state](answer),
             "is", "{}", None),
)}
