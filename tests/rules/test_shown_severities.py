"""shown_severities(): the id and tier of every topic evaluate() would show, as a replay compares them (issue 12).

It skips the summary's order and each topic's reasons, so it is checked against evaluate() itself: on every
example in rules.yaml, on generated answer sets, and with `unless:` stand-ins.
"""
from hypothesis import given

from screening.rules.engine import evaluate, shown_severities

from tests.rules.test_compiled_engine import ANSWER_SETS, AS_OF, MANY, SHIPPED
from tests.rules.test_unless import ATTACK_AND_STENT, rules


def shown_by_evaluate(ruleset, answers):
    return {topic.id: topic.severity for topic in evaluate(ruleset, answers, as_of=AS_OF).topics}


def test_every_rules_example_shows_what_evaluate_shows():
    assert SHIPPED.has_unless
    for example in SHIPPED.examples:
        assert shown_severities(SHIPPED, example.answers, as_of=AS_OF) == shown_by_evaluate(SHIPPED, example.answers), \
            example.name


@MANY
@given(ANSWER_SETS)
def test_generated_answer_sets_show_what_evaluate_shows(answers):
    assert shown_severities(SHIPPED, answers, as_of=AS_OF) == shown_by_evaluate(SHIPPED, answers)


def test_a_rule_whose_stand_in_holds_is_not_shown():
    assert shown_severities(rules(), ATTACK_AND_STENT) == {"heart-attack-recent": "discuss"}


def test_a_rule_whose_stand_in_does_not_hold_is_shown():
    assert shown_severities(rules(), {"heart_procedure": "yes"}) == {"heart-procedure": "discuss"}
