"""The patient's urgent message says the clinic will be told, only when the clinic will be.

Requirement (issue 9, "What raises an alert"): the urgent message on the patient's page says that the clinic will
be told. It says so only when that happens whether or not the patient sends: an alert channel is set up
(screening.alerts.channels.configured), unsent questionnaires alert too (SCREENING_ALERT_UNSENT_MINUTES is not 0),
and the urgent topic's rule alerts (it may say `alert: false`). A patient is never promised a call nobody is asked
to make.
"""
import re
from pathlib import Path

import pytest

from tests.conftest import HEALTHY, ROOT, Patient, make_app

WEBHOOK = {"ALERT_WEBHOOK_URL": "https://hooks.clinic.example/alerts", "ALERT_WEBHOOK_SECRET": "s" * 32}

TOLD = "We will also let {clinic} know about this, so someone can contact you."


def patient_of(tmp_path, **settings) -> Patient:
    app = make_app({"TESTING": True, "SECRET_KEY": "test-secret", "WTF_CSRF_ENABLED": False,
                    "DATABASE_URL": f"sqlite:///{tmp_path / 'test.sqlite3'}", **settings},
                   instance_path=str(tmp_path / "instance"))
    return Patient(app.test_client())


def urgent_box(patient: Patient, symptoms=("chest_pain",)) -> str:
    """The urgent box on the page after the patient reports `symptoms` now ('' when there is none)."""
    patient.start()
    for slug in ("your-details", "about-you", "heart"):
        patient.answer(slug, HEALTHY)
    patient.answer("blood-pressure", {**HEALTHY, "symptoms_now": list(symptoms)})
    page = patient.client.get("/step/substances").get_data(as_text=True)
    found = re.search(r'<section class="urgent-now".*?</section>', page, re.S)
    return re.sub(r"\s+", " ", found.group(0)) if found else ""


@pytest.mark.parametrize("settings", [
    WEBHOOK,
    {"MAIL_SERVER": "mail.clinic.example", "ALERT_EMAILS": "alerts@clinic.example", "MAIL_FROM": "app@clinic.example"},
    # Set up but set wrong: still a channel (its sends are retried and the alerts page says what is wrong).
    {"ALERT_WEBHOOK_URL": "ftp://hooks.clinic.example/alerts"},
], ids=["webhook", "email", "webhook set wrong"])
def test_with_a_channel_the_urgent_message_says_the_clinic_will_be_told(tmp_path, settings):
    box = urgent_box(patient_of(tmp_path, **settings))
    assert "Chest pain" in box and f"<p>{TOLD.format(clinic='your clinic')}</p>" in box


def test_it_names_the_clinic(tmp_path):
    box = urgent_box(patient_of(tmp_path, CLINIC_NAME="Northside Wellness",
                                ALERT_WEBHOOK_URL="https://hooks.clinic.example/alerts"))
    assert TOLD.format(clinic="Northside Wellness") in box


@pytest.mark.parametrize("settings", [
    {},
    # Half an email channel is no channel: nothing would be sent.
    {"MAIL_SERVER": "mail.clinic.example"},
    {"ALERT_EMAILS": "alerts@clinic.example"},
], ids=["nothing", "mail server only", "recipients only"])
def test_without_a_channel_the_urgent_message_promises_nothing(tmp_path, settings):
    box = urgent_box(patient_of(tmp_path, **settings))
    assert "Chest pain" in box and "know now" not in box and "contact you" not in box


def test_without_alerts_for_unsent_questionnaires_it_promises_nothing(tmp_path):
    # The clinic would hear only if the patient sends; the box is shown before that, and they may not.
    box = urgent_box(patient_of(tmp_path, ALERT_UNSENT_MINUTES=0, **WEBHOOK))
    assert "Chest pain" in box and "know now" not in box


def quiet_rules(tmp_path: Path, *rule_ids: str) -> str:
    """The shipped rules with `alert: false` on the given rules."""
    text = (ROOT / "rules.yaml").read_text()
    for rule_id in rule_ids:
        marker = f"  - id: {rule_id}\n    severity: urgent\n"
        assert marker in text, rule_id
        text = text.replace(marker, marker + "    alert: false\n", 1)
    path = tmp_path / "rules.yaml"
    path.write_text(text)
    return str(path)


def test_an_urgent_rule_that_does_not_alert_promises_nothing(tmp_path):
    box = urgent_box(patient_of(tmp_path, RULES_PATH=quiet_rules(tmp_path, "chest-pain-now"), **WEBHOOK))
    assert "Chest pain" in box and "know now" not in box


def test_one_alerting_topic_among_the_urgent_ones_is_enough(tmp_path):
    # Chest pain says alert: false; a blood pressure in the crisis range still alerts.
    patient = patient_of(tmp_path, RULES_PATH=quiet_rules(tmp_path, "chest-pain-now"), **WEBHOOK)
    patient.start()
    for slug in ("your-details", "about-you", "heart"):
        patient.answer(slug, HEALTHY)
    patient.answer("blood-pressure", {**HEALTHY, "symptoms_now": ["chest_pain"], "bp_systolic": 190,
                                      "bp_diastolic": 125})
    page = patient.client.get("/step/substances").get_data(as_text=True)
    box = re.sub(r"\s+", " ", re.search(r'<section class="urgent-now".*?</section>', page, re.S).group(0))
    assert "Chest pain" in box and TOLD.format(clinic="your clinic") in box


def test_no_urgent_answer_no_urgent_box(tmp_path):
    assert urgent_box(patient_of(tmp_path, ALERT_WEBHOOK_URL="https://hooks.clinic.example/a"), ["none"]) == ""
