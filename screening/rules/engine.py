"""Turn answers into the "discuss with your doctor" summary."""
from __future__ import annotations

import re
from datetime import date
from typing import Any, Collection, Mapping

from screening.questionnaire import QUESTIONNAIRE, Questionnaire
from screening.rules.model import SEVERITIES, Because, Rule, RuleSet, Summary, Topic

PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def fill(text: str, answers: Mapping[str, Any], questionnaire: Questionnaire = QUESTIONNAIRE) -> str:
    """Replace {question_id} with the answer. Numbers come bare, so "{bp_systolic}/{bp_diastolic} mmHg" reads well;
    a height or weight, typed in either system, comes in both with its units: "5 ft 7 in (170.2 cm)"."""

    def value(match: re.Match[str]) -> str:
        question = questionnaire.catalogue[match.group(1)]  # the checker vouches for every name
        answer = answers.get(question.id)
        if isinstance(answer, (int, float)) and not isinstance(answer, bool) and not question.measure:
            return f"{answer:g}"
        return questionnaire.display(question, answers)

    return PLACEHOLDER.sub(value, text)


def topic_for(rule: Rule, answers: Mapping[str, Any], questionnaire: Questionnaire = QUESTIONNAIRE,
              because: tuple[str, ...] | None = None, language: str = "en") -> Topic | None:
    """The topic `rule` raises on these answers, or None; `because` gives the answers behind it when known.
    Title, patient text and those answers are in `language`, the patient's; the clinician text and the source
    stay in the clinic's English."""
    if because is None:
        because = rule.when.matcher(answers)
        if because is None:
            return None
    patients = questionnaire.in_language(language)
    catalogue = patients.catalogue
    return Topic(rule.id, rule.severity, rule.text("title", patients.words.code),
                 fill(rule.text("patient", patients.words.code), answers, patients),
                 fill(rule.clinician, answers, questionnaire), rule.source,
                 tuple(Because(q, catalogue[q].label, patients.display(catalogue[q], answers)) for q in because))


def merge_stand_ins(held: Mapping[str, tuple[str, ...]], rules: Mapping[str, Rule]) -> dict[str, tuple[str, ...]]:
    """The rules shown, of those that hold (`held`: id to reasons, in file order), each with its reasons: a rule
    whose `unless:` names a rule that holds is left out, its reasons joining the rule that stands in for it."""
    because = {rule_id: list(reasons) for rule_id, reasons in held.items() if not _stood_in_for(rules[rule_id], held)}
    for rule_id in held:
        if rule_id not in because:
            host = because[_stand_in(rule_id, rules, held)]
            host.extend(q for q in held[rule_id] if q not in host)
    return {rule_id: tuple(reasons) for rule_id, reasons in because.items()}


def _stood_in_for(rule: Rule, held: Collection[str]) -> bool:
    """A rule whose `unless:` names a rule that holds is not shown: that rule stands in for it."""
    return any(u in held for u in rule.unless)


def _stand_in(rule_id: str, rules: Mapping[str, Rule], held: Mapping[str, tuple[str, ...]]) -> str:
    """The shown rule that speaks for a suppressed one: the first of its `unless` rules that holds, followed
    on while that one is suppressed too (the checker refuses circles, so this ends)."""
    host = next(u for u in rules[rule_id].unless if u in held)
    while _stood_in_for(rules[host], held):
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
    shown, alert = _shown(ruleset, seen)
    if len(shown) < 8:
        topics = tuple(topic_for(rule, seen, questionnaire, because, language) for rule, because in shown)
    else:
        topics = _topics(shown, seen, questionnaire, language)
    # A rule that alerts does so even when another topic speaks for it.
    return Summary(ruleset.version, ruleset.sha256, topics, alert=alert)


def _topics(shown: list[tuple[Rule, tuple[str, ...]]], seen: Mapping[str, Any],
            questionnaire: Questionnaire, language: str = "en") -> tuple[Topic, ...]:
    """topic_for on each, with each distinct text filled in and each answer read back once for these answers;
    what the patient reads in `language`, the clinician text in English."""
    filled: dict[tuple[str, str], str] = {}
    reasons: dict[tuple[str, ...], tuple[Because, ...]] = {}
    patients = questionnaire.in_language(language)
    code, catalogue = patients.words.code, patients.catalogue

    def fill_once(text: str, shown_in: Questionnaire) -> str:
        key = (shown_in.words.code, text)
        if key not in filled:
            filled[key] = fill(text, seen, shown_in)
        return filled[key]

    topics = []
    for rule, because in shown:
        if because not in reasons:
            reasons[because] = tuple(Because(q, catalogue[q].label, patients.display(catalogue[q], seen))
                                     for q in because)
        topics.append(Topic(rule.id, rule.severity, rule.text("title", code),
                            fill_once(rule.text("patient", code), patients), fill_once(rule.clinician, questionnaire),
                            rule.source, reasons[because]))
    return tuple(topics)


def raised_rules(ruleset: RuleSet, answers: Mapping[str, Any], questionnaire: Questionnaire = QUESTIONNAIRE,
                 as_of: date | None = None) -> tuple[list[tuple[Rule, tuple[str, ...]]], bool]:
    """The rules shown for these answers with their reasons, in the summary's order, and whether they alert the
    clinic: evaluate() without filling in topic texts."""
    return _shown(ruleset, questionnaire.with_scores(answers, as_of))


def shown_severities(ruleset: RuleSet, answers: Mapping[str, Any], questionnaire: Questionnaire = QUESTIONNAIRE,
                     as_of: date | None = None) -> dict[str, str]:
    """The id and severity of each rule shown for these answers, in no particular order: what a replay compares.
    Without the summary's order or the reasons behind each topic, whose merging and sorting take about a quarter
    of raised_rules' time."""
    seen = questionnaire.with_scores(answers, as_of)
    held = {rule.id: rule for matcher, rules in ruleset.matchers if matcher(seen) is not None for _, rule in rules}
    return {rule_id: rule.severity for rule_id, rule in held.items()
            if not (ruleset.has_unless and _stood_in_for(rule, held))}


def _shown(ruleset: RuleSet, seen: Mapping[str, Any]) -> tuple[list[tuple[Rule, tuple[str, ...]]], bool]:
    # Each distinct condition once (RuleSet.matchers); the rules that hold, back in file order.
    hits = [(index, rule, found) for matcher, rules in ruleset.matchers if (found := matcher(seen)) is not None
            for index, rule in rules]
    hits.sort(key=_place)
    held = {rule.id: found for _, rule, found in hits}
    alert = any(rule.alerts for _, rule, _ in hits)
    if ruleset.has_unless:
        rules = ruleset.by_id
        shown = [(rules[rule_id], reasons) for rule_id, reasons in merge_stand_ins(held, rules).items()]
    else:
        shown = [(rule, found) for _, rule, found in hits]
    # Urgent first, in file order within a severity (a stable sort).
    shown.sort(key=_rank)
    return shown, alert


RANK = {severity: rank for rank, severity in enumerate(SEVERITIES)}


def _place(hit: tuple) -> int:
    return hit[0]


def _rank(shown: tuple) -> int:
    return RANK[shown[0].severity]
