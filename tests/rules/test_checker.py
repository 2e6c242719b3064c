"""The rules checker: one test per kind of problem, each asserting the line it reports.

Requirement (issue 2, section 3): every problem in one run, as PATH:LINE:COL: message with the
rule id, what is wrong and how to fix it; safe YAML; exit 0 when clean, 1 otherwise.
"""

import pytest

from screening.rules.checker import check_file, check_text
from screening.rules.engine import evaluate

from tests.conftest import HEALTHY, ROOT

VALID = """\
version: "t1"
rules:
  - id: bp-very-high
    severity: urgent
    title: Very high blood pressure
    patient: Please get your blood pressure checked today.
    clinician: Reported {bp_systolic}/{bp_diastolic} mmHg.
    source: ACC/AHA 2017
    when:
      question: bp_systolic
      at least: 180
examples:
  - name: high reading
    answers:
      bp_systolic: 190
    raises: [bp-very-high]
"""


def problems(text):
    ruleset, found = check_text(text, "rules.yaml")
    assert ruleset is None
    return found


def only(text):
    found = problems(text)
    assert len(found) == 1, [str(p) for p in found]
    return found[0]


def at(text, line):
    found = [p for p in problems(text) if p.line == line]
    assert len(found) == 1, [str(p) for p in problems(text)]
    return found[0]


def test_valid_file_loads_with_no_problems():
    ruleset, found = check_text(VALID)
    assert (len(ruleset.rules), found) == (1, [])


def test_yaml_syntax_error_points_at_its_line():
    problem = only(VALID.replace("title: Very high blood pressure", "title: Very high: blood pressure"))
    assert (problem.line, "YAML syntax" in problem.message) == (5, True)


def test_tab_indentation_is_explained():
    problem = only(VALID.replace("      at least: 180", "\t  at least: 180"))
    assert "not tabs" in problem.message


def test_unknown_key_in_a_rule_suggests_the_right_one():
    problem = at(VALID.replace("    source:", "    sorce:"), 8)
    assert problem.rule_id == "bp-very-high" and "did you mean 'source'" in problem.message


def test_unknown_operator_suggests_the_right_one():
    problem = at(VALID.replace("at least: 180", "at lest: 180"), 11)
    assert "did you mean 'at least'" in problem.message


def test_misspelt_question_id_is_reported_with_a_suggestion():
    problem = only(VALID.replace("question: bp_systolic", "question: bp_sistolic"))
    assert str(problem) == (
        "rules.yaml:10:17: rule 'bp-very-high': unknown question id 'bp_sistolic'; did you mean 'bp_systolic'? "
        "(`flask --app screening questions export` lists every question id)"
    )


def test_choice_value_the_question_does_not_have():
    problem = only(VALID.replace("question: bp_systolic\n      at least: 180", "question: heart_attack\n      equals: yess"))
    assert problem.line == 11 and "no answer 'yess'; did you mean 'yes'?" in problem.message


def test_yes_is_a_word_not_a_boolean():
    ruleset, found = check_text(VALID.replace("question: bp_systolic\n      at least: 180",
                                              "question: heart_attack\n      equals: yes")
                                .replace("bp_systolic: 190", "heart_attack: yes"))
    assert found == []


def test_comparison_that_does_not_fit_the_question_type():
    problem = only(VALID.replace("at least: 180", "equals: yes"))
    assert problem.line == 11 and "'equals' does not fit 'bp_systolic', which is a number question" in problem.message


def test_number_outside_what_a_patient_can_enter():
    problem = only(VALID.replace("at least: 180", "at least: 1800"))
    assert problem.line == 11 and "60 to 300" in problem.message


def test_duplicate_rule_id():
    rule = VALID[VALID.index("  - id:"):VALID.index("examples:")]
    problem = only(VALID.replace("examples:", rule + "examples:"))
    assert problem.line == 12 and "used twice (first at line 3)" in problem.message


def test_missing_text():
    problem = only(VALID.replace("    patient: Please get your blood pressure checked today.\n", ""))
    assert problem.line == 3 and "needs 'patient:'" in problem.message


def test_placeholder_naming_an_unknown_question():
    problem = only(VALID.replace("{bp_diastolic}", "{bp_diastollic}"))
    assert problem.line == 7 and "did you mean 'bp_diastolic'" in problem.message


def test_placeholder_in_a_title_is_refused():
    problem = only(VALID.replace("title: Very high blood pressure", "title: Very high blood pressure {bp_systolic}"))
    assert problem.line == 5 and "cannot quote an answer" in problem.message


def test_placeholder_quoting_the_patients_name_is_refused():
    problem = only(VALID.replace("Reported {bp_systolic}", "Patient {last_name} reported {bp_systolic}"))
    assert problem.line == 7 and "who the patient is" in problem.message and "{age}" in problem.message


def test_condition_on_the_patients_name_is_refused():
    text = VALID.replace("question: bp_systolic\n      at least: 180", "question: last_name\n      is: answered")
    assert "who the patient is" in at(text, 10).message


@pytest.mark.parametrize("given", ["date_of_birth: '2015-01-01'", "first_name: Ana"])
def test_examples_may_not_give_who_the_patient_is(given):
    text = VALID.replace("      bp_systolic: 190\n", f"      bp_systolic: 190\n      {given}\n")
    assert "who the patient is" in at(text, 16).message


def test_examples_may_give_an_age_instead_of_a_date_of_birth():
    text = VALID.replace("      bp_systolic: 190\n", "      bp_systolic: 190\n      age: 16\n")
    assert check_text(text, "rules.yaml")[1] == []


@pytest.mark.parametrize("wording", ["You are not eligible for treatment.", "You are cleared for ketamine.",
                                     "Not a candidate for infusions.", "Treatment approved.",
                                     "An ideal candidate."])
def test_decision_wording(wording):
    problem = only(VALID.replace("Please get your blood pressure checked today.", wording))
    assert problem.line == 6 and "reads as a decision" in problem.message


def test_failing_example_says_what_was_expected_and_what_happened():
    problem = at(VALID.replace("bp_systolic: 190", "bp_systolic: 150"), 13)
    assert "expected bp-very-high but it was not raised" in problem.message


def test_example_that_raises_a_rule_it_says_it_does_not():
    problem = only(VALID.replace("raises: [bp-very-high]", "raises: [bp-very-high]\n    does not raise: [bp-very-high]"))
    assert "listed under 'does not raise'" in problem.message


def test_rule_without_an_example_that_raises_it():
    problem = only(VALID.replace("raises: [bp-very-high]", "raises: []"))
    assert (problem.line, problem.rule_id) == (3, "bp-very-high") and "no example" in problem.message


def test_example_answer_to_a_question_not_asked():
    problem = only(VALID.replace("bp_systolic: 190", "bp_systolic: 190\n      heart_attack_when: within_6_weeks"))
    assert problem.line == 16 and "asked only when heart_attack is yes" in problem.message


def test_example_answer_value_the_question_does_not_have():
    problem = only(VALID.replace("bp_systolic: 190", "bp_systolic: high"))
    assert problem.line == 15 and "takes a number" in problem.message


def test_duplicate_key_is_reported():
    problem = only(VALID.replace("    severity: urgent\n", "    severity: urgent\n    severity: discuss\n"))
    assert problem.line == 5 and "written twice" in problem.message


def test_unknown_severity():
    problem = only(VALID.replace("severity: urgent", "severity: urgnet"))
    assert problem.line == 4 and "did you mean 'urgent'" in problem.message


def test_python_tags_are_refused():
    problem = only(VALID.replace('version: "t1"', "version: !!python/object/apply:os.system [echo hi]"))
    assert problem.line == 1 and "plain text" in problem.message


def test_a_date_that_does_not_exist_is_refused_at_its_line():
    problem = only(VALID.replace('version: "t1"', "version: 2024-02-30"))
    assert problem.line == 1 and "a date that does not exist (2024-02-30)" in problem.message


def test_an_alias_bomb_is_refused_at_its_first_anchor():
    # Nine to the ninth nodes if the aliases were followed: refused on sight instead, or this would not finish.
    bomb = "a: &a [x,x,x,x,x,x,x,x,x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{','.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8))
    problem = only(bomb)
    assert problem.line == 1 and "not allowed" in problem.message


def test_every_problem_is_reported_in_one_run():
    text = (VALID.replace("question: bp_systolic", "question: bp_sistolic")
            .replace("severity: urgent", "severity: urgnet")
            .replace("{bp_diastolic}", "{bp_diastollic}"))
    assert [p.line for p in problems(text)] == [4, 7, 10]


def test_problems_are_reported_as_path_line_col():
    problem = only(VALID.replace("severity: urgent", "severity: urgnet"))
    assert str(problem).startswith("rules.yaml:4:15: rule 'bp-very-high': ")


def test_shipped_rules_file_passes():
    ruleset, found = check_file(ROOT / "rules.yaml")
    assert [str(p) for p in found] == [] and len(ruleset.rules) > 0


def test_shipped_examples_raise_every_rule():
    ruleset, _ = check_file(ROOT / "rules.yaml")
    raised = {rule_id for example in ruleset.examples for rule_id in example.raises}
    assert raised == {rule.id for rule in ruleset.rules}


def test_a_number_too_long_to_read_is_a_problem_with_its_line():
    problems = check_text("version: '1'\nrules: []\nexamples: []\nx: " + "9" * 5000 + "\n", "long.yaml")[1]
    assert len(problems) == 1 and ":4:" in str(problems[0]) and "a number too long to read" in str(problems[0])


# -- alerts (issue 9) ----------------------------------------------------------------------------------------

def test_an_urgent_rule_alerts_unless_it_says_otherwise():
    ruleset, found = check_text(VALID, "rules.yaml")
    assert found == [] and ruleset.rules[0].alerts


def test_a_rule_can_turn_its_alert_off():
    ruleset, _ = check_text(VALID.replace("    severity: urgent\n", "    severity: urgent\n    alert: false\n"),
                            "rules.yaml")
    assert ruleset.rules[0].alerts is False


def test_a_discuss_rule_can_alert():
    text = VALID.replace("    severity: urgent\n", "    severity: discuss\n    alert: true\n")
    assert check_text(text, "rules.yaml")[0].rules[0].alerts


@pytest.mark.parametrize("value", ["yes", "sometimes", "1"])
def test_an_alert_that_is_not_true_or_false_is_a_problem_with_its_line(value):
    problem = at(VALID.replace("    severity: urgent\n", f"    severity: urgent\n    alert: {value}\n"), 5)
    assert "'alert:' takes true or false" in problem.message


def test_an_example_states_whether_its_answers_alert():
    text = VALID.replace("    raises: [bp-very-high]\n", "    raises: [bp-very-high]\n    alerts: true\n")
    assert check_text(text, "rules.yaml")[1] == []


def test_an_example_that_says_the_wrong_thing_about_alerts_fails_with_why():
    text = VALID.replace("    raises: [bp-very-high]\n", "    raises: [bp-very-high]\n    alerts: false\n")
    problem = only(text)
    assert "'alerts: false' but it alerts, through bp-very-high" in problem.message


def test_the_shipped_examples_say_which_answers_alert():
    ruleset, _ = check_file(ROOT / "rules.yaml")
    stated = [e for e in ruleset.examples if e.alerts is not None]
    assert any(e.alerts for e in stated) and any(not e.alerts for e in stated)


def test_a_patient_text_above_grade_8_is_refused_at_its_line():
    hard = ("Your reported systolic measurement indicates considerable cardiovascular vulnerability necessitating "
            "comprehensive evaluation.")
    problem = at(VALID.replace("patient: Please get your blood pressure checked today.", f"patient: {hard}"), 6)
    assert problem.rule_id == "bp-very-high" and "'patient' reads at US grade" in problem.message


def test_clinician_text_is_not_held_to_the_patient_reading_level():
    text = VALID.replace("clinician: Reported {bp_systolic}/{bp_diastolic} mmHg.",
                         "clinician: Reported {bp_systolic}/{bp_diastolic} mmHg; considerable cardiovascular "
                         "vulnerability necessitating comprehensive evaluation.")
    assert check_text(text)[1] == []


def test_a_past_rules_text_with_a_renamed_answer_code_reads_it_as_the_answer_now():
    # Stored rules versions from before revision 0007 wrote "anaesthetic"; rules replay --verify reads them.
    old_text = (ROOT / "rules.yaml").read_text().replace("reactions: [anesthetic]", "reactions: [anaesthetic]").replace(
        "includes: anesthetic", "includes: anaesthetic")
    ruleset, found = check_text(old_text, "rules.yaml")
    assert found == [] and ruleset is not None
    raised = {t.id for t in evaluate(ruleset, {**HEALTHY, "reactions": ["anesthetic"]}).topics}
    assert "reaction-anesthetic" in raised
