"""A step page after a save shows the urgent topics that save's evaluation found, without running the rules again;
a change to the rules, the answers or the day (an age) runs them again."""
import re
from datetime import date

from tests.conftest import HEALTHY, Patient
from screening.wizard import views


def answered_chest_pain(client) -> Patient:
    patient = Patient(client)
    patient.start()
    for slug in ("your-details", "about-you", "heart"):
        patient.answer(slug, HEALTHY)
    patient.answer("blood-pressure", {**HEALTHY, "symptoms_now": ["chest_pain"]})
    return patient


def urgent_titles(client) -> list[str]:
    page = client.get("/step/substances").get_data(as_text=True)
    box = re.search(r'<section class="urgent-now".*?</section>', page, re.S)
    return re.findall(r"<h3>(.*?)</h3>", box.group(0)) if box else []


def counting_evaluate(monkeypatch) -> list:
    calls = []
    real = views.evaluate

    def spy(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(views, "evaluate", spy)
    return calls


def test_the_page_after_a_save_reuses_that_saves_urgent_topics(client, monkeypatch):
    answered_chest_pain(client)
    calls = counting_evaluate(monkeypatch)
    assert any("chest pain" in t.lower() for t in urgent_titles(client)) and calls == []


def test_another_day_evaluates_again(client, monkeypatch):
    answered_chest_pain(client)
    calls = counting_evaluate(monkeypatch)
    monkeypatch.setattr(views, "age_day", lambda: date(2100, 1, 1))
    assert any("chest pain" in t.lower() for t in urgent_titles(client)) and calls == [1]


def test_a_new_save_replaces_the_urgent_topics_shown(client, monkeypatch):
    patient = answered_chest_pain(client)
    patient.answer("blood-pressure", {**HEALTHY, "symptoms_now": ["none"]})
    calls = counting_evaluate(monkeypatch)
    assert urgent_titles(client) == [] and calls == []
