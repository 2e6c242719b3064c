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


def topic_for(rule: Rule, answers: Mapping[str, Any], questionnaire: Questionnaire = QUESTIONNAIRE) -> Topic | None:
    found = rule.when.matcher(answers)
    return None if found is None else _topic(rule, found, answers, questionnaire)


def _topic(rule: Rule, found: tuple[str, ...], answers: Mapping[str, Any], questionnaire: Questionnaire) -> Topic:
    catalogue = questionnaire.catalogue
    because = tuple(
        Because(q, catalogue[q].label, questionnaire.display(catalogue[q], answers)) for q in found
    )
    return Topic(rule.id, rule.severity, rule.title, fill(rule.patient, answers, questionnaire),
                 fill(rule.clinician, answers, questionnaire), rule.source, because)


def evaluate(ruleset: RuleSet, answers: Mapping[str, Any], questionnaire: Questionnaire = QUESTIONNAIRE,
             as_of: date | None = None) -> Summary:
    """Hidden answers are dropped and scores worked out first, so rules see what was really asked. An age is
    worked out as of `as_of`, the day the answers were sent (today when not given)."""
    seen = questionnaire.with_scores(answers, as_of)
    raised = _raised(ruleset, seen)
    topics = tuple(_topic(rule, found, seen, questionnaire) for rule, found in raised)
    return Summary(ruleset.version, ruleset.sha256, topics, alert=any(rule.alerts for rule, _ in raised))


def raised_rules(ruleset: RuleSet, answers: Mapping[str, Any], questionnaire: Questionnaire = QUESTIONNAIRE,
                 as_of: date | None = None) -> list[tuple[Rule, tuple[str, ...]]]:
    """The rules these answers raise, with their reasons, in the summary's order; no topic texts filled in."""
    return _raised(ruleset, questionnaire.with_scores(answers, as_of))


def _raised(ruleset: RuleSet, seen: Mapping[str, Any]) -> list[tuple[Rule, tuple[str, ...]]]:
    raised = [(RANK[rule.severity], index, rule, found)
              for matcher, rules in ruleset.matchers if (found := matcher(seen)) is not None
              for index, rule in rules]
    # Urgent first, and in file order within a severity.
    raised.sort(key=_by_severity_then_place)
    return [(rule, found) for _, _, rule, found in raised]


RANK = {severity: rank for rank, severity in enumerate(SEVERITIES)}


def _by_severity_then_place(raised: tuple) -> tuple[int, int]:
    return raised[0], raised[1]
