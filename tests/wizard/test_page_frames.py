"""A step page shown from its kept frame is, byte for byte, the page the template renders in full; a page with
anything of its own (an error, the urgent box, a message, a follow-up notice) is always rendered in full."""
import re

import pytest

from tests.conftest import HEALTHY, Patient, form_data
from screening.questionnaire import QUESTIONNAIRE
from screening.wizard import page_frames, views

STEPS = [step.slug for step in QUESTIONNAIRE.catalogue.steps]
TOKEN = re.compile(r'(name="csrf_token" value=")[^"]+"')


def same_token(page: str) -> str:
    # A CSRF token carries the second it was signed in; two pages a moment apart differ there alone.
    return TOKEN.sub(r'\1TOKEN"', page)


class Spy:
    """Counts the pages shown from a frame, and can turn frames off, and the choices shown without a bound form
    (fields.shown_choices), to get the template's own page with WTForms' fields."""

    def __init__(self, app, monkeypatch):
        self.frames = app.extensions["screening.page_frames"]
        self.shown, self.off, self.without_form = 0, False, 0
        real = page_frames.PageFrames.render
        real_choices = views.shown_choices

        def render(frames, context):
            page = None if self.off else real(frames, context)
            self.shown += page is not None
            return page

        monkeypatch.setattr(page_frames.PageFrames, "render", render)
        def shown_choices(*args):
            shown = None if self.off else real_choices(*args)
            self.without_form += shown is not None
            return shown

        monkeypatch.setattr(views, "shown_choices", shown_choices)

    def full(self, client, path: str, **headers) -> str:
        self.off = True
        try:
            return client.get(path, headers=headers).get_data(as_text=True)
        finally:
            self.off = False


@pytest.fixture
def spy(app, monkeypatch):
    return Spy(app, monkeypatch)


def answered(client) -> Patient:
    patient = Patient(client)
    patient.complete({**HEALTHY, "first_name": "Zelda", "last_name": "Quuxley"})
    return patient


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("query", ["", "?return=check"])
def test_every_step_page_from_its_frame_is_the_page_rendered_in_full(client, spy, language, query):
    answered(client)
    for slug in STEPS:
        path = f"/step/{slug}{query}"
        full = spy.full(client, path, **{"Accept-Language": language})
        before = spy.shown
        framed = [client.get(path, headers={"Accept-Language": language}).get_data(as_text=True) for _ in range(2)]
        assert spy.shown == before + 2, slug
        assert same_token(framed[0]) == same_token(framed[1]) == same_token(full), slug
    assert spy.without_form, "no step was shown without a bound form"


def test_the_first_visit_page_with_the_stylesheet_inline_from_its_frame_is_the_full_page(app, spy):
    answered(app.test_client())  # another patient's visit leaves a frame with the stylesheet linked
    client = app.test_client()
    answered(client)
    client.delete_cookie("stylesheet")
    full = spy.full(client, "/step/heart")
    client.delete_cookie("stylesheet")
    framed = client.get("/step/heart")
    assert "<style>" in full and "stylesheet=" in framed.headers.get("Set-Cookie", "")
    assert same_token(framed.get_data(as_text=True)) == same_token(full)


def test_a_frame_holds_none_of_the_patients_answers_or_resume_code(client, spy):
    patient = answered(client)
    for slug in STEPS:
        client.get(f"/step/{slug}")
    kept = "".join(part for frame in spy.frames.frames.values() if frame for part in frame.parts)
    assert spy.shown and "Zelda" not in kept and "Quuxley" not in kept and patient.resume_code() not in kept
    assert "Zelda" in client.get("/step/your-details").get_data(as_text=True)


def test_a_page_with_the_urgent_box_is_rendered_in_full(client, spy):
    patient = Patient(client)
    patient.start()
    for slug in ("your-details", "about-you", "heart"):
        patient.answer(slug, HEALTHY)
    patient.answer("blood-pressure", {**HEALTHY, "symptoms_now": ["chest_pain"]})
    before = spy.shown
    assert 'class="urgent-now"' in client.get("/step/blood-pressure").get_data(as_text=True)
    assert spy.shown == before


def test_a_page_with_an_error_is_rendered_in_full(client, spy):
    Patient(client).start()
    client.get("/step/your-details")
    before = spy.shown
    response = client.post("/step/your-details", data={})
    assert response.status_code == 400 and spy.shown == before


def test_a_page_with_a_message_is_rendered_in_full(client, spy):
    Patient(client).start()
    client.get("/step/heart")  # a later step: the page says to answer the first one first
    before = spy.shown
    page = client.get("/step/your-details").get_data(as_text=True)
    assert 'class="notice notice-info"' in page and spy.shown == before


def test_a_page_showing_new_follow_up_questions_is_rendered_in_full(client, spy):
    patient = Patient(client)
    patient.start()
    for slug in ("your-details", "about-you"):
        patient.answer(slug, HEALTHY)
    client.get("/step/heart")
    client.post("/step/heart", data=form_data("heart", {**HEALTHY, "heart_attack": "yes"}))
    before = spy.shown
    page = client.get("/step/heart").get_data(as_text=True)
    assert 'id="new-questions"' in page and spy.shown == before


def test_a_frame_whose_marker_comes_out_twice_is_not_used(client, spy, monkeypatch):
    answered(client)
    spy.frames.frames.clear()
    real = page_frames.render_template
    monkeypatch.setattr(page_frames, "render_template", lambda *a, **k: real(*a, **k) + page_frames.CSRF)
    full = spy.full(client, "/step/heart")
    before = spy.shown
    assert same_token(client.get("/step/heart").get_data(as_text=True)) == same_token(full)
    assert spy.shown == before


def test_the_oldest_frame_goes_when_the_cache_is_full(client, spy):
    answered(client)
    spy.frames.frames.clear()
    spy.frames.frames.most = 2
    for slug in STEPS[:3]:
        client.get(f"/step/{slug}")
    assert [key[0] for key in spy.frames.frames.keys()] == STEPS[1:3]


def test_a_page_with_any_other_query_string_is_rendered_in_full(client, spy):
    answered(client)
    before, kept = spy.shown, len(spy.frames.frames)
    page = client.get("/step/heart?x=<b>").get_data(as_text=True)
    assert spy.shown == before and len(spy.frames.frames) == kept and "<b>" not in page
