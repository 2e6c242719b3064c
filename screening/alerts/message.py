"""The alert as sent: one body for both channels, built from an Alert row and the site's address only.

It holds the reference (or, for a questionnaire not sent, "unsent questionnaire" and the alert's number), the
kind, the number of urgent topics, the time in UTC and a link to the staff page. Never a name, a date of birth,
an answer, a topic's title or a rule's text: the Alert row holds none of them, and nothing else is read here.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

from screening.clock import iso_utc

KINDS = {
    "sent": "sent (the questionnaire was sent)",
    "unsent": "unsent (the questionnaire was left without being sent)",
    "test": "test (from `alerts test`; no patient is concerned)",
}
NO_BASE_URL = "open the staff area (SCREENING_BASE_URL is not set: no link)"


@dataclass(frozen=True)
class Message:
    alert_id: int
    kind: str
    reference: str | None
    urgent_topics: int
    time: str
    url: str | None
    subject: str
    text: str

    def payload(self) -> dict:
        """The webhook's JSON: the same fields, and the email's text as `text`."""
        return {"alert_id": self.alert_id, "kind": self.kind, "reference": self.reference,
                "urgent_topics": self.urgent_topics, "time": self.time, "url": self.url, "text": self.text}

    def json_bytes(self) -> bytes:
        return json.dumps(self.payload(), ensure_ascii=True, separators=(",", ":")).encode()


def link(alert, base_url: str | None) -> str | None:
    if not base_url:
        return None
    if alert.kind == "sent" and alert.submission_reference:
        return f"{base_url.rstrip('/')}/staff/submissions/{alert.submission_reference}"
    return f"{base_url.rstrip('/')}/staff/alerts"


def build(alert, base_url: str | None) -> Message:
    """The message for an alert (anything with id, kind, submission_reference, urgent_count, created_at)."""
    kind = alert.kind if alert.kind in KINDS else "sent"
    reference = alert.submission_reference if kind == "sent" else None
    time = iso_utc(alert.created_at)
    url = link(alert, base_url)
    count = int(alert.urgent_count or 0)
    if kind == "test":
        about, subject = f"test alert {alert.id}", f"Screening alert test (alert {alert.id})"
    elif reference:
        about, subject = reference, f"Urgent screening alert: {reference}"
    else:
        about, subject = (f"unsent questionnaire, alert {alert.id}",
                          f"Urgent screening alert: unsent questionnaire (alert {alert.id})")
    lead = ("This is a test of the clinic's screening alerts." if kind == "test" else
            "A patient's screening answers need attention now.")
    lines = [
        lead,
        "",
        f"Reference: {about}",
        f"Kind: {KINDS[kind]}",
        f"Urgent topics: {count}" + ("" if count or kind == "test" else
                                     " (raised by a rule the clinic asked to be alerted on)"),
        f"Time: {time}",
        f"Open: {url}" if url else f"Open: {NO_BASE_URL}",
        "",
        "This message holds no health information.",
        "Sign in to the staff area to see the answers.",
    ]
    return Message(alert.id, kind, reference, count, time, url, subject, "\n".join(lines) + "\n")
