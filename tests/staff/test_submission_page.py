"""What the submission page (the clinician sheet) shows, worked out without HTTP, and the proof that LONGEST is the
longest sheet.

Requirements:
- issue 3 (Submissions): the topics by severity with the answers that triggered each; every answer grouped by
  section, with "Not asked" and "Prefer not to say" shown as such.
- issue 8 (The clinician sheet): who the patient is first (name, date of birth, age as worked out, record number,
  phone, email; "Not recorded" for a submission sent before they were asked), the identity questions there and
  not again among the answers; then the topics; then the answers that matter (as the check-answers page decides,
  screening.wizard.check_answers.matters, plus every answer that raised a topic), numbered so a topic can point
  at one; then every other answer condensed by section ("No to: ...") by its short name. Every question appears
  once. A long answer is printed once, under its question, not in every topic that quotes it.

The print test (test_print_pages.py) relies on LONGEST raising as many topics as any answers can.
"""
from datetime import datetime, timezone

import pytest
from sqlalchemy import update

from screening.catalogue.formats import parse_iso, us_date
from screening.catalogue.types import MULTI, NUMBER, TEXT
from screening.questionnaire import QUESTIONNAIRE
from screening.records import database
from screening.records.models import Submission
from screening.records.submissions import by_reference
from screening.rules.engine import evaluate
from screening.rules.registry import RulesRegistry
from screening.settings import DEFAULTS
from screening.staff.submission_page import (
    ANSWERED, NOT_GIVEN, NOT_RECORDED, UNSURE, AnswerRow, build, is_identity, quoting, sections,
)
from screening.wizard.check_answers import matters
from tests.conftest import HEALTHY
from tests.staff.sheets import LONGEST, LONGEST_IDENTITY, TYPICAL, store

CATALOGUE = QUESTIONNAIRE.catalogue
IDENTITY = [q.id for q in CATALOGUE if is_identity(q)]


def rows_of(answers, **options):
    return [row for section in sections(answers, **options) for row in section.rows]


def page_of(app, answers):
    reference = store(app, answers)
    with app.app_context():
        return build(by_reference(database.session(), reference))


def test_the_identity_questions_and_the_age_are_the_identity():
    assert sorted(IDENTITY) == ["age", "date_of_birth", "email", "first_name", "last_name", "phone", "record_number"]


def test_every_other_question_is_shown_once_in_catalogue_order():
    rows = rows_of(HEALTHY)
    asked_ids = [q.id for q in CATALOGUE.asked if q.id not in IDENTITY]
    assert [r.question_id for r in rows if r.question_id in asked_ids] == asked_ids
    assert set(IDENTITY).isdisjoint(r.question_id for r in rows)
    assert sorted(r.question_id for r in rows) == sorted(q.id for q in CATALOGUE if q.id not in IDENTITY)


def test_sections_are_the_steps_in_order_without_your_details():
    assert [s.title for s in sections(HEALTHY)] == [step.title for step in CATALOGUE.steps[1:]]
    assert CATALOGUE.steps[0].title == "Your details"


@pytest.mark.parametrize("answers", [HEALTHY, TYPICAL, LONGEST], ids=["healthy", "typical", "longest"])
def test_every_answer_either_matters_or_is_condensed_once(answers):
    for section in sections(answers):
        condensed = [row for group in section.condensed for row in group.rows]
        assert sorted(r.question_id for r in section.matter + tuple(condensed)) == \
            sorted(r.question_id for r in section.rows)
        assert all(len({r.answer for r in group.rows}) == 1 for group in section.condensed)


def test_answers_that_matter_are_numbered_from_one_in_order():
    numbers = [(r.number, r.matters) for r in rows_of(LONGEST)]
    assert [n for n, important in numbers if important] == list(range(1, sum(m for _, m in numbers) + 1))
    assert all(n is None for n, important in numbers if not important)


def test_what_matters_is_what_the_check_answers_page_marks():
    seen = QUESTIONNAIRE.with_scores(TYPICAL)
    for row in rows_of(TYPICAL):
        usual = QUESTIONNAIRE.catalogue[row.question_id].usual
        assert row.matters == (matters(seen.get(row.question_id), usual) or row.kind == UNSURE), row


def test_an_answer_that_raised_a_topic_matters_even_when_it_is_no():
    answers = {**HEALTHY, "self_harm_thoughts": "yes", "self_harm_plan": "no"}
    plain, raised = (next(r for r in rows_of(answers, raised=raised) if r.question_id == "self_harm_plan")
                     for raised in (frozenset(), frozenset({"self_harm_plan"})))
    assert (plain.answer, plain.matters, plain.number) == ("No", False, None)
    # Straight after Q10, the thoughts (the numbers before them include height, weight and BMI).
    assert (raised.answer, raised.matters, raised.number) == ("No", True, 11)


def test_unremarkable_answers_are_condensed_by_answer_with_short_names():
    heart, bp = (next(s for s in sections(HEALTHY) if s.title == title)
                 for title in ("Heart and circulation", "Blood pressure"))
    no, not_asked = heart.condensed
    assert (no.lead, not_asked.lead) == ("No to", "Not asked")
    assert [r.short for r in no.rows][:3] == ["Heart attack", "Stent or bypass, last 12 months",
                                              "Chest pain when active (angina)"]
    assert [r.short for r in not_asked.rows] == ["Most recent heart attack", "Chest pain worse, or at rest",
                                                 "Most recent stroke"]
    assert [(g.lead, [r.short for r in g.rows]) for g in bp.condensed] == [
        ("No to", ["High blood pressure"]), ("None of these", ["Symptoms right now"]),
        ("Not asked", ["Blood pressure medicine"])]
    alcohol = next(s for s in sections(HEALTHY) if s.title == "Alcohol and drugs")
    assert ("Never", ["How often you drink"]) in [(g.lead, [r.short for r in g.rows]) for g in alcohol.condensed]


def test_alcohol_score_follows_the_last_question_it_is_worked_out_from():
    ids = [r.question_id for r in rows_of({**HEALTHY, "alcohol_frequency": "monthly_or_less",
                                          "alcohol_typical": "3_to_4", "alcohol_six_or_more": "never"})]
    assert ids[ids.index("alcohol_six_or_more") + 1] == "audit_c_score"


def test_hidden_follow_up_reads_not_asked():
    row = next(r for r in rows_of(HEALTHY) if r.question_id == "heart_attack_when")
    assert (row.answer, row.kind, row.matters) == ("Not asked", NOT_GIVEN, False)


def test_prefer_not_to_say_and_dont_know_read_as_given_and_matter():
    rows = {r.question_id: r for r in rows_of({**HEALTHY, "drugs_past_year": "prefer_not_to_say",
                                              "bp_systolic": "dont_know", "angina": "dont_know"})}
    assert (rows["drugs_past_year"].answer, rows["drugs_past_year"].kind) == ("Prefer not to say", UNSURE)
    assert (rows["bp_systolic"].answer, rows["bp_systolic"].kind) == ("I don't know my blood pressure", UNSURE)
    assert (rows["angina"].answer, rows["angina"].kind) == ("I don't know", UNSURE)
    assert rows["drugs_past_year"].matters and rows["bp_systolic"].matters and rows["angina"].matters


def test_plain_answers_read_as_the_patient_chose_them():
    rows = {r.question_id: r for r in rows_of(TYPICAL)}
    assert (rows["bp_systolic"].answer, rows["bp_systolic"].kind) == ("150 mmHg", ANSWERED)
    assert rows["treatment_for"].answer == "Depression"
    assert (rows["bp_systolic"].short, rows["asthma"].short) == ("Top number (systolic)", "Asthma")


def test_identity_comes_from_the_submission_with_the_age_worked_out(app):
    page = page_of(app, TYPICAL)
    born = parse_iso(TYPICAL["date_of_birth"])
    assert [(i.label, i.value, i.recorded) for i in page.identity] == [
        ("Name", "Sam Rivera", True), ("Date of birth", us_date(born), True), ("Age", "40 years", True),
        ("Record number", "MRN-204518", True), ("Phone", "555-201-4477", True),
        ("Email", "sam.rivera@example.com", True)]
    assert (page.name.value, page.date_of_birth.value) == ("Sam Rivera", us_date(born))


def test_optional_identity_left_blank_reads_not_given(app):
    page = page_of(app, HEALTHY)
    assert [(i.label, i.value, i.recorded) for i in page.identity[3:]] == [
        ("Record number", "Not given", False), ("Phone", "Not given", False), ("Email", "Not given", False)]


def test_a_submission_sent_before_identity_was_asked_reads_not_recorded(app):
    before = {k: v for k, v in HEALTHY.items() if k not in ("first_name", "last_name", "date_of_birth")}
    reference = store(app, before)
    with app.app_context():
        db = database.session()
        # As it was stored then: no identity, the age given as an answer.
        db.execute(update(Submission).where(Submission.reference == reference)
                   .values(answers={**before, "age": 34}, submitted_at=datetime(2026, 3, 2, tzinfo=timezone.utc)))
        db.commit()
        page = build(by_reference(db, reference))
    assert [(i.label, i.value) for i in page.identity] == [
        ("Name", NOT_RECORDED), ("Date of birth", NOT_RECORDED), ("Age", "34 years"),
        ("Record number", NOT_RECORDED), ("Phone", NOT_RECORDED), ("Email", NOT_RECORDED)]
    assert all(not i.recorded for i in page.identity if i.label != "Age")


def test_topics_come_by_severity_with_reasons_pointing_at_numbered_answers(app):
    page = page_of(app, LONGEST)
    assert [t.severity for t in page.tiers] == ["urgent", "discuss", "mention"]
    assert page.topic_count == 56
    rows = {r.question_id: r for s in page.sections for r in s.rows}
    bp = next(v for t in page.tiers for v in t.topics if v.topic.id == "bp-very-high")
    assert [(r.row, r.answer) for r in bp.reasons] == [(rows["bp_systolic"], "180 mmHg")]
    assert rows["bp_systolic"].matters and rows["bp_systolic"].number == 23
    medicines = next(v for t in page.tiers for v in t.topics if v.topic.id == "med-opioids")
    assert medicines.reasons[0].long  # the whole list of medicines is given once, under its question
    # Every answer that raised a topic is among the answers that matter.
    assert all(r.row.matters for t in page.tiers for v in t.topics for r in v.reasons if r.row)


def test_a_topic_about_the_age_points_at_the_identity(app):
    page = page_of(app, LONGEST)
    under_18 = next(v for t in page.tiers for v in t.topics if v.topic.id == "age-under-18")
    (reason,) = under_18.reasons
    assert reason.row is None and (reason.named.label, reason.named.anchor) == ("Age", "answer-age")


def test_a_long_answer_quoted_by_a_topic_is_pointed_at_not_repeated(app):
    page = page_of(app, LONGEST)
    rows = {r.question_id: r for s in page.sections for r in s.rows}
    views = [v for t in page.tiers for v in t.topics]
    quoting_medicines = [v for v in views if rows["medicines_other"] in v.clinician]
    assert len(quoting_medicines) == 2
    for view in views:  # the parts make up the clinician text as stored
        assert "".join(p if isinstance(p, str) else p.answer for p in view.clinician) == view.topic.clinician


def test_quoting_splits_around_every_long_answer_and_leaves_short_ones():
    long_row = AnswerRow("brain_other", "Other?", "Other", "x" * 81, ANSWERED, True, 7)
    short_row = AnswerRow("asthma", "Asthma?", "Asthma", "Yes", ANSWERED, True, 8)
    text = f"Words: {long_row.answer}. Again: {long_row.answer}. Yes."
    assert quoting(text, [long_row, short_row]) == ("Words: ", long_row, ". Again: ", long_row, ". Yes.")


def test_no_topics_means_no_tiers(app):
    assert page_of(app, HEALTHY).tiers == ()


@pytest.mark.parametrize("answers, in_topic, in_answers", [
    # A withheld drug answer raises the topic, but "Never" drinking still scores 0 (issue 7: the topic once
    # said the score could not be worked out while the answers showed it).
    ({"alcohol_frequency": "never", "drugs_past_year": "prefer_not_to_say"}, "0", "0 points"),
    ({"alcohol_frequency": "prefer_not_to_say"}, "Could not be worked out", "Could not be worked out"),
    ({"alcohol_frequency": "monthly_or_less", "alcohol_typical": "prefer_not_to_say", "alcohol_six_or_more": "never"},
     "Could not be worked out", "Could not be worked out"),
])
def test_the_audit_c_score_reads_the_same_in_the_topic_and_the_answers(app, answers, in_topic, in_answers):
    page = page_of(app, {**HEALTHY, **answers})
    topic = next(v.topic for t in page.tiers for v in t.topics if v.topic.id == "substance-answers-private")
    row = next(r for s in page.sections for r in s.rows if r.question_id == "audit_c_score")
    assert f"AUDIT-C score (0 to 12): {in_topic}." in topic.clinician
    assert row.answer == in_answers and row.matters


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
    # Every question but one: planning a pregnancy is asked only of someone not pregnant, and LONGEST is pregnant.
    assert pruned == LONGEST and set(pruned) == {q.id for q in CATALOGUE.asked} - {"planning_pregnancy"}
    assert all(len(LONGEST[q.id]) == q.max_length for q in CATALOGUE.asked if q.type == TEXT)
    assert len(LONGEST_IDENTITY["first_name"]) == len(LONGEST_IDENTITY["last_name"]) == 100
    assert QUESTIONNAIRE.with_scores(LONGEST)["age"] in (12, 13)  # under 18


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
