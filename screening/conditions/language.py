"""Compiling and evaluating the condition language of rules.yaml (`when:`) and the catalogue (`show_when`).

A condition is one of:
    {all: [condition, ...]}      every one is true
    {any: [condition, ...]}      at least one is true
    {not: condition}             the condition is false
    {question: ID, OPERATOR: VALUE}

Compiling checks a condition against the question catalogue and reports every problem
through `report(mark, message)`; evaluating never raises. What each operator means is in
screening.conditions.operators.

Each condition also has a `matcher`: the same test built once into plain closures, which return the
`because` tuple when true and None when false. The engine and the branching run matchers, since an answer
set meets every rule on every page; `evaluate` stays as the plain reading of the language, and
tests/conditions/test_matchers.py holds the two to the same answers on every rules example and on
generated answer sets.
"""
from __future__ import annotations

import difflib
import operator as operator_module
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Callable, Iterable, Mapping, Protocol

from screening.catalogue.types import DONT_KNOW, NUMBER, PREFER_NOT, Catalogue, Question
from screening.conditions.operators import (
    ABOVE,
    ANSWER_LIST,
    AT_LEAST,
    AT_MOST,
    BELOW,
    EQUALS,
    INCLUDES,
    INCLUDES_ANY,
    IS,
    IS_DONT_KNOW,
    IS_PREFER_NOT,
    IS_STATES,
    ONE_OF,
    OPERATORS,
    STATE,
    STATE_TESTS,
    is_number,
)
from screening.conditions.yamlload import Mark, mark_of

Answers = Mapping[str, Any]
Report = Callable[[Mark | None, str], None]
# A compiled condition: the `because` tuple when true, None when false.
Matcher = Callable[[Answers], "tuple[str, ...] | None"]

GROUPS = ("all", "any", "not")
# The `is:` states that ask for one special answer, as screening.conditions.operators.STATE_TESTS reads them.
SPECIAL_STATES = {IS_DONT_KNOW: DONT_KNOW, IS_PREFER_NOT: PREFER_NOT}


@dataclass(frozen=True)
class Match:
    ok: bool
    because: tuple[str, ...] = ()


class Condition(Protocol):
    def evaluate(self, answers: Answers) -> Match: ...

    def questions(self) -> set[str]: ...

    def describe(self) -> str: ...

    @property
    def matcher(self) -> Matcher: ...


@dataclass(frozen=True)
class Comparison:
    question: str
    operator: str
    value: Any

    def evaluate(self, answers: Answers) -> Match:
        test = OPERATORS[self.operator].test
        ok = bool(test(answers.get(self.question), self.value))
        return Match(ok, (self.question,) if ok else ())

    def questions(self) -> set[str]:
        return {self.question}

    def describe(self) -> str:
        value = ", ".join(map(str, self.value)) if isinstance(self.value, list) else self.value
        return f"{self.question} {OPERATORS[self.operator].short} {value}"

    @cached_property
    def matcher(self) -> Matcher:
        return _comparison_matcher(self.question, self.operator, self.value)


@dataclass(frozen=True)
class All:
    parts: tuple[Condition, ...]

    def evaluate(self, answers: Answers) -> Match:
        because: list[str] = []
        for part in self.parts:
            match = part.evaluate(answers)
            if not match.ok:
                return Match(False)
            because.extend(match.because)
        return Match(True, tuple(dict.fromkeys(because)))

    def questions(self) -> set[str]:
        return set().union(*(p.questions() for p in self.parts))

    def describe(self) -> str:
        return "all of: (" + "; ".join(p.describe() for p in self.parts) + ")"

    @cached_property
    def matcher(self) -> Matcher:
        parts = tuple(p.matcher for p in self.parts)
        if len(parts) == 1:
            return parts[0]
        if all(isinstance(p, Comparison) for p in self.parts) and len({p.question for p in self.parts}) == len(parts):
            # Each true comparison names only its own, distinct question: the reasons are known in advance.
            reasons = tuple(p.question for p in self.parts)

            def all_comparisons(answers: Answers) -> tuple[str, ...] | None:
                for part in parts:
                    if part(answers) is None:
                        return None
                return reasons

            return all_comparisons

        def all_of(answers: Answers) -> tuple[str, ...] | None:
            because: list[str] = []
            for part in parts:
                found = part(answers)
                if found is None:
                    return None
                because += found
            return tuple(dict.fromkeys(because))

        return all_of


@dataclass(frozen=True)
class Any_:
    parts: tuple[Condition, ...]

    def evaluate(self, answers: Answers) -> Match:
        because: list[str] = []
        for part in self.parts:
            match = part.evaluate(answers)
            if match.ok:
                because.extend(match.because)
        # Every true part names at least one question, so "some reason" means "some part true".
        return Match(bool(because), tuple(dict.fromkeys(because)))

    def questions(self) -> set[str]:
        return set().union(*(p.questions() for p in self.parts))

    def describe(self) -> str:
        return "any of: (" + "; ".join(p.describe() for p in self.parts) + ")"

    @cached_property
    def matcher(self) -> Matcher:
        parts = tuple(p.matcher for p in self.parts)
        if len(parts) == 1:
            return parts[0]

        def any_of(answers: Answers) -> tuple[str, ...] | None:
            because: list[str] = []
            for part in parts:
                found = part(answers)
                if found is not None:
                    because += found
            return tuple(dict.fromkeys(because)) if because else None

        return any_of


@dataclass(frozen=True)
class Not:
    part: Condition

    def evaluate(self, answers: Answers) -> Match:
        if self.part.evaluate(answers).ok:
            return Match(False)
        return Match(True, tuple(sorted(self.part.questions())))

    def questions(self) -> set[str]:
        return self.part.questions()

    def describe(self) -> str:
        return f"not ({self.part.describe()})"

    @cached_property
    def matcher(self) -> Matcher:
        part = self.part.matcher
        reasons = tuple(sorted(self.part.questions()))

        def not_(answers: Answers) -> tuple[str, ...] | None:
            return None if part(answers) is not None else reasons

        return not_


def _comparison_matcher(question: str, operator: str, value: Any) -> Matcher:
    """One comparison as a closure over its question and value. The common operators are written out, with
    the same meaning as their `test` in screening.conditions.operators; any other calls that test."""
    because = (question,)
    if operator == EQUALS:
        return lambda answers: because if answers.get(question) == value else None
    if operator == ONE_OF:
        return lambda answers: because if answers.get(question) in value else None
    if operator == INCLUDES:
        def includes(answers: Answers) -> tuple[str, ...] | None:
            answer = answers.get(question)
            return because if isinstance(answer, list) and value in answer else None

        return includes
    if operator in (AT_LEAST, ABOVE, BELOW, AT_MOST):
        compare = {AT_LEAST: operator_module.ge, ABOVE: operator_module.gt, BELOW: operator_module.lt,
                   AT_MOST: operator_module.le}[operator]

        def number(answers: Answers) -> tuple[str, ...] | None:
            answer = answers.get(question)
            return because if is_number(answer) and compare(answer, value) else None

        return number
    if operator == IS and value in SPECIAL_STATES:
        special = SPECIAL_STATES[value]

        def has_special(answers: Answers) -> tuple[str, ...] | None:
            answer = answers.get(question)
            return because if answer == special or (isinstance(answer, list) and special in answer) else None

        return has_special
    if operator == IS:
        state = STATE_TESTS[value]
        return lambda answers: because if state(answers.get(question)) else None
    test = OPERATORS[operator].test
    return lambda answers: because if test(answers.get(question), value) else None


def shape(condition: Condition) -> Any:
    """A hashable key equal for conditions that test the same thing, so a rule set evaluates each once."""
    if isinstance(condition, Comparison):
        value = tuple(condition.value) if isinstance(condition.value, list) else condition.value
        return ("question", condition.question, condition.operator, value)
    if isinstance(condition, (All, Any_)):
        return (type(condition).__name__, tuple(shape(p) for p in condition.parts))
    if isinstance(condition, Not):
        return ("not", shape(condition.part))
    return ("other", id(condition))


def suggest(word: Any, options: Iterable[str]) -> str:
    close = difflib.get_close_matches(str(word), list(options), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def _listing(values: Iterable[str]) -> str:
    return ", ".join(repr(v) for v in values)


def compile_condition(node: Any, catalogue: Catalogue, report: Report) -> Condition | None:
    """Turn a loaded condition into a Condition, reporting every problem found on the way.

    Returns None when any part of it is wrong, after reporting all of its problems.
    """
    return Compiler(catalogue, report).condition(node, (node, None))


# Where a part of a condition was written: the map or list holding it and its key there (None: the part itself).
# A Mark is made from it only for a problem, as most conditions have none.
Where = tuple[Any, Any]


class Compiler:
    """Compiles the conditions of one file. A condition written again (the same keys, values and their types, in
    the same order), as rules that share a test are, gives the same Condition as the first time, so it is compiled
    once; one with a problem is compiled each time it is met, so each is reported at its own line."""

    def __init__(self, catalogue: Catalogue, report: Report):
        self.catalogue = catalogue
        self._report = report
        self._reported = 0
        self._compiled: dict[Any, Condition] = {}

    def compile(self, node: Any) -> Condition | None:
        key = _written(node)
        compiled = self._compiled.get(key)
        if compiled is None:
            reported = self._reported
            compiled = self.condition(node, (node, None))
            if compiled is not None and self._reported == reported:
                self._compiled[key] = compiled
        return compiled

    def report(self, mark: Mark | None, message: str) -> None:
        self._reported += 1
        self._report(mark, message)

    def report_at(self, where: Where, message: str) -> None:
        self.report(mark_of(*where), message)

    def condition(self, node: Any, where: Where) -> Condition | None:
        if not isinstance(node, dict):
            self.report_at(
                where,
                "a condition must be written as 'question: ID' with a comparison "
                "such as 'equals: yes', or as 'all:', 'any:' or 'not:'",
            )
            return None
        groups = [k for k in node if k in GROUPS]
        if groups:
            others = [k for k in node if k != groups[0]]
            if others:
                self.report(
                    mark_of(node, others[0], of_key=True),
                    f"'{groups[0]}:' must stand alone in its condition, but {_listing(others)} sits beside it: "
                    f"move {_listing(others)} into a condition of its own, indented under '{groups[0]}:'",
                )
                return None
            key = groups[0]
            return self._group(key, node[key], (node, key))
        return self._comparison(node)

    def _group(self, key: str, value: Any, where: Where) -> Condition | None:
        if key == "not":
            part = self.condition(value, where)
            return Not(part) if part else None
        if not isinstance(value, list) or not value:
            self.report_at(where, f"'{key}:' needs a list of conditions, each on its own line starting with '- '")
            return None
        parts = [self.condition(item, (value, i)) for i, item in enumerate(value)]
        if any(p is None for p in parts):
            return None
        return (All if key == "all" else Any_)(tuple(parts))  # type: ignore[arg-type]

    def _comparison(self, node: dict) -> Condition | None:
        ok = True
        for key in node:
            if key not in _COMPARISON_KEYS:
                self.report(
                    mark_of(node, key, of_key=True),
                    f"unknown key {key!r} in a condition{suggest(key, sorted(_COMPARISON_KEYS | set(GROUPS)))} "
                    f"(comparisons: {_listing(OPERATORS)})",
                )
                ok = False
        if "question" not in node:
            self.report(mark_of(node), "this condition does not say which question it is about: add 'question: ID'")
            return None
        question_id = node["question"]
        question = self._question(question_id, (node, "question"))
        operators = [k for k in node if k in OPERATORS]
        if not operators:
            self.report(
                mark_of(node),
                f"the condition on {question_id!r} does not say what to compare: "
                f"add one of {_listing(OPERATORS)}",
            )
            return None
        if len(operators) > 1:
            self.report(
                mark_of(node, operators[1], of_key=True),
                f"a condition compares once, but this one has {_listing(operators)}: "
                "put each comparison in its own condition under 'all:' or 'any:'",
            )
            return None
        if question is None or not ok:
            return None
        operator = operators[0]
        value = self._value(question, operator, node[operator], node, operator)
        if value is _INVALID:
            return None
        return Comparison(question.id, operator, value)

    def _question(self, question_id: Any, where: Where) -> Question | None:
        if isinstance(question_id, str) and question_id in self.catalogue:
            question = self.catalogue[question_id]
            if question.identity:
                self.report_at(where, f"{question_id!r} is who the patient is, not a clinical answer, so no condition "
                                   "may test it: for age, use 'age', which is worked out from the date of birth")
                return None
            return question
        self.report_at(
            where,
            f"unknown question id {question_id!r}{suggest(question_id, self.catalogue.ids)} "
            "(`flask --app screening questions export` lists every question id)",
        )
        return None

    def _value(self, question: Question, operator: str, value: Any, node: dict, key: str) -> Any:
        where = (node, key)
        if question.type not in OPERATORS[operator].fits:
            right = [op.name for op in OPERATORS.values() if question.type in op.fits and op.value != STATE]
            self.report(
                mark_of(node, key, of_key=True),
                f"{operator!r} does not fit {question.id!r}, which is a {question.type} question: "
                f"use {_listing(right)}" + (f" (its answers: {_listing(question.values)})" if question.values else ""),
            )
            return _INVALID
        if OPERATORS[operator].value == STATE:
            if value not in IS_STATES:
                self.report_at(where, f"'is:' takes one of {_listing(IS_STATES)}, not {value!r}{suggest(value, IS_STATES)}")
                return _INVALID
            return value
        if question.type == NUMBER:
            return self._number(question, operator, value, where)
        if OPERATORS[operator].value == ANSWER_LIST:
            if not isinstance(value, list) or not value:
                self.report_at(where, f"{operator!r} needs a list of answers, written like [yes, dont_know]")
                return _INVALID
            checked = [self._choice(question, item, (value, i)) for i, item in enumerate(value)]
            return _INVALID if _INVALID in checked else list(checked)
        if isinstance(value, list):
            several = ONE_OF if operator == EQUALS else INCLUDES_ANY
            self.report_at(where, f"{operator!r} takes a single answer; to accept several, use {several!r}")
            return _INVALID
        return self._choice(question, value, where)

    def _number(self, question: Question, operator: str, value: Any, where: Where) -> Any:
        if not is_number(value):
            self.report_at(where, f"{operator!r} compares {question.id!r} with a number, not {value!r}: write a number such as 140")
            return _INVALID
        low, high = question.min, question.max
        if (low is not None and value < low) or (high is not None and value > high):
            self.report_at(
                where,
                f"{value} is outside the range patients can give for {question.id!r} ({low} to {high}), "
                "so this comparison can never be true: check the number",
            )
            return _INVALID
        return value

    def _choice(self, question: Question, value: Any, where: Where) -> Any:
        if isinstance(value, str) and value in question.values:
            return value
        if isinstance(value, str) and value in question.renamed:
            return question.renamed[value]  # a past rules version, written before the answer was renamed
        hint = ""
        if isinstance(value, bool):
            hint = " (write yes and no as plain words, not true and false)"
        self.report_at(
            where,
            f"{question.id!r} has no answer {value!r}{suggest(value, question.values)}{hint} "
            f"(its answers: {_listing(question.values)})",
        )
        return _INVALID


def _written(node: Any) -> Any:
    """A key equal for two conditions written alike: each value with its type, as 1, 1.0 and true are equal."""
    if isinstance(node, dict):
        return (dict, tuple((key.__class__, key, _written(value)) for key, value in node.items()))
    if isinstance(node, list):
        return (list, tuple(_written(item) for item in node))
    return (node.__class__, node)


_COMPARISON_KEYS = frozenset(OPERATORS) | {"question"}
_INVALID = object()
