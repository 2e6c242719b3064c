"""The rules engine: order by severity, reasons, quoted answers, hidden answers dropped first."""
from screening.rules.checker import check_text
from screening.rules.engine import evaluate, fill

from tests.conftest import ROOT
from tests.rules.test_checker import VALID

TWO_RULES = VALID.replace("examples:", """\
  - id: heart-attack-recent
    severity: discuss
    title: Recent heart attack
    patient: Tell your doctor about your heart attack.
    clinician: Heart attack {heart_attack_when}.
    source: EU Spravato leaflet
    when:
      question: heart_attack_when
      equals: within_6_weeks
examples:
  - name: recent heart attack
    answers:
      heart_attack: yes
      heart_attack_when: within_6_weeks
    raises: [heart-attack-recent]
""")


def ruleset():
    rules, problems = check_text(TWO_RULES)
    assert problems == []
    return rules


def test_topics_come_urgent_first_whatever_the_file_order():
    text = TWO_RULES.replace("severity: urgent", "severity: mention")
    rules, _ = check_text(text)
    topics = evaluate(rules, {"bp_systolic": 200, "heart_attack": "yes", "heart_attack_when": "within_6_weeks"}).topics
    assert [t.severity for t in topics] == ["discuss", "mention"]


def test_hidden_answers_are_dropped_before_rules_run():
    summary = evaluate(ruleset(), {"heart_attack": "no", "heart_attack_when": "within_6_weeks"})
    assert summary.topics == ()


def test_because_quotes_the_answer_as_the_patient_saw_it():
    topic = evaluate(ruleset(), {"heart_attack": "yes", "heart_attack_when": "within_6_weeks"}).topics[0]
    assert [(b.question, b.answer) for b in topic.because] == [("heart_attack_when", "In the last 6 weeks")]


def test_clinician_text_quotes_choice_labels():
    topic = evaluate(ruleset(), {"heart_attack": "yes", "heart_attack_when": "within_6_weeks"}).topics[0]
    assert topic.clinician == "Heart attack In the last 6 weeks."


def test_placeholder_numbers_come_bare():
    assert fill("{bp_systolic}/{bp_diastolic} mmHg", {"bp_systolic": 182, "bp_diastolic": 96}) == "182/96 mmHg"


def test_placeholder_height_and_weight_come_in_both_systems_and_the_bmi_bare():
    assert fill("BMI {bmi}; {height}, {weight}", {"height": 170.2, "weight": 87.1, "bmi": 30.1}) == \
        "BMI 30.1; 5 ft 7 in (170.2 cm), 192 lb (87.1 kg)"


def test_shipped_bmi_rule_quotes_bmi_height_and_weight_for_the_clinician():
    rules, problems = check_text((ROOT / "rules.yaml").read_text())
    assert problems == []
    topic = next(t for t in evaluate(rules, {"height": 170.2, "weight": 87.1}).topics if t.id == "bmi-30-or-more")
    assert topic.clinician.startswith("BMI 30.1; height 5 ft 7 in (170.2 cm), weight 192 lb (87.1 kg).") and \
        "ideal body weight" in topic.clinician and topic.severity == "mention"


def test_placeholder_for_an_unanswered_question_says_so():
    assert fill("BP {bp_systolic}", {}) == "BP Not answered"


def test_summary_carries_version_and_hash():
    rules = ruleset()
    summary = evaluate(rules, {})
    assert (summary.rules_version, summary.rules_sha256) == ("t1", rules.sha256)


def test_no_answers_raise_no_comparison_rules():
    assert evaluate(ruleset(), {}).topics == ()
