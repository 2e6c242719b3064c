"""The compiled engine gives exactly what the plain reading of the condition language gives.

Requirement (issue 12, "The engine"): conditions are compiled once into closures, with the same topics and
`because` lists as before, on every example in rules.yaml and on a few thousand generated answer sets.
`reference_evaluate` below is the engine as it was before compiling: every rule's `when.evaluate()` in file
order, `unless:` applied the same way.
"""
from __future__ import annotations

import dataclasses
import math
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from screening.catalogue.types import CHOICE, DATE, MULTI, NUMBER, TEXT
from screening.questionnaire import QUESTIONNAIRE
from screening.rules.checker import check_file
from screening.rules.engine import evaluate, merge_stand_ins, topic_for
from screening.rules.model import SEVERITIES, Summary

from tests.conftest import ROOT

SHIPPED, _ = check_file(ROOT / "rules.yaml")
CATALOGUE = QUESTIONNAIRE.catalogue
AS_OF = date(2026, 11, 25)


def reference_evaluate(ruleset, answers, as_of=AS_OF) -> Summary:
    seen = QUESTIONNAIRE.with_scores(answers, as_of)
    held = {}
    for rule in ruleset.rules:
        match = rule.when.evaluate(seen)
        if match.ok:
            held[rule.id] = match.because
    rules = {rule.id: rule for rule in ruleset.rules}
    raised = [topic_for(rules[i], seen, QUESTIONNAIRE, b) for i, b in merge_stand_ins(held, rules).items()]
    topics = sorted(raised, key=lambda t: SEVERITIES.index(t.severity))
    return Summary(ruleset.version, ruleset.sha256, tuple(topics), alert=any(rules[i].alerts for i in held))


def conditions():
    """Every condition there is: each rule's `when:` and each question's show-when."""
    return [rule.when for rule in SHIPPED.rules] + list(QUESTIONNAIRE.show_when.values())


def same_matches(answers) -> None:
    for condition in conditions():
        match = condition.evaluate(answers)
        assert condition.matcher(answers) == (match.because if match.ok else None), condition.describe()


def test_shipped_rules_pass_the_check():
    assert SHIPPED is not None and SHIPPED.examples


def test_every_rules_example_gives_the_same_summary():
    for example in SHIPPED.examples:
        assert evaluate(SHIPPED, example.answers, as_of=AS_OF) == reference_evaluate(SHIPPED, example.answers), \
            example.name


def test_every_rules_example_gives_the_same_match_on_every_condition():
    for example in SHIPPED.examples:
        same_matches(QUESTIONNAIRE.with_scores(example.answers, AS_OF))
        same_matches(example.answers)


def answer_for(question):
    """Any answer of the question's type, in range or a little out of it, or one of the non-committal ones."""
    values = list(question.values)
    if question.type == CHOICE:
        plain = st.sampled_from(values) if values else st.text(max_size=3)
    elif question.type == MULTI:
        plain = st.lists(st.sampled_from(values), max_size=len(values), unique=True) if values else st.just([])
    elif question.type == NUMBER:
        low = question.min if question.min is not None else -10
        high = question.max if question.max is not None else 400
        plain = st.one_of(st.integers(math.floor(low) - 5, math.ceil(high) + 5), st.floats(low, high, allow_nan=False),
                          st.sampled_from(values) if values else st.nothing())
    elif question.type == DATE:
        plain = st.dates(date(1920, 1, 1), date(2026, 12, 31)).map(date.isoformat)
    elif question.type == TEXT:
        plain = st.text(max_size=5)
    else:
        plain = st.none()
    odd = ["dont_know", "prefer_not_to_say", None] + ([[]] if question.type == MULTI else [""])
    return st.one_of(plain, st.sampled_from(odd))


ASKED = [q for q in CATALOGUE.asked if not q.identity] + [q for q in CATALOGUE.scores]
ANSWER_SETS = st.fixed_dictionaries({}, optional={q.id: answer_for(q) for q in ASKED}).map(
    lambda answers: {k: v for k, v in answers.items() if v is not None})
MANY = settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@MANY
@given(ANSWER_SETS)
def test_generated_answer_sets_give_the_same_summary(answers):
    assert evaluate(SHIPPED, answers, as_of=AS_OF) == reference_evaluate(SHIPPED, answers)


@MANY
@given(ANSWER_SETS)
def test_generated_answer_sets_give_the_same_match_on_every_condition(answers):
    same_matches(answers)
    same_matches(QUESTIONNAIRE.with_scores(answers, AS_OF))


def test_rules_sharing_a_condition_each_raise_their_own_topic():
    copies = tuple(dataclasses.replace(rule, id=f"{rule.id}-copy") for rule in SHIPPED.rules)
    doubled = dataclasses.replace(SHIPPED, rules=SHIPPED.rules + copies)
    assert len(doubled.matchers) == len(SHIPPED.matchers)  # each distinct condition compiled once
    for example in SHIPPED.examples:
        summary = evaluate(doubled, example.answers, as_of=AS_OF)
        assert summary == reference_evaluate(doubled, example.answers), example.name
