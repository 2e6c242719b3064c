"""The condition language: a truth table for every operator, with missing, "I don't know"
and "Prefer not to say" answers, and the grouping of all / any / not.

Requirement (issue 2, section 3): comparisons on numbers, single and multiple choices,
answered / not answered / prefer not to say; a missing or non-committal answer is never read as "no".
"""
import pytest

from screening.catalogue import CATALOGUE
from screening.conditions.language import Match, compile_condition

MISSING = object()


def compiled(node):
    problems = []
    condition = compile_condition(node, CATALOGUE, lambda mark, message: problems.append(message))
    assert condition is not None, problems
    return condition


def holds(node, question, answer):
    answers = {} if answer is MISSING else {question: answer}
    return compiled(node).evaluate(answers).ok


NUMBER_TABLE = [
    ("at least", 180, 180, True), ("at least", 180, 179, False), ("at least", 180, 181, True),
    ("above", 180, 180, False), ("above", 180, 181, True),
    ("below", 90, 89, True), ("below", 90, 90, False),
    ("at most", 90, 90, True), ("at most", 90, 91, False),
]


@pytest.mark.parametrize("operator,value,answer,expected", NUMBER_TABLE)
def test_number_comparison(operator, value, answer, expected):
    assert holds({"question": "bp_systolic", operator: value}, "bp_systolic", answer) is expected


@pytest.mark.parametrize("operator", ["at least", "above", "below", "at most"])
@pytest.mark.parametrize("answer", [MISSING, "dont_know", "prefer_not_to_say"])
def test_number_comparison_is_false_without_a_number(operator, answer):
    assert holds({"question": "bp_systolic", operator: 100}, "bp_systolic", answer) is False


CHOICE_TABLE = [
    ({"equals": "yes"}, "yes", True), ({"equals": "yes"}, "no", False),
    ({"equals": "yes"}, "dont_know", False), ({"equals": "yes"}, MISSING, False),
    ({"equals": "no"}, MISSING, False), ({"equals": "no"}, "dont_know", False),
    ({"equals": "dont_know"}, "dont_know", True),
    ({"one of": ["yes", "dont_know"]}, "dont_know", True), ({"one of": ["yes", "dont_know"]}, "no", False),
    ({"one of": ["yes", "dont_know"]}, MISSING, False),
]


@pytest.mark.parametrize("comparison,answer,expected", CHOICE_TABLE)
def test_single_choice_comparison(comparison, answer, expected):
    assert holds({"question": "heart_attack", **comparison}, "heart_attack", answer) is expected


MULTI_TABLE = [
    ({"includes": "opioids"}, ["opioids", "lamotrigine"], True), ({"includes": "opioids"}, ["lamotrigine"], False),
    ({"includes": "opioids"}, ["dont_know"], False), ({"includes": "opioids"}, MISSING, False),
    ({"includes any": ["opioids", "maois"]}, ["maois"], True),
    ({"includes any": ["opioids", "maois"]}, ["none"], False),
    ({"includes any": ["opioids", "maois"]}, MISSING, False),
]


@pytest.mark.parametrize("comparison,answer,expected", MULTI_TABLE)
def test_multiple_choice_comparison(comparison, answer, expected):
    assert holds({"question": "medicines", **comparison}, "medicines", answer) is expected


STATE_TABLE = [
    # state,               missing, "dont_know", "prefer_not_to_say", a real answer
    ("answered",            False,   False,       False,               True),
    ("not answered",        True,    True,        True,                False),
    ("don't know",          False,   True,        False,               False),
    ("prefer not to say",   False,   False,       True,                False),
]


@pytest.mark.parametrize("state,missing,dont_know,prefer_not,real", STATE_TABLE)
@pytest.mark.parametrize("question,real_answer", [
    ("pregnant", "no"), ("bp_systolic", 120), ("medicines", ["none"]),
])
def test_is_state(state, missing, dont_know, prefer_not, real, question, real_answer):
    node = {"question": question, "is": state}
    got = [holds(node, question, a) for a in (MISSING, "dont_know", "prefer_not_to_say", real_answer)]
    if question == "medicines":
        got[1:3] = [holds(node, question, ["dont_know"]), holds(node, question, ["prefer_not_to_say"])]
    assert got == [missing, dont_know, prefer_not, real]


def test_text_is_answered_when_it_has_words():
    assert holds({"question": "brain_other", "is": "answered"}, "brain_other", "migraine") is True


TWO = [{"question": "heart_attack", "equals": "yes"}, {"question": "angina", "equals": "yes"}]


@pytest.mark.parametrize("group,a,b,expected", [
    ("all", "yes", "yes", True), ("all", "yes", "no", False), ("all", "no", "no", False),
    ("any", "yes", "no", True), ("any", "no", "yes", True), ("any", "no", "no", False),
])
def test_group(group, a, b, expected):
    assert compiled({group: TWO}).evaluate({"heart_attack": a, "angina": b}).ok is expected


@pytest.mark.parametrize("answer,expected", [("yes", False), ("no", True), ("dont_know", True)])
def test_not(answer, expected):
    assert compiled({"not": TWO[0]}).evaluate({"heart_attack": answer}).ok is expected


def test_because_names_only_the_parts_that_were_true():
    match = compiled({"any": TWO}).evaluate({"heart_attack": "yes", "angina": "no"})
    assert match == Match(True, ("heart_attack",))


def test_because_of_all_names_every_part():
    match = compiled({"all": TWO}).evaluate({"heart_attack": "yes", "angina": "yes"})
    assert match.because == ("heart_attack", "angina")
