"""The patient's language (issue 11): chosen by the link on every patient page, remembered in the session and on
the draft, else the browser's Accept-Language, else English; staff pages stay English; a Spanish patient's
questions, messages, errors and summary are Spanish, and the clinic's copy is English."""
from __future__ import annotations

import re

from sqlalchemy import select

from screening.records import database
from screening.records.models import Draft, Submission
from tests.conftest import HEALTHY, Patient, form_data


def html_lang(response) -> str:
    return re.search(r'<html lang="([^"]+)"', response.get_data(as_text=True)).group(1)


def test_the_start_page_follows_accept_language(client):
    page = client.get("/", headers={"Accept-Language": "es-MX,es;q=0.9,en;q=0.5"})
    assert html_lang(page) == "es" and "Antes de su tratamiento con ketamina" in page.get_data(as_text=True)


def test_the_browser_s_first_choice_wins_by_its_primary_language(client):
    for header, expected in (("es-419,en;q=0.5", "es"), ("en-US,es;q=0.9", "en"), ("fr-CA,es;q=0.4", "es"),
                             ("es-MX", "es"), ("ES", "es"), ("es;q=0,en", "en"), ("*", "en")):
        assert html_lang(client.get("/", headers={"Accept-Language": header})) == expected, header


def test_without_a_choice_or_a_header_the_page_is_english(client):
    page = client.get("/")
    assert html_lang(page) == "en" and "Before your ketamine treatment" in page.get_data(as_text=True)


def test_an_unknown_language_in_the_header_is_english(client):
    page = client.get("/", headers={"Accept-Language": "fr-FR,fr;q=0.9"})
    assert page.status_code == 200 and html_lang(page) == "en"


def test_a_malformed_header_is_english(client):
    page = client.get("/", headers={"Accept-Language": ";;q=x,,é"})
    assert page.status_code == 200 and html_lang(page) == "en"


def test_every_patient_page_links_to_the_other_language(client):
    page = client.get("/resume").get_data(as_text=True)
    assert '<a class="language-link" href="/language/es?next=/resume"' in page and 'lang="es"' in page
    spanish = client.get("/resume", headers={"Accept-Language": "es"}).get_data(as_text=True)
    assert 'href="/language/en?next=/resume"' in spanish and ">English</a>" in spanish


def test_the_link_sets_the_language_over_the_header_and_returns_to_the_page(client):
    response = client.get("/language/es?next=/resume")
    assert response.status_code == 303 and response.location == "/resume"
    page = client.get("/resume", headers={"Accept-Language": "en"})
    assert html_lang(page) == "es" and "Siga con sus preguntas" in page.get_data(as_text=True)


def test_an_unknown_language_in_the_link_is_english_without_an_error(client):
    client.get("/language/es")
    response = client.get("/language/xx-YY?next=/resume")
    assert response.status_code == 303 and html_lang(client.get("/resume")) == "en"


def test_the_link_never_leads_off_the_site(client):
    for target in ("//evil.example/x", "https://evil.example/", "/\\evil.example", "evil"):
        assert client.get("/language/es", query_string={"next": target}).location == "/"


def test_the_choice_is_kept_on_the_draft_and_a_resume_elsewhere_carries_it(app, client):
    patient = Patient(client)
    patient.start()
    client.get("/language/es?next=/step/your-details")
    code = patient.resume_code()
    with app.app_context():
        assert database.session().scalars(select(Draft.language)).one() == "es"
    elsewhere = app.test_client()
    response = elsewhere.post("/resume", data={"code": code})
    assert response.status_code == 303
    page = elsewhere.get(response.location)
    assert html_lang(page) == "es" and "Sus datos" in page.get_data(as_text=True)


def test_a_resume_elsewhere_welcomes_the_patient_in_the_drafts_language(client, app):
    patient = Patient(client)
    patient.start()
    client.get("/language/es?next=/step/your-details")
    elsewhere = app.test_client()
    response = elsewhere.post("/resume", data={"code": patient.resume_code()}, headers={"Accept-Language": "en"})
    page = elsewhere.get(response.location, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Hola de nuevo" in page and "Welcome back" not in page


def test_a_draft_begun_in_spanish_is_spanish(app, client):
    client.get("/language/es")
    Patient(client).start()
    with app.app_context():
        assert database.session().scalars(select(Draft.language)).one() == "es"


def test_validation_messages_are_in_the_patients_language(client):
    client.get("/language/es")
    Patient(client).start()
    page = client.post("/step/your-details", data={"first_name": "Ana", "date_of_birth-month": "4",
                                                   "date_of_birth-year": "1990"}).get_data(as_text=True)
    assert "Escriba su apellido" in page and "Fecha de nacimiento: debe tener el día" in page
    assert "Enter your" not in page and "must include" not in page


def test_a_number_out_of_range_is_told_in_spanish(client):
    patient = Patient(client)
    client.get("/language/es")
    patient.start()
    for step in ("your-details", "about-you", "heart"):
        patient.answer(step, HEALTHY)
    page = client.post("/step/blood-pressure", data={**form_data("blood-pressure", HEALTHY), "bp_systolic": "900"})
    assert page.status_code == 400
    assert "“Su última presión: el número de arriba (sistólica)” debe estar entre 60 y 300 mmHg" in page.get_data(as_text=True)


def test_an_error_page_is_in_the_patients_language(client):
    client.get("/language/es")
    page = client.get("/step/no-such-step")
    assert page.status_code == 404 and "No encontramos la página" in page.get_data(as_text=True)
    assert html_lang(page) == "es"


def test_staff_pages_stay_english_whatever_the_patient_chose(client):
    client.get("/language/es")
    page = client.get("/staff/sign-in", headers={"Accept-Language": "es"})
    assert html_lang(page) == "en" and "Sign in" in page.get_data(as_text=True)
    # The link itself, not the stylesheet's rule for it (a first page carries the stylesheet inline).
    assert 'class="language-link"' not in page.get_data(as_text=True)


def test_a_spanish_submission_keeps_the_language_and_an_english_copy_for_the_clinic(app, client, staff):
    client.get("/language/es")
    patient = Patient(client)
    patient.complete({"bp_diagnosed": "yes", "bp_medicines": "yes_not_regularly", "bp_systolic": 165,
                      "bp_diastolic": 100, "brain_other": "Migrañas desde niña, “fuertes”"})
    assert patient.send().status_code == 303
    summary = client.get("/summary").get_data(as_text=True)
    assert "Temas para hablar con su médico" in summary and "Porque nos dijo:" in summary
    with app.app_context():
        sent = database.session().scalars(select(Submission)).one()
        reference, language, topics, patient_topics = sent.reference, sent.language, sent.topics, sent.patient_topics["es"]
        typed = sent.answers["brain_other"]
    assert language == "es" and typed == "Migrañas desde niña, “fuertes”"
    assert [t["id"] for t in topics] == [t["id"] for t in patient_topics] and topics
    assert topics[0]["because"][0]["label"] != patient_topics[0]["because"][0]["label"]
    assert all(t["clinician"] == p["clinician"] for t, p in zip(topics, patient_topics))
    sheet = staff(("clinician",)).get(f"/staff/submissions/{reference}").get_data(as_text=True)
    assert "<dt>Patient's language</dt><dd>Spanish</dd>" in sheet
    assert "Have you been told you have high blood pressure (hypertension)?" in sheet
    assert "Migrañas desde niña, “fuertes”" in sheet.replace("&#34;", '"')
    assert "Sus datos" not in sheet and "¿Tiene asma?" not in sheet


def test_an_english_submission_says_english(app, client, staff):
    patient = Patient(client)
    patient.complete()
    patient.send()
    with app.app_context():
        sent = database.session().scalars(select(Submission)).one()
        reference, patient_topics = sent.reference, sent.patient_topics
    assert list(patient_topics) == ["es"]
    sheet = staff(("clinician",)).get(f"/staff/submissions/{reference}").get_data(as_text=True)
    assert "<dt>Patient's language</dt><dd>English</dd>" in sheet


def test_a_personal_link_opened_in_spanish_asks_and_answers_in_spanish(app, client):
    from tests.wizard.test_invite_link import RIGHT, invite

    token, _ = invite(app)
    client.get("/language/es")
    page = client.get(client.get(f"/invite?t={token}").location)
    assert "Confirme su fecha de nacimiento" in page.get_data(as_text=True)
    wrong = client.post("/invite", data={**RIGHT, "date_of_birth-year": "1991"}).get_data(as_text=True)
    assert "La fecha de nacimiento no es la misma que nos dio la clínica" in wrong
    opened = client.post("/invite", data=RIGHT)
    assert opened.status_code == 303
    with app.app_context():
        assert database.session().scalars(select(Draft.language)).one() == "es"


def test_a_link_that_no_longer_works_says_so_in_spanish(app, client):
    client.get("/language/es")
    page = client.get("/invite?t=not-a-real-token")
    assert page.status_code == 404 and "No encontramos este enlace" in page.get_data(as_text=True)
    assert "su clínica" in page.get_data(as_text=True)
