"""Turn answers into the "discuss with your doctor" summary."""
from __future__ import annotations

import re
from datetime import date
from typing import Any, Mapping

from screening.questionnaire import QUESTIONNAIRE, Questionnaire
from screening.rules.model import SEVERITIES, Because, Rule, RuleSet, Summary, Topic

PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def fill(text: str, answers: Mapping[str, Any], questionnaire: Questionnaire = QUESTIONNAIRE) -> str:
    """Replace {question_id} with the answer. Numbers come bare, so "{bp_systolic}/{bp_diastolic} mmHg" reads well."""

    def value(match: re.Match[str]) -> str:
        question = questionnaire.catalogue[match.group(1)]  # the checker vouches for every name
        answer = answers.get(question.id)
        if isinstance(answer, (int, float)) and not isinstance(answer, bool):
            return f"{answer:g}"
        return questionnaire.display(question, answers)

    return PLACEHOLDER.sub(value, text)


def topic_for(rule: Rule, answers: Mapping[str, Any], questionnaire: Questionnaire = QUESTIONNAIRE,
              language: str = "en") -> Topic | None:
    """The topic in `language` for the patient (title, patient text, the answers behind it); the clinician
    text and the source stay in the clinic's English."""
    match = rule.when.evaluate(answers)
    if not match.ok:
        return None
    patients = questionnaire.in_language(language)
    catalogue = patients.catalogue
    because = tuple(
        Because(q, catalogue[q].label, patients.display(catalogue[q], answers)) for q in match.because
    )
    return Topic(rule.id, rule.severity, rule.text("title", patients.words.code),
                 fill(rule.text("patient", patients.words.code), answers, patients),
                 fill(rule.clinician, answers, questionnaire), rule.source, because)


def evaluate(ruleset: RuleSet, answers: Mapping[str, Any], questionnaire: Questionnaire = QUESTIONNAIRE,
             as_of: date | None = None, language: str = "en") -> Summary:
    """Hidden answers are dropped and scores worked out first, so rules see what was really asked. An age is
    worked out as of `as_of`, the day the answers were sent (today when not given). `language`: the patient's,
    for what the patient reads."""
    seen = questionnaire.with_scores(answers, as_of)
    raised = [(rule, t) for rule in ruleset.rules if (t := topic_for(rule, seen, questionnaire, language))]
    topics = sorted((t for _, t in raised), key=lambda t: SEVERITIES.index(t.severity))
    return Summary(ruleset.version, ruleset.sha256, tuple(topics), alert=any(rule.alerts for rule, _ in raised))
