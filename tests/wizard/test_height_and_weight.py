"""Height and weight on "About you": typed with their unit, in US units or metric, or "I don't know".

Requirement (issue 10, "The new questions"): each a box the patient types into ("5 ft 7 in", "170 cm", "160",
"73 kg"), kept in metric; a clear message naming the question with an example; "I don't know" for each so
nobody is stuck; a saved value back in the box in a form that reads as the same value; both systems on the
check page. The parsing itself is tested in tests/catalogue/test_measures.py.
"""
from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import select

from screening.records import database
from screening.records.models import Draft
from tests.conftest import HEALTHY, form_data

ABOUT = form_data("about-you", HEALTHY)


def saved(app) -> dict:
    with app.app_context():
        return database.session().scalars(select(Draft)).one().answers


def at_about_you(patient):
    patient.start()
    patient.answer("your-details", HEALTHY)


def post(patient, **typed):
    response = patient.client.post("/step/about-you", data={**ABOUT, **typed})
    return response, html.unescape(response.get_data(as_text=True))


@pytest.mark.parametrize("height, weight, kept", [("5 ft 7 in", "160", (170.2, 72.6)),
                                                  ("5'7\"", "160 lbs", (170.2, 72.6)),
                                                  ("170 cm", "73.5 kg", (170.0, 73.5)),
                                                  ("1.70 m", "73 kg", (170.0, 73.0))])
def test_height_and_weight_typed_with_their_unit_are_kept_in_metric(app, patient, height, weight, kept):
    at_about_you(patient)
    response, _ = post(patient, height=height, weight=weight)
    assert response.status_code == 303 and (saved(app)["height"], saved(app)["weight"]) == kept


def test_i_dont_know_is_kept_for_each(app, patient):
    at_about_you(patient)
    data = {k: v for k, v in ABOUT.items() if k not in ("height", "weight")}
    patient.client.post("/step/about-you", data={**data, "height-unknown": "dont_know", "weight-unknown": "dont_know"})
    assert (saved(app)["height"], saved(app)["weight"]) == ("dont_know", "dont_know")


def test_an_unreadable_height_is_kept_and_explained_with_an_example(patient):
    at_about_you(patient)
    response, page = post(patient, height="tall")
    assert response.status_code == 400 and 'value="tall"' in page and \
        "Enter your height in feet and inches, like 5 ft 7 in, or in centimeters, like 170 cm" in page


def test_a_height_without_its_unit_is_refused(patient):
    at_about_you(patient)
    response, page = post(patient, height="67")
    assert response.status_code == 400 and 'id="height-error"' in page


def test_an_unreadable_weight_is_explained_with_an_example(patient):
    at_about_you(patient)
    response, page = post(patient, weight="heavy")
    assert response.status_code == 400 and \
        "Enter your weight in pounds, like 160 lb, or in kilograms, like 73 kg" in page


def test_a_weight_out_of_range_states_the_range_in_both_systems(patient):
    at_about_you(patient)
    _, page = post(patient, weight="1200")
    assert "Weight must be between 50 lb and 800 lb (22.7 kg and 362.9 kg)" in page


def test_an_empty_height_asks_for_it_or_the_box(patient):
    at_about_you(patient)
    _, page = post(patient, height="")
    assert "Enter your height, or check “I don't know my height”" in page


def test_a_height_and_i_dont_know_together_are_refused(patient):
    at_about_you(patient)
    response, page = post(patient, **{"height-unknown": "dont_know"})
    assert response.status_code == 400 and "Either enter your height or check “I don't know my height”, not both" in page


@pytest.mark.parametrize("typed, shown", [("5 ft 7 in", "5 ft 7 in"), ("67 in", "5 ft 7 in"), ("170 cm", "170 cm")])
def test_a_saved_height_is_back_in_the_box_in_a_form_that_reads_the_same(patient, typed, shown):
    at_about_you(patient)
    post(patient, height=typed)
    page = html.unescape(patient.client.get("/step/about-you").get_data(as_text=True))
    assert f'name="height" value="{shown}"' in page


@pytest.mark.parametrize("question", ["height", "weight"])
def test_the_box_offers_a_keyboard_with_letters_for_the_unit(patient, question):
    at_about_you(patient)
    page = patient.client.get("/step/about-you").get_data(as_text=True)
    (box,) = re.findall(rf'<input[^>]*id="{question}"[^>]*>', page)
    assert 'type="text"' in box and "inputmode" not in box


def test_the_check_page_shows_height_and_weight_in_both_systems_the_metric_in_smaller_type(patient):
    page = html.unescape(patient.complete({"height": 170.2, "weight": 72.6}).get_data(as_text=True))
    assert '5 ft 7 in</span> <span class="check-metric">(170.2 cm)</span>' in page and \
        '160 lb</span> <span class="check-metric">(72.6 kg)</span>' in page


def test_the_check_page_shows_an_unknown_height_as_its_box_says(patient):
    page = html.unescape(patient.complete({"height": "dont_know"}).get_data(as_text=True))
    assert "I don't know my height" in page
