"""`unless:`: one clinical event gives one topic (issue 10, "one event, one card").

A rule is not shown when a rule it names under `unless:` holds; its answers join the topic that stands in for
it. The checker refuses unknown ids, the rule itself, a stand-in of a lower tier, and circles, each at its line.
"""
from screening.rules.checker import check_text
from screening.rules.engine import evaluate

from tests.rules.test_checker import VALID, at

STENT = VALID.replace("examples:", """\
  - id: heart-attack-recent
    severity: discuss
    title: Recent heart attack
    patient: Tell your doctor about your heart attack.
    clinician: Heart attack {heart_attack_when}.
    source: EU Spravato leaflet
    when:
      question: heart_attack_when
      equals: within_6_weeks
  - id: heart-procedure
    severity: discuss
    title: Stent or bypass
    patient: Tell your doctor about your stent.
    clinician: Stent or bypass in the last 12 months.
    source: J&J trial criteria
    unless: [heart-attack-recent]
    when:
      question: heart_procedure
      equals: yes
examples:
  - name: stent alone
    answers:
      heart_procedure: yes
    raises: [heart-procedure]
  - name: recent heart attack
    answers:
      heart_attack: yes
      heart_attack_when: within_6_weeks
    raises: [heart-attack-recent]
""")
ATTACK_AND_STENT = {"heart_attack": "yes", "heart_attack_when": "within_6_weeks", "heart_procedure": "yes"}


def line_of(text, words, nth=0):
    return [number for number, line in enumerate(text.splitlines(), 1) if words in line][nth]


def rules(text=STENT):
    ruleset, problems = check_text(text)
    assert problems == [], [str(p) for p in problems]
    return ruleset


def test_a_rule_is_not_shown_when_its_stand_in_holds():
    assert [t.id for t in evaluate(rules(), ATTACK_AND_STENT).topics] == ["heart-attack-recent"]


def test_the_stand_in_names_the_hidden_rules_answers():
    topic = evaluate(rules(), ATTACK_AND_STENT).topics[0]
    assert [b.question for b in topic.because] == ["heart_attack_when", "heart_procedure"]


def test_a_rule_is_shown_when_its_stand_in_does_not_hold():
    assert [t.id for t in evaluate(rules(), {"heart_procedure": "yes"}).topics] == ["heart-procedure"]


def test_a_hidden_rule_that_alerts_still_alerts():
    text = STENT.replace("    unless: [heart-attack-recent]", "    unless: [heart-attack-recent]\n    alert: true")
    assert evaluate(rules(text), ATTACK_AND_STENT).alert is True


def test_a_chain_of_stand_ins_ends_at_the_shown_topic():
    text = STENT.replace("""    when:
      question: heart_attack_when
      equals: within_6_weeks""", """    unless: [bp-very-high]
    when:
      question: heart_attack_when
      equals: within_6_weeks""")
    summary = evaluate(rules(text.replace("- name: recent heart attack", "- name: recent heart attack\n"
                                          "    does not raise: [heart-procedure]")),
                       {**ATTACK_AND_STENT, "bp_systolic": 190})
    assert [(t.id, [b.question for b in t.because]) for t in summary.topics] == [
        ("bp-very-high", ["bp_systolic", "heart_attack_when", "heart_procedure"])]


def test_unless_naming_an_unknown_rule_suggests_the_right_one():
    text = STENT.replace("unless: [heart-attack-recent]", "unless: [heart-attack-recnt]")
    problem = at(text, line_of(text, "unless:"))
    assert "'heart-attack-recnt', which is not a rule; did you mean 'heart-attack-recent'?" in problem.message


def test_unless_naming_the_rule_itself_is_refused():
    text = STENT.replace("unless: [heart-attack-recent]", "unless: [heart-procedure]")
    problem = at(text, line_of(text, "unless:"))
    assert "names this rule itself" in problem.message


def test_an_urgent_rule_may_not_give_way_to_a_lower_tier_rule():
    text = STENT.replace("  - id: heart-procedure\n    severity: discuss", "  - id: heart-procedure\n    severity: urgent")
    problem = at(text, line_of(text, "unless:"))
    assert "a discuss rule, but this rule is urgent: an urgent topic tells the patient" in problem.message


def test_a_discuss_rule_may_give_way_to_a_more_precise_mention():
    text = STENT.replace("  - id: heart-attack-recent\n    severity: discuss", "  - id: heart-attack-recent\n    severity: mention")
    assert [t.id for t in evaluate(rules(text), ATTACK_AND_STENT).topics] == ["heart-attack-recent"]


def test_rules_hiding_one_another_in_a_circle_are_refused_once():
    text = STENT.replace("""    source: EU Spravato leaflet
    when:""", """    source: EU Spravato leaflet
    unless: [heart-procedure]
    when:""")
    problem = at(text, line_of(text, "unless:"))
    assert "circle (heart-attack-recent -> heart-procedure -> heart-attack-recent)" in problem.message


def test_unless_that_is_not_a_list_of_ids_says_how_to_write_it():
    text = STENT.replace("unless: [heart-attack-recent]", "unless: {id: heart-attack-recent}")
    problem = at(text, line_of(text, "unless:"))
    assert "'unless:' is a list of rule ids" in problem.message
