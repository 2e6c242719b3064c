"""Each operator's meaning lives in one table (screening/conditions/operators.py).

Requirement (issue 6, "The layout shows the flow"): evaluate, words and FHIR enableWhen for every operator
in one table, with a test that fails when an operator lacks any of them.
"""
import pytest

from screening.catalogue.types import NUMBER
from screening.conditions.language import Comparison
from screening.conditions.operators import ANSWER_LIST, NUMBER_VALUE, ONE_ANSWER, OPERATORS, STATE, Operator
from screening.conditions.words import words
from screening.exports.fhir import enable_when
from screening.questionnaire import QUESTIONNAIRE

CATALOGUE = QUESTIONNAIRE.catalogue


def sample(operator: Operator) -> Comparison:
    """A comparison with this operator on the first asked question it fits, with a value that question allows."""
    question = next(q for q in CATALOGUE.asked if q.type in operator.fits and not q.points
                    and (q.type == NUMBER or q.values))
    value = {NUMBER_VALUE: question.min if question.min is not None else 1,
             ONE_ANSWER: question.values[0] if question.values else None,
             ANSWER_LIST: list(question.values[:2]),
             STATE: "answered"}[operator.value]
    return Comparison(question.id, operator.name, value)


@pytest.mark.parametrize("name", sorted(OPERATORS))
def test_every_operator_fits_some_question_type(name):
    assert OPERATORS[name].fits


@pytest.mark.parametrize("name", sorted(OPERATORS))
def test_every_operator_evaluates_without_raising_on_any_answer(name):
    comparison = sample(OPERATORS[name])
    for answer in (None, "", "dont_know", [], ["dont_know"], 0, 999, "yes", ["yes"], True):
        comparison.evaluate({comparison.question: answer})


@pytest.mark.parametrize("name", sorted(OPERATORS))
def test_every_operator_has_words_with_a_place_for_its_value(name):
    operator = OPERATORS[name]
    assert "{}" in operator.words and operator.short
    comparison = sample(operator)
    predicate = words(comparison, CATALOGUE).predicate
    # words.py falls back to "<operator> <value>" for an operator it cannot write out.
    assert predicate and predicate != f"{name} {comparison.value}"
    assert predicate.startswith(operator.words.split("{}")[0])


@pytest.mark.parametrize("name", sorted(OPERATORS))
def test_every_operator_has_a_fhir_form(name):
    operator = OPERATORS[name]
    assert operator.fhir is not None or operator.value == STATE, f"{name!r} has no FHIR enableWhen form"
    assert enable_when(sample(operator), QUESTIONNAIRE) is not None, f"{name!r} cannot be said as an enableWhen"


@pytest.mark.parametrize("name", sorted(OPERATORS))
def test_every_operator_compares_with_a_known_kind_of_value(name):
    assert OPERATORS[name].value in (NUMBER_VALUE, ONE_ANSWER, ANSWER_LIST, STATE)
