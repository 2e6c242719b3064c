"""RuleSet.urgent_part: the rules a step page's urgent box and the clinic's alert depend on, evaluated alone.

Requirement (issue 12, "Pages"): a step POST evaluates no more than it shows. The part must give exactly the
urgent topics, with their `because` lists, and the alert that the whole file gives.
"""
from hypothesis import given

from screening.rules.engine import evaluate
from tests.rules.test_compiled_engine import ANSWER_SETS, AS_OF, MANY, SHIPPED
from tests.rules.test_unless import ATTACK_AND_STENT, STENT, rules

URGENT_ATTACK = STENT.replace("severity: discuss\n    title: Recent heart attack",
                              "severity: urgent\n    title: Recent heart attack")


def urgent_and_alert(ruleset, answers):
    summary = evaluate(ruleset, answers, as_of=AS_OF)
    return [t for t in summary.topics if t.severity == "urgent"], summary.alert


def test_the_shipped_part_is_a_small_part_of_the_file():
    part = SHIPPED.urgent_part
    assert 0 < len(part.rules) < len(SHIPPED.rules) / 2
    assert {r.id for r in SHIPPED.rules if r.severity == "urgent" or r.alerts} <= {r.id for r in part.rules}


def test_every_rules_example_gives_the_same_urgent_topics_and_alert():
    for example in SHIPPED.examples:
        assert urgent_and_alert(SHIPPED.urgent_part, example.answers) == urgent_and_alert(SHIPPED, example.answers), \
            example.name


@MANY
@given(ANSWER_SETS)
def test_generated_answer_sets_give_the_same_urgent_topics_and_alert(answers):
    assert urgent_and_alert(SHIPPED.urgent_part, answers) == urgent_and_alert(SHIPPED, answers)


def test_a_rule_that_stands_in_on_an_urgent_rule_is_kept_with_it_for_its_reasons():
    whole = rules(URGENT_ATTACK)
    part = whole.urgent_part
    assert {"heart-attack-recent", "heart-procedure"} <= {r.id for r in part.rules}
    urgent, alert = urgent_and_alert(part, ATTACK_AND_STENT)
    assert (urgent, alert) == urgent_and_alert(whole, ATTACK_AND_STENT) and alert
    assert "heart_procedure" in [b.question for b in urgent[0].because]


WITH_UNJOINED = URGENT_ATTACK.replace("examples:", """\
  - id: bp-diagnosed
    severity: discuss
    title: High blood pressure
    patient: Tell your doctor about your blood pressure.
    clinician: Diagnosed with high blood pressure.
    source: EU Spravato leaflet
    when:
      question: bp_diagnosed
      equals: yes
examples:
  - name: diagnosed
    answers:
      bp_diagnosed: yes
    raises: [bp-diagnosed]""", 1)


def test_a_rule_joined_to_no_urgent_rule_is_left_out():
    whole = rules(WITH_UNJOINED)
    assert "bp-diagnosed" in {r.id for r in whole.rules}
    assert "bp-diagnosed" not in {r.id for r in whole.urgent_part.rules}


# A discuss rule that gives way to a mention and to an urgent rule: with all three raised its reasons join the
# mention, the first of its stand-ins, not the urgent topic; a part missing the mention would give them to it.
GIVES_WAY_TWICE = URGENT_ATTACK.replace("""    unless: [heart-attack-recent]
""", """    unless: [attack-mentioned, heart-attack-recent]
""").replace("raises: [heart-attack-recent]", "raises: [heart-attack-recent, attack-mentioned]").replace(
    "examples:", """\
  - id: attack-mentioned
    severity: mention
    title: Heart attack
    patient: Mention your heart attack.
    clinician: Heart attack {heart_attack_when}.
    source: J&J trial criteria
    when:
      question: heart_attack_when
      equals: within_6_weeks
examples:""", 1)


def test_a_rule_giving_way_to_a_lower_rule_first_keeps_its_reasons_off_the_urgent_topic():
    whole = rules(GIVES_WAY_TWICE)
    assert "attack-mentioned" in {r.id for r in whole.urgent_part.rules}
    urgent, alert = urgent_and_alert(whole.urgent_part, ATTACK_AND_STENT)
    assert (urgent, alert) == urgent_and_alert(whole, ATTACK_AND_STENT)
    assert "heart_procedure" not in [b.question for b in urgent[0].because]

