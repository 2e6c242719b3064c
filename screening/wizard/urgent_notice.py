"""Whether the patient's urgent message may say that the clinic will be told (registered for every page by
screening/wizard/__init__.py).

base.html's urgent box (the "Important: please read this now" section on the questionnaire's pages) adds "We will
also let <clinic> know about this, so someone can contact you." only when that is what will happen, whether or not the
patient goes on to send:

- an alert channel is set up (screening.alerts.channels.configured), set right or not (a channel set wrong is
  retried until it works, and the alerts page says what is wrong);
- a questionnaire left unsent alerts the clinic too (SCREENING_ALERT_UNSENT_MINUTES is not 0): otherwise the clinic
  hears only if the patient sends it;
- at least one of the urgent topics on the page alerts (a rule may say `alert: false`).

A patient is never promised a call that no one will be asked to make.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from flask import current_app

from screening.alerts import channels


def clinic_is_told(topics: Iterable[Any]) -> bool:
    """True when the clinic will be alerted about these urgent topics (the Topics the urgent box shows)."""
    config = current_app.config
    if not channels.configured(config) or not config.get("ALERT_UNSENT_MINUTES"):
        return False
    rules = {rule.id: rule for rule in current_app.extensions["screening.rules"].current.rules}
    return any(rules[topic.id].alerts for topic in topics if topic.id in rules)


def context() -> dict[str, Callable[[Iterable[Any]], bool]]:
    """For every template: `clinic_is_told(urgent)`."""
    return {"clinic_is_told": clinic_is_told}
