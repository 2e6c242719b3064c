"""A loaded, checked rules file and what it produces."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any, Mapping

from screening.conditions.language import Condition, Matcher, shape

SEVERITIES = ("urgent", "discuss", "mention")
TEXT_KEYS = ("title", "patient", "clinician", "source")
# Written in every language the file declares (`languages: [en, es]`); clinician and source stay in English.
PATIENT_KEYS = ("title", "patient")
RULE_KEYS = ("id", "severity") + TEXT_KEYS + ("when", "unless", "alert")


@dataclass(frozen=True)
class Rule:
    id: str
    severity: str
    title: str
    patient: str
    clinician: str
    source: str
    when: Condition
    # Whether raising this rule alerts the clinic at once; None: as its severity says (urgent alerts).
    alert: bool | None = None
    # Rules that, when their own `when:` holds, stand in for this one: one clinical event gives one topic. The
    # first of them that is shown names this rule's answers too.
    unless: tuple[str, ...] = ()
    # The title and patient text in each other language the file declares: {"es": {"title": ..., "patient": ...}}.
    translations: Mapping[str, Mapping[str, str]] = field(default_factory=dict, compare=False)

    @property
    def alerts(self) -> bool:
        return self.alert if self.alert is not None else self.severity == "urgent"

    def text(self, key: str, language: str) -> str:
        """The title or patient text in `language`; English, as written, when the file has none in it."""
        return self.translations.get(language, {}).get(key) or getattr(self, key)


@dataclass(frozen=True)
class Example:
    name: str
    answers: dict[str, Any]
    raises: tuple[str, ...]
    does_not_raise: tuple[str, ...]
    line: int | None = None
    # `alerts: true/false`: whether these answers alert the clinic; None when the example does not say.
    alerts: bool | None = None


@dataclass(frozen=True)
class RuleSet:
    version: str
    sha256: str
    text: str
    rules: tuple[Rule, ...]
    examples: tuple[Example, ...] = ()
    languages: tuple[str, ...] = ("en",)

    @cached_property
    def matchers(self) -> tuple[tuple[Matcher, tuple[tuple[int, Rule], ...]], ...]:
        """Each distinct condition compiled once, with the rules (and their places in the file) it raises:
        rules written with the same condition share one evaluation."""
        groups: dict[Any, tuple[Matcher, list[tuple[int, Rule]]]] = {}
        for index, rule in enumerate(self.rules):
            groups.setdefault(shape(rule.when), (rule.when.matcher, []))[1].append((index, rule))
        return tuple((matcher, tuple(rules)) for matcher, rules in groups.values())

    @cached_property
    def by_id(self) -> dict[str, Rule]:
        return {rule.id: rule for rule in self.rules}

    @cached_property
    def has_unless(self) -> bool:
        return any(rule.unless for rule in self.rules)

    @cached_property
    def urgent_part(self) -> RuleSet:
        """The rules that can raise an urgent topic or alert the clinic, with every rule joined to them through
        `unless:` either way (which can hide them or add reasons to them): evaluated alone, they give the same
        urgent topics with the same reasons, and the same alert, as the whole file. Step pages show only urgent
        topics, so a step POST, and a step GET that cannot reuse the last save's, evaluate only this part (8 of
        the 85 shipped rules). It keeps the whole file's version and sha256: a summary made from it is never a
        submission's (screening.records.submissions evaluates the whole file)."""
        joined: dict[str, set[str]] = {rule.id: set() for rule in self.rules}
        for rule in self.rules:
            for other in rule.unless:
                if other in joined:
                    joined[rule.id].add(other)
                    joined[other].add(rule.id)
        kept = {rule.id for rule in self.rules if rule.severity == "urgent" or rule.alerts}
        waiting = list(kept)
        while waiting:
            for other in joined[waiting.pop()] - kept:
                kept.add(other)
                waiting.append(other)
        return replace(self, rules=tuple(rule for rule in self.rules if rule.id in kept), examples=())


@dataclass(frozen=True)
class Because:
    question: str
    label: str
    answer: str


@dataclass(frozen=True)
class Topic:
    id: str
    severity: str
    title: str
    patient: str
    clinician: str
    source: str
    because: tuple[Because, ...] = field(default=())

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "severity": self.severity,
            "title": self.title,
            "patient": self.patient,
            "clinician": self.clinician,
            "source": self.source,
            "because": [vars(b) for b in self.because],
        }


@dataclass(frozen=True)
class Summary:
    rules_version: str
    rules_sha256: str
    topics: tuple[Topic, ...]
    # A raised rule alerts the clinic (Rule.alerts); kept apart from the topics, which are stored as they were.
    alert: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "rules_version": self.rules_version,
            "rules_sha256": self.rules_sha256,
            "topics": [t.as_dict() for t in self.topics],
        }

    def by_severity(self) -> list[tuple[str, list[Topic]]]:
        return [(s, [t for t in self.topics if t.severity == s]) for s in SEVERITIES]

    @property
    def highest_severity(self) -> str | None:
        return self.topics[0].severity if self.topics else None
