"""Conditions written out in words for staff (screening/conditions/words.py).

Requirement (issue 3, "Safe rule changes"): every rule in readable form, its condition written out in
words: question labels with their ids, answers by their labels, numbers with their units, and all / any /
not as nested lists.
"""
import pytest

from screening.catalogue import CATALOGUE
from screening.conditions.language import compile_condition
from screening.rules.checker import check_file
from screening.conditions.words import ALL_TRUE, ANY_TRUE, NONE_TRUE, NOT_ALL_TRUE, NOT_TRUE, lines, sentence, words

from tests.conftest import ROOT

SYSTOLIC = "Your most recent blood pressure: the top number (systolic) (bp_systolic)"
DIASTOLIC = "Your most recent blood pressure: the bottom number (diastolic) (bp_diastolic)"


def compiled(node):
    problems = []
    condition = compile_condition(node, CATALOGUE, lambda mark, message: problems.append(message))
    assert condition is not None, problems
    return condition


def text(node):
    return words(compiled(node), CATALOGUE).text


@pytest.mark.parametrize("operator,expected", [
    ("at least", f"{SYSTOLIC} is 180 mmHg or more"),
    ("above", f"{SYSTOLIC} is more than 180 mmHg"),
    ("below", f"{SYSTOLIC} is less than 180 mmHg"),
    ("at most", f"{SYSTOLIC} is 180 mmHg or less"),
])
def test_number_comparisons_read_as_words_with_the_unit(operator, expected):
    assert text({"question": "bp_systolic", operator: 180}) == expected


def test_equals_names_the_answer_by_its_label():
    assert text({"question": "heart_attack", "equals": "yes"}) == "Have you ever had a heart attack? (heart_attack) is “Yes”"


def test_one_of_lists_the_labels_with_or():
    assert text({"question": "self_harm_plan", "one of": ["yes", "dont_know", "prefer_not_to_say"]}) == (
        "Have you made a plan, or do you intend to act on these thoughts? (self_harm_plan) "
        "is “Yes”, “I'm not sure” or “Prefer not to say”")


def test_includes_names_the_ticked_answer_by_its_label():
    assert text({"question": "medicines", "includes": "theophylline"}).endswith(
        "(medicines) includes “Theophylline or aminophylline”")


def test_includes_any_lists_the_labels():
    assert text({"question": "reactions", "includes any": ["ketamine", "anesthetic"]}).endswith(
        "(reactions) includes any of “Ketamine” or “An anesthetic, used for surgery or a procedure”")


def test_is_dont_know_uses_the_questions_own_label_for_it():
    assert text({"question": "bp_systolic", "is": "don't know"}) == f"{SYSTOLIC} is “I don't know my blood pressure”"


def test_is_prefer_not_to_say_on_a_multiple_choice_reads_includes():
    assert text({"question": "drugs_which", "is": "prefer not to say"}) == "Which ones? (drugs_which) includes “Prefer not to say”"


def test_is_answered_says_which_answers_do_not_count():
    assert text({"question": "substance_history", "is": "answered"}).endswith(
        "(substance_history) has an answer other than “I don't know” or “Prefer not to say”")


def test_is_answered_on_a_text_question_is_plain():
    assert text({"question": "brain_other", "is": "answered"}).endswith("(brain_other) has an answer")


def test_is_not_answered_includes_the_non_committal_answers():
    assert text({"question": "bp_systolic", "is": "not answered"}) == (
        f"{SYSTOLIC} has no answer (not asked or left empty), or only “I don't know my blood pressure”")


def test_any_is_a_heading_over_its_parts():
    tree = words(compiled({"any": [{"question": "bp_systolic", "at least": 180},
                                   {"question": "bp_diastolic", "at least": 120}]}), CATALOGUE)
    assert (tree.text, [p.text for p in tree.parts]) == (
        ANY_TRUE, [f"{SYSTOLIC} is 180 mmHg or more", f"{DIASTOLIC} is 120 mmHg or more"])


def test_any_on_one_line_reads_with_or():
    condition = compiled({"any": [{"question": "bp_systolic", "at least": 180},
                                  {"question": "bp_diastolic", "at least": 120}]})
    assert sentence(condition, CATALOGUE) == f"{SYSTOLIC} is 180 mmHg or more, or {DIASTOLIC} is 120 mmHg or more"


def test_not_any_reads_none_of_these():
    tree = words(compiled({"not": {"any": [{"question": "asthma", "equals": "yes"},
                                           {"question": "copd", "equals": "yes"}]}}), CATALOGUE)
    assert tree.text == NONE_TRUE and len(tree.parts) == 2


def test_not_all_reads_not_all_of_these():
    tree = words(compiled({"not": {"all": [{"question": "asthma", "equals": "yes"},
                                           {"question": "copd", "equals": "yes"}]}}), CATALOGUE)
    assert tree.text == NOT_ALL_TRUE and len(tree.parts) == 2


def test_not_of_one_comparison_nests_it_under_a_heading():
    tree = words(compiled({"not": {"question": "asthma", "equals": "yes"}}), CATALOGUE)
    assert (tree.text, [p.question for p in tree.parts]) == (NOT_TRUE, ["asthma"])


def test_nested_groups_become_nested_lists():
    condition = compiled({"all": [
        {"any": [{"question": "bp_systolic", "at least": 140}, {"question": "bp_diastolic", "at least": 90}]},
        {"not": {"any": [{"question": "bp_systolic", "at least": 180}, {"question": "bp_diastolic", "above": 100}]}},
    ]})
    assert lines(words(condition, CATALOGUE)) == [
        f"- {ALL_TRUE}",
        f"  - {ANY_TRUE}",
        f"    - {SYSTOLIC} is 140 mmHg or more",
        f"    - {DIASTOLIC} is 90 mmHg or more",
        f"  - {NONE_TRUE}",
        f"    - {SYSTOLIC} is 180 mmHg or more",
        f"    - {DIASTOLIC} is more than 100 mmHg",
    ]


def test_nested_groups_on_one_line_are_bracketed():
    condition = compiled({"all": [
        {"any": [{"question": "asthma", "equals": "yes"}, {"question": "copd", "equals": "yes"}]},
        {"not": {"question": "sleep_apnoea", "equals": "yes"}},
    ]})
    assert sentence(condition, CATALOGUE) == (
        "(Do you have asthma? (asthma) is “Yes”, or Have you been told you have COPD, emphysema or chronic "
        "bronchitis? (copd) is “Yes”), and not (Have you been told you have sleep apnea (your breathing stops "
        "while you sleep)? (sleep_apnoea) is “Yes”)")


def test_a_comparison_keeps_its_parts_apart_for_the_page():
    leaf = words(compiled({"question": "heart_attack", "equals": "yes"}), CATALOGUE)
    assert (leaf.subject, leaf.question, leaf.predicate) == ("Have you ever had a heart attack?", "heart_attack", "is “Yes”")


def test_a_score_reads_with_its_unit():
    assert text({"question": "audit_c_score", "at least": 4}).endswith("(audit_c_score) is 4 points or more")


def test_every_shipped_rule_is_written_without_stored_values():
    ruleset, problems = check_file(ROOT / "rules.yaml")
    assert problems == []
    written = "\n".join(sentence(rule.when, CATALOGUE) for rule in ruleset.rules)
    assert "within_6_weeks" not in written and "prefer_not_to_say" not in written and "dont_know" not in written
