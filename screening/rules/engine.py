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
              because: tuple[str, ...] | None = None, language: str = "en") -> Topic | None:
    """The topic `rule` raises on these answers, or None; `because` gives the answers behind it when known.
    Title, patient text and those answers are in `language`, the patient's; the clinician text and the source
    stay in the clinic's English."""
    if because is None:
        match = rule.when.evaluate(answers)
        if not match.ok:
            return None
        because = match.because
    patients = questionnaire.in_language(language)
    catalogue = patients.catalogue
    return Topic(rule.id, rule.severity, rule.text("title", patients.words.code),
                 fill(rule.text("patient", patients.words.code), answers, patients),
                 fill(rule.clinician, answers, questionnaire), rule.source,
                 tuple(Because(q, catalogue[q].label, patients.display(catalogue[q], answers)) for q in because))


def _stand_in(rule_id: str, rules: Mapping[str, Rule], held: Mapping[str, tuple[str, ...]]) -> str:
    """The shown rule that speaks for a suppressed one: the first of its `unless` rules that holds, followed
    on while that one is suppressed too (the checker refuses circles, so this ends)."""
    host = next(u for u in rules[rule_id].unless if u in held)
    while any(u in held for u in rules[host].unless):
        host = next(u for u in rules[host].unless if u in held)
    return host


def evaluate(ruleset: RuleSet, answers: Mapping[str, Any], questionnaire: Questionnaire = QUESTIONNAIRE,
             as_of: date | None = None, language: str = "en") -> Summary:
    """Hidden answers are dropped and scores worked out first, so rules see what was really asked. An age is
    worked out as of `as_of`, the day the answers were sent (today when not given). `language`: the patient's,
    for what the patient reads.

    A rule whose `unless:` names a rule that holds is not shown; its answers join the topic that stands in for
    it, so one clinical event gives one topic naming every answer behind it."""
    seen = questionnaire.with_scores(answers, as_of)
    held: dict[str, tuple[str, ...]] = {}
    for rule in ruleset.rules:
        match = rule.when.evaluate(seen)
        if match.ok:
            held[rule.id] = match.because
    rules = {rule.id: rule for rule in ruleset.rules}
    because = {rule_id: list(reasons) for rule_id, reasons in held.items()}
    for rule_id, reasons in held.items():
        if any(u in held for u in rules[rule_id].unless):
            because.pop(rule_id)
    for rule_id in held:
        if rule_id not in because:
            host = because[_stand_in(rule_id, rules, held)]
            host.extend(q for q in held[rule_id] if q not in host)
    raised = [topic_for(rules[i], seen, questionnaire, tuple(b), language) for i, b in because.items()]
    topics = sorted(raised, key=lambda t: SEVERITIES.index(t.severity))
    # A rule that alerts does so even when another topic speaks for it.
    return Summary(ruleset.version, ruleset.sha256, tuple(topics), alert=any(rules[i].alerts for i in held))
