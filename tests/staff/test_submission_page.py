"""What the submission page shows, worked out without HTTP, and the proof that LONGEST is the longest summary.

Requirement (issue 3, Submissions): the topics by severity with the answers that triggered each; every answer
grouped by section, with "Not asked" and "Prefer not to say" shown as such. The print test
(test_print_pages.py) relies on LONGEST raising as many topics as any answers can.
"""
import pytest

from screening.records import database
from screening.questionnaire import QUESTIONNAIRE
from screening.catalogue.types import MULTI, NUMBER, TEXT
from screening.rules.engine import evaluate
from screening.rules.registry import RulesRegistry
from screening.settings import DEFAULTS
from screening.staff.submission_page import ANSWERED, NOT_GIVEN, UNSURE, build, sections
from screening.records.submissions import by_reference
from tests.conftest import HEALTHY
from tests.staff.sheets import LONGEST, TYPICAL, store

CATALOGUE = QUESTIONNAIRE.catalogue


def rows_of(answers):
    return [row for section in sections(answers) for row in section.rows]


def test_every_question_is_shown_once_in_catalogue_order_numbered_from_one():
    rows = rows_of(HEALTHY)
    asked_ids = [q.id for q in CATALOGUE.asked]
    assert [r.question_id for r in rows if r.question_id in asked_ids] == asked_ids
    assert [r.number for r in rows] == list(range(1, len(rows) + 1))


def test_sections_are_the_steps_in_order():
    assert [s.title for s in sections(HEALTHY)] == [step.title for step in CATALOGUE.steps]


def test_alcohol_score_follows_the_last_question_it_is_worked_out_from():
    ids = [r.question_id for r in rows_of({**HEALTHY, "alcohol_frequency": "monthly_or_less",
                                          "alcohol_typical": "3_to_4", "alcohol_six_or_more": "never"})]
    assert ids[ids.index("alcohol_six_or_more") + 1] == "audit_c_score"


def test_hidden_follow_up_reads_not_asked():
    row = next(r for r in rows_of(HEALTHY) if r.question_id == "heart_attack_when")
    assert (row.answer, row.kind) == ("Not asked", NOT_GIVEN)


def test_prefer_not_to_say_and_dont_know_read_as_given():
    rows = {r.question_id: r for r in rows_of({**HEALTHY, "drugs_past_year": "prefer_not_to_say",
                                              "bp_systolic": "dont_know", "angina": "dont_know"})}
    assert (rows["drugs_past_year"].answer, rows["drugs_past_year"].kind) == ("Prefer not to say", UNSURE)
    assert (rows["bp_systolic"].answer, rows["bp_systolic"].kind) == ("I don't know my blood pressure", UNSURE)
    assert (rows["angina"].answer, rows["angina"].kind) == ("I don't know", UNSURE)


def test_plain_answers_read_as_the_patient_chose_them():
    rows = {r.question_id: r for r in rows_of(TYPICAL)}
    assert (rows["bp_systolic"].answer, rows["bp_systolic"].kind) == ("150 mmHg", ANSWERED)
    assert rows["treatment_for"].answer == "Depression"


def test_topics_come_by_severity_with_reasons_pointing_at_numbered_answers(app):
    reference = store(app, LONGEST)
    with app.app_context():
        page = build(by_reference(database.session(), reference))
    assert [t.severity for t in page.tiers] == ["urgent", "discuss", "mention"]
    assert page.topic_count == 56
    bp = next(v for t in page.tiers for v in t.topics if v.topic.id == "bp-very-high")
    assert [(r.row.question_id, r.row.number, r.answer) for r in bp.reasons] == [("bp_systolic", 20, "180 mmHg")]
    medicines = next(v for t in page.tiers for v in t.topics if v.topic.id == "med-opioids")
    assert medicines.reasons[0].long  # the whole list of medicines is given once, under its question


def test_no_topics_means_no_tiers(app):
    reference = store(app, HEALTHY)
    with app.app_context():
        assert build(by_reference(database.session(), reference)).tiers == ()


@pytest.mark.parametrize("answers, in_topic, in_answers", [
    # A withheld drug answer raises the topic, but "Never" drinking still scores 0 (issue 7: the topic once
    # said the score could not be worked out while the answers showed it).
    ({"alcohol_frequency": "never", "drugs_past_year": "prefer_not_to_say"}, "0", "0 points"),
    ({"alcohol_frequency": "prefer_not_to_say"}, "Could not be worked out", "Could not be worked out"),
    ({"alcohol_frequency": "monthly_or_less", "alcohol_typical": "prefer_not_to_say", "alcohol_six_or_more": "never"},
     "Could not be worked out", "Could not be worked out"),
])
def test_the_audit_c_score_reads_the_same_in_the_topic_and_the_answers(app, answers, in_topic, in_answers):
    reference = store(app, {**HEALTHY, **answers})
    with app.app_context():
        page = build(by_reference(database.session(), reference))
    topic = next(v.topic for t in page.tiers for v in t.topics if v.topic.id == "substance-answers-private")
    row = next(r for s in page.sections for r in s.rows if r.question_id == "audit_c_score")
    assert f"AUDIT-C score (0 to 12): {in_topic}." in topic.clinician
    assert row.answer == in_answers


# -- LONGEST really is the longest ---------------------------------------------------------------------------

def alternatives(question):
    if question.type == TEXT:
        return []
    if question.type == NUMBER:
        values = [question.min, question.max, (question.min + question.max) // 2, 17, 18, 65, 66, 90, 95, 100, 101,
                  119, 120, 139, 140, 150, 179, 180]
        unknown = [question.unknown.value] if question.unknown else []
        return [v for v in values if question.min <= v <= question.max] + unknown
    if question.type == MULTI:
        normal = [c.value for c in question.choices if not c.exclusive]
        return ([normal] + [[c.value] for c in question.choices]
                + [[v for v in normal if v != left_out] for left_out in normal])
    return [c.value for c in question.all_choices]


def test_longest_shows_every_question_with_texts_at_their_limit():
    pruned = QUESTIONNAIRE.prune(LONGEST)
    assert pruned == LONGEST and set(pruned) == {q.id for q in CATALOGUE.asked}
    assert all(len(LONGEST[q.id]) == q.max_length for q in CATALOGUE.asked if q.type == TEXT)


def test_no_single_changed_answer_raises_more_topics_than_longest():
    rules = RulesRegistry(DEFAULTS["RULES_PATH"]).load()
    most = len(evaluate(rules, LONGEST).topics)
    better = []
    for question in CATALOGUE.asked:
        for value in alternatives(question):
            changed = {**LONGEST, question.id: value}
            if len(evaluate(rules, changed).topics) > most:
                better.append((question.id, value))
    assert better == []
