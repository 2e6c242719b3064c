"""The alert as sent: one body for both channels, built from the Alert row only.

Requirement (issue 9, "No health information leaves in an alert"): the reference, the kind, the number of urgent
topics, the time and a link to the staff page; never a name, date of birth, answer, topic title or rule text
(tests/alerts/test_deliverer.py checks that against a submission full of distinctive answers).
"""
from __future__ import annotations

import json
from datetime import datetime, timezone
from types import SimpleNamespace

from screening.alerts import message

WHEN = datetime(2026, 11, 25, 14, 5, 7, tzinfo=timezone.utc)


def alert(**fields):
    return SimpleNamespace(**{"id": 42, "kind": "sent", "submission_reference": "KS-7KQ2-M9XD", "urgent_count": 2,
                              "created_at": WHEN, **fields})


def test_a_sent_alert_names_its_reference_count_time_and_the_submission_page():
    sent = message.build(alert(), "https://screening.clinic.test")
    assert sent.subject == "Urgent screening alert: KS-7KQ2-M9XD"
    assert sent.text.splitlines()[2:7] == [
        "Reference: KS-7KQ2-M9XD", "Kind: sent (the questionnaire was sent)", "Urgent topics: 2",
        "Time: 2026-11-25T14:05:07+00:00", "Open: https://screening.clinic.test/staff/submissions/KS-7KQ2-M9XD"]


def test_an_unsent_alert_has_no_reference_and_links_to_the_alerts_page():
    unsent = message.build(alert(kind="unsent", submission_reference=None, id=43), "https://screening.clinic.test/")
    assert "Reference: unsent questionnaire, alert 43" in unsent.text and unsent.reference is None
    assert unsent.url == "https://screening.clinic.test/staff/alerts"
    assert unsent.subject == "Urgent screening alert: unsent questionnaire (alert 43)"


def test_without_a_base_url_the_alert_says_to_open_the_staff_area():
    sent = message.build(alert(), None)
    assert sent.url is None and "Open: open the staff area (SCREENING_BASE_URL is not set: no link)" in sent.text


def test_a_naive_time_from_sqlite_is_read_as_utc():
    assert message.build(alert(created_at=WHEN.replace(tzinfo=None)), None).time == "2026-11-25T14:05:07+00:00"


def test_the_webhook_body_holds_the_same_fields_and_the_emails_text():
    sent = message.build(alert(), "https://screening.clinic.test")
    body = json.loads(sent.json_bytes())
    assert body == {"alert_id": 42, "kind": "sent", "reference": "KS-7KQ2-M9XD", "urgent_topics": 2,
                    "time": "2026-11-25T14:05:07+00:00",
                    "url": "https://screening.clinic.test/staff/submissions/KS-7KQ2-M9XD", "text": sent.text}


def test_the_message_reads_only_the_alerts_own_fields():
    """Built from anything with the Alert's fields: nothing else (a submission, answers) can leak into it."""
    fields = {"id", "kind", "submission_reference", "urgent_count", "created_at"}
    seen = set()

    class Watched(SimpleNamespace):
        def __getattribute__(self, name):
            if not name.startswith("__"):
                seen.add(name)
            return super().__getattribute__(name)

    message.build(Watched(**vars(alert())), "https://screening.clinic.test")
    assert seen <= fields


def test_an_alert_from_a_rule_that_is_not_urgent_says_why_there_are_no_urgent_topics():
    sent = message.build(alert(urgent_count=0), "https://screening.clinic.test")
    assert "Urgent topics: 0 (raised by a rule the clinic asked to be alerted on)" in sent.text
