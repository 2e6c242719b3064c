"""Fields that offer one other answer beside what is typed: a blood pressure reading with one "I don't know my
blood pressure" for both numbers, and the other-medicines list with "I will bring a list to my appointment".

Requirement (issue 7): one "I don't know my blood pressure" for the reading, the rules unchanged in meaning
(numbers or "I don't know", never both); "Which other medicines do you take?" required when revealed, with a
clear "I will bring a list to my appointment" choice and an example in its hint.
"""
from __future__ import annotations

import html
import re

from hypothesis import HealthCheck, given, settings, strategies as st
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from screening.questionnaire import QUESTIONNAIRE as Q
from screening.records import database
from screening.records.models import Draft
from screening.wizard.fields import form_for, posted_choices, shown_choices
from tests.conftest import HEALTHY

MEDICINES = {**HEALTHY, "medicines": ["other"]}


def saved(app) -> dict:
    with app.app_context():
        return database.session().scalars(select(Draft)).one().answers


def at_blood_pressure(patient):
    patient.start()
    for slug in ("your-details", "about-you", "heart"):
        patient.answer(slug, HEALTHY)
    return html.unescape(patient.client.get("/step/blood-pressure").get_data(as_text=True))


def post_reading(patient, **data):
    return patient.client.post("/step/blood-pressure", data={"bp_diagnosed": "no", "symptoms_now": "none", **data})


def test_the_reading_has_one_dont_know_box(patient):
    page = at_blood_pressure(patient)
    assert len(re.findall(r'type="checkbox" id="[a-z_]+-unknown"', page)) == 1
    assert "I don't know my blood pressure" in page


def test_the_one_box_answers_both_numbers(app, patient):
    at_blood_pressure(patient)
    post_reading(patient, **{"bp_diastolic-unknown": "dont_know"})
    answers = saved(app)
    assert (answers["bp_systolic"], answers["bp_diastolic"]) == ("dont_know", "dont_know")


def test_a_number_and_the_box_together_are_refused_on_the_number(patient):
    at_blood_pressure(patient)
    response = post_reading(patient, bp_systolic="140", **{"bp_diastolic-unknown": "dont_know"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "not both" in html and 'id="bp_systolic-error"' in html


def test_numbers_without_the_box_are_kept(app, patient):
    at_blood_pressure(patient)
    post_reading(patient, bp_systolic="140", bp_diastolic="90")
    assert (saved(app)["bp_systolic"], saved(app)["bp_diastolic"]) == (140, 90)


def test_one_number_alone_asks_for_the_other(patient):
    at_blood_pressure(patient)
    response = post_reading(patient, bp_systolic="140")
    assert response.status_code == 400 and 'id="bp_diastolic-error"' in response.get_data(as_text=True)


def at_medicines(patient):
    patient.start()
    for step in Q.catalogue.steps:
        if step.slug == "medicines":
            break
        if patient.answer(step.slug, HEALTHY).location.startswith(f"/step/{step.slug}"):
            patient.answer(step.slug, HEALTHY)
    patient.client.get("/step/medicines")
    patient.client.post("/step/medicines", data={"medicines": "other"})
    return html.unescape(patient.client.get("/step/medicines").get_data(as_text=True))


def test_the_other_medicines_question_gives_an_example_and_the_bring_a_list_choice(patient):
    page = at_medicines(patient)
    assert "Which other medicines do you take?" in page and "for example amlodipine 5 mg once a day" in page
    assert "I will bring a list to my appointment" in page


def test_the_other_medicines_question_must_be_answered_once_shown(patient):
    at_medicines(patient)
    response = patient.client.post("/step/medicines", data={"medicines": "other"})
    assert response.status_code == 400 and "I will bring a list to my appointment" in response.get_data(as_text=True)


def test_bring_a_list_is_kept_as_the_answer(app, patient):
    at_medicines(patient)
    patient.client.post("/step/medicines", data={"medicines": "other", "medicines_other-unknown": "bring_list"})
    assert saved(app)["medicines_other"] == "bring_list"


def test_typed_medicines_are_kept(app, patient):
    at_medicines(patient)
    patient.client.post("/step/medicines", data={"medicines": "other", "medicines_other": "amlodipine 5 mg"})
    assert saved(app)["medicines_other"] == "amlodipine 5 mg"


def test_a_list_and_the_box_together_are_refused(patient):
    at_medicines(patient)
    response = patient.client.post("/step/medicines", data={
        "medicines": "other", "medicines_other": "amlodipine", "medicines_other-unknown": "bring_list"})
    assert response.status_code == 400 and "not both" in response.get_data(as_text=True)


def test_a_page_of_choice_questions_is_shown_from_the_saved_answers_without_a_bound_form():
    questions = [q for q in Q.catalogue.asked if q.type in ("choice", "multi")][:6]
    saved = {q.id: (q.choices[0].value if q.type == "choice" else [q.choices[0].value]) for q in questions}
    shown = shown_choices(questions, saved)
    assert shown is not None and not shown.errors
    assert [shown[q.id].data for q in questions] == [saved[q.id] for q in questions]


def test_a_page_with_a_typed_answer_or_a_value_outside_the_choices_binds_its_form():
    typed = next(q for q in Q.catalogue.asked if q.type not in ("choice", "multi"))
    choice = next(q for q in Q.catalogue.asked if q.type == "choice")
    assert shown_choices([typed], {}) is None
    assert shown_choices([choice], {choice.id: "not-a-choice"}) is None
    assert shown_choices([choice], {choice.id: ["a list"]}) is None


CHOICE_STEPS = [step for step in Q.catalogue.steps
                if all(q.type in ("choice", "multi") and not q.format for q in step.questions)]


@st.composite
def choice_posts(draw):
    """A step of choice questions only, and what a browser, a stale page or a forger might post to it."""
    step = draw(st.sampled_from(CHOICE_STEPS))
    pairs = []
    for question in step.questions:
        offered = sorted(question.known_values)
        value = st.one_of(st.sampled_from(offered), st.sampled_from(["", "not-a-choice", " yes"]), st.text(max_size=4))
        pairs += [(question.id, v) for v in draw(st.lists(value, max_size=4))]
    return step, MultiDict(draw(st.permutations(pairs)))


def test_the_step_pages_include_pages_of_choice_questions_only():
    assert len(CHOICE_STEPS) >= 3


@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(choice_posts())
def test_a_post_of_choices_reads_and_checks_as_the_bound_form_does(app, post):
    step, formdata = post
    with app.test_request_context():
        light = posted_choices(step.questions, formdata)
        bound = form_for(list(step.questions), formdata=formdata)
        assert light is not None
        for question in step.questions:
            valid = bound[question.id].validate(bound)
            assert light[question.id].validate(light) == valid, (question.id, formdata)
            assert bool(light[question.id].errors) == bool(bound[question.id].errors)
            if valid:
                assert light[question.id].data == bound[question.id].data


def test_a_page_with_a_typed_answer_is_read_by_its_bound_form():
    typed = next(q for q in Q.catalogue.asked if q.type not in ("choice", "multi"))
    choice = next(q for q in Q.catalogue.asked if q.type == "choice")
    assert posted_choices([choice, typed], MultiDict()) is None

