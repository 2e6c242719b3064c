"""Check a rules file whole and report every problem, each with its line and a way to fix it.

The checker is the only way a rules file becomes a RuleSet: the app, the CLI and the
examples all go through `check_text`, so a file that loads is a file that passed.
"""
from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from screening.questionnaire import QUESTIONNAIRE, Questionnaire, answer_problem
from screening.conditions.language import Compiler, suggest
from screening.conditions import yamlload
from screening.rules.engine import PLACEHOLDER, raised_rules
from screening.rules.model import PATIENT_KEYS, RULE_KEYS, SEVERITIES, TEXT_KEYS, Example, Rule, RuleSet
from screening.language import ENGLISH, LANGUAGES
from screening.conditions.yamlload import LocDict, LocList, Mark, mark_of
from screening.readability import too_hard

TOP_KEYS = ("version", "languages", "rules", "examples")
EXAMPLE_KEYS = ("name", "answers", "raises", "does not raise", "alerts")
# A flag that is neither true nor false, already reported.
_INVALID = object()
RULE_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")

# The summary advises; it never decides. Any of these in a text reads as a decision.
DECISION_WORDS = re.compile(
    r"\b(eligib\w*|ineligib\w*|approved?|approval|cleared|clearance|disqualif\w*|unsuitable"
    r"|not suitable|candidates?"
    r"|rejected|denied|(?:can|may)(?:not|'t| not) have (?:ketamine|treatment|this treatment))\b",
    re.IGNORECASE,
)
# The same in Spanish: no page, in any language, says eligible or the like.
DECISION_WORDS_ES = re.compile(
    r"\b((?:no )?elegib\w*|inelegib\w*|(?:no )?apt[oa]s?|aptitud|aprobad[oa]s?|aprobaci[oó]n|descartad[oa]s?"
    r"|candidat[oa]s?|descalificad\w*|rechazad[oa]s?|denegad[oa]s?|autorizad[oa]s?|idóne[oa]s?"
    r"|(?:no )?(?:puede|podrá|debe) recibir (?:la ketamina|ketamina|el tratamiento|tratamiento|este tratamiento))\b",
    re.IGNORECASE,
)
# Every word above holds one of these stems, so a text holding none of them (nearly every text) needs no
# regular-expression search, which steps through the text a character at a time. The stems are sought in the
# text folded as IGNORECASE reads it (tests/rules/test_decision_words.py checks the folding on every character).
DECISION_STEMS = ("eligib", "approv", "cleared", "clearance", "disqualif", "suitable", "candidate", "rejected",
                  "denied", "not have", "'t have")
DECISION_STEMS_ES = ("elegib", "apt", "aprob", "descartad", "candidat", "descalificad", "rechazad", "denegad",
                     "autorizad", "idóne", "recibir")
# IGNORECASE takes dotless i for i and long s for s; str.lower() would make two characters of a dotted capital I.
_FOLD = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s"})


def fold(text: str) -> str:
    """The text in lower case, each character standing for every character IGNORECASE matches it with."""
    if not text.isascii() and ("\u0130" in text or "\u0131" in text or "\u017f" in text):
        text = text.translate(_FOLD)
    return text.lower()


def find_decision(text: str, folded: str, words: re.Pattern[str] = DECISION_WORDS,
                  stems: tuple[str, ...] = DECISION_STEMS) -> re.Match[str] | None:
    """words.search(text), where `folded` is fold(text)."""
    for stem in stems:
        if stem in folded:
            return words.search(text)
    return None


@dataclass(frozen=True)
class Problem:
    path: str
    line: int | None
    col: int | None
    message: str
    rule_id: str | None = None

    def __str__(self) -> str:
        where = f"{self.path}:{self.line or 1}:{self.col or 1}"
        who = f"rule {self.rule_id!r}: " if self.rule_id else ""
        return f"{where}: {who}{self.message}"


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def check_file(path: str | Path, questionnaire: Questionnaire = QUESTIONNAIRE) -> tuple[RuleSet | None, list[Problem]]:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, [Problem(str(path), None, None, f"cannot read the rules file: {exc}")]
    return check_text(text, str(path), questionnaire)


def check_text(text: str, path: str = "rules.yaml",
               questionnaire: Questionnaire = QUESTIONNAIRE) -> tuple[RuleSet | None, list[Problem]]:
    """Return the RuleSet and no problems, or None and every problem found."""
    ruleset, problems = _check(text, path, questionnaire)
    return ruleset, list(problems)


@functools.lru_cache(maxsize=16)
def _check(text: str, path: str, questionnaire: Questionnaire) -> tuple[RuleSet | None, tuple[Problem, ...]]:
    # Checking runs every example; the same text against the same catalogue always gives the same answer.
    checker = _Checker(path, questionnaire)
    with yamlload.no_cycle_collection():  # the loaded tree lives until run() returns
        ruleset = checker.run(text)
    problems = tuple(sorted(checker.problems, key=lambda p: (p.line or 0, p.col or 0)))
    return (None if problems else ruleset), problems


class _Checker:
    def __init__(self, path: str, questionnaire: Questionnaire):
        self.path = path
        self.questionnaire = questionnaire
        self.catalogue = questionnaire.catalogue
        self.problems: list[Problem] = []
        self.rule_id: str | None = None
        self.conditions = Compiler(self.catalogue, self.report)

    def report(self, mark: Mark | None, message: str) -> None:
        self.problems.append(
            Problem(self.path, mark.line if mark else None, mark.col if mark else None, message, self.rule_id)
        )

    def report_at(self, node: LocDict, key: str, message: str) -> None:
        """report() at the value of `key` in `node`; its mark is made only here, as most texts have no problem."""
        self.report(mark_of(node, key), message)

    def run(self, text: str) -> RuleSet | None:
        try:
            data = yamlload.load(text)
        except yamlload.YamlError as exc:
            self.report(exc.mark, exc.message)
            return None
        if not isinstance(data, LocDict):
            self.report(mark_of(data), "a rules file starts with 'version:', then 'rules:' and 'examples:'")
            return None
        self._duplicates(data)
        self._unknown_keys(data, TOP_KEYS, "at the top of the file")
        version = data.get("version")
        if not isinstance(version, (str, int, float)) or isinstance(version, bool) or not str(version).strip():
            self.report(mark_of(data, "version") if "version" in data else data.mark,
                        "the file needs a 'version:' label, such as version: \"2026-11-25\"; change it with every edit")
        self.languages = self._languages(data)
        rules = self._rules(data)
        examples = self._examples(data)
        ruleset = RuleSet(str(version), sha256(text), text, tuple(rules), tuple(e for e, _ in examples),
                          self.languages)
        if not self.problems:
            self._run_examples(ruleset, data, examples)
        return ruleset

    # -- helpers ---------------------------------------------------------------------------

    def _duplicates(self, node: LocDict) -> None:
        for key, mark in node.duplicates:
            self.report(mark, f"{key!r} is written twice here; YAML would silently keep only the last: remove one")

    def _unknown_keys(self, node: LocDict, allowed: tuple[str, ...], where: str) -> None:
        for key in node:
            if key not in allowed:
                self.report(
                    mark_of(node, key, of_key=True),
                    f"unknown key {key!r} {where}{suggest(key, allowed)} (allowed: {', '.join(allowed)})",
                )

    def _list(self, data: LocDict, key: str) -> LocList:
        value = data.get(key)
        if isinstance(value, LocList):
            return value
        self.report(mark_of(data, key) if key in data else data.mark,
                    f"'{key}:' must be a list, each item starting with '- ' on a new line")
        return LocList()

    def _languages(self, data: LocDict) -> tuple[str, ...]:
        """`languages: [en, es]`: English first, each one the app has a catalog for. Absent: English only."""
        if "languages" not in data:
            return (ENGLISH,)
        value = data["languages"]
        if not isinstance(value, LocList) or not value or not all(isinstance(v, str) for v in value):
            self.report(mark_of(data, "languages"), "'languages:' is a list of language codes, English first, "
                                                    "such as languages: [en, es]")
            return (ENGLISH,)
        if value[0] != ENGLISH:
            self.report(mark_of(data, "languages"), f"'languages:' starts with en, the clinic's language, in which "
                                                    f"'clinician' and 'source' are written: languages: [en, "
                                                    f"{', '.join(v for v in value if v != ENGLISH)}]")
        kept = []
        for index, code in enumerate(value):
            if code not in LANGUAGES:
                self.report(mark_of(value, index) or mark_of(data, "languages"),
                            f"'languages:' names {code!r}, which the app has no catalog for, so its patients would "
                            f"read the questions in another language (it has: {', '.join(LANGUAGES)})"
                            f"{suggest(code, LANGUAGES)}")
            elif code not in kept:
                kept.append(code)
        return tuple([ENGLISH] + [code for code in kept if code != ENGLISH])

    # -- rules -----------------------------------------------------------------------------

    def _rules(self, data: LocDict) -> list[Rule]:
        rules: list[Rule] = []
        seen: dict[str, Mark | None] = {}
        for index, node in enumerate(self._list(data, "rules")):
            self.rule_id = None
            if not isinstance(node, LocDict):
                self.report(mark_of(data["rules"], index), "each rule must be a set of 'key: value' lines")
                continue
            rule_id = node.get("id")
            if isinstance(rule_id, str) and RULE_ID.match(rule_id):
                self.rule_id = rule_id
                if rule_id in seen:
                    first = seen[rule_id]
                    self.report(mark_of(node, "id"),
                                f"the id is used twice (first at line {first.line if first else '?'}): "
                                "give this rule an id of its own")
                seen[rule_id] = mark_of(node, "id")
            else:
                self.report(mark_of(node, "id") if "id" in node else node.mark,
                            "a rule needs 'id:' in lower case letters, digits and hyphens, such as bp-very-high")
            rule = self._rule(node)
            if rule:
                rules.append(rule)
        self.rule_id = None
        self._check_unless(rules, data)
        return rules

    def _unless(self, node: LocDict) -> tuple[str, ...] | object:
        if "unless" not in node:
            return ()
        value = node["unless"]
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
            self.report(mark_of(node, "unless"), "'unless:' is a list of rule ids, like [heart-attack-12-months]: "
                                                 "this rule is not shown when one of them is raised")
            return _INVALID
        return tuple(value)

    def _check_unless(self, rules: list[Rule], data: LocDict) -> None:
        """Every rule named under `unless:` exists and is not the rule itself, an urgent rule gives way only to
        another urgent one, and no rules hide one another in a circle. A discuss rule may give way to a mention:
        a general topic ("drugs in the last year") to a more precise one ("none in the last 3 months")."""
        by_id = {rule.id: rule for rule in rules}
        nodes = {n.get("id"): n for n in data.get("rules", []) if isinstance(n, LocDict)}
        known: list[str] = []
        for rule in rules:
            if not rule.unless:
                continue
            self.rule_id = rule.id
            items = nodes[rule.id]["unless"]
            for index, other in enumerate(rule.unless):
                where = mark_of(items, index) if isinstance(items, LocList) else mark_of(nodes[rule.id], "unless")
                if other == rule.id:
                    self.report(where, "'unless:' names this rule itself: name the rules that stand in for it")
                elif other not in by_id:
                    known = known or sorted(by_id)  # once, not once per misnamed rule
                    self.report(where, f"'unless:' names {other!r}, which is not a rule{suggest(other, known)}")
                elif rule.severity == "urgent" and by_id[other].severity != "urgent":
                    self.report(where, f"'unless:' names {other!r}, a {by_id[other].severity} rule, but this rule is "
                                       "urgent: an urgent topic tells the patient what to do now, so only another "
                                       "urgent topic may stand in for it")
            path = self._circle(rule.id, by_id)
            # Reported once, at the first of the circle's rules in the file.
            if path and rule.id == next(r.id for r in rules if r.id in path):
                self.report(mark_of(nodes[rule.id], "unless"),
                            f"rules hide one another in a circle ({' -> '.join(path)}), so none would be shown: "
                            "remove one of these 'unless:' entries")
        self.rule_id = None

    @staticmethod
    def _circle(start: str, by_id: dict[str, Rule]) -> list[str] | None:
        """A chain of `unless:` from start back to start, if there is one."""
        stack = [(start, [start])]
        visited: set[str] = set()
        while stack:
            current, path = stack.pop()
            for other in by_id[current].unless if current in by_id else ():
                if other == start and len(path) > 1:
                    return path + [start]
                if other not in visited and other in by_id and other != current:
                    visited.add(other)
                    stack.append((other, path + [other]))
        return None

    def _rule(self, node: LocDict) -> Rule | None:
        self._duplicates(node)
        self._unknown_keys(node, RULE_KEYS, "in a rule")
        ok = True
        severity = node.get("severity")
        if severity not in SEVERITIES:
            ok = False
            self.report(mark_of(node, "severity") if "severity" in node else node.mark,
                        f"'severity:' must be one of {', '.join(SEVERITIES)}, not {severity!r}{suggest(severity, SEVERITIES)}"
                        if "severity" in node else f"the rule needs 'severity:' ({', '.join(SEVERITIES)})")
        translations: dict[str, dict[str, str]] = {code: {} for code in self.languages[1:]}
        for key in TEXT_KEYS:
            ok = self._texts(node, key, translations) and ok
        if "when" not in node:
            self.report(node.mark, "the rule needs 'when:', the condition that raises it")
            return None
        alert = self._flag(node, "alert", "whether raising this rule alerts the clinic at once (urgent rules do "
                                          "unless they say 'alert: false')")
        unless = self._unless(node)
        condition = self.conditions.compile(node["when"])
        if condition is None or not ok or alert is _INVALID or unless is _INVALID:
            return None
        return Rule(node["id"], severity, _english(node["title"]), _english(node["patient"]),
                    node["clinician"].strip(), node["source"].strip(), condition, alert, unless,
                    {code: texts for code, texts in translations.items() if texts})

    def _flag(self, node: LocDict, key: str, meaning: str) -> bool | None | object:
        """`key: true` or `key: false`, None when absent, _INVALID (reported) otherwise. yes/no stay words in this
        file, so they are refused here rather than read as a yes or a no."""
        if key not in node:
            return None
        value = node[key]
        if isinstance(value, bool):
            return value
        self.report(mark_of(node, key), f"'{key}:' takes true or false, not {value!r}: {meaning}")
        return _INVALID

    def _texts(self, node: LocDict, key: str, translations: dict[str, dict[str, str]]) -> bool:
        """A text in English; a title and a patient text also in every other language the file declares, as
        `key:` with an `en:` and an `es:` line under it (docs/rules.md, section 16)."""
        value = node.get(key)
        if key not in PATIENT_KEYS or not isinstance(value, LocDict):
            if key in PATIENT_KEYS and len(self.languages) > 1 and isinstance(value, str) and value.strip():
                self.report(mark_of(node, key, of_key=True),
                            f"'{key}' is written in English only, and the file declares {', '.join(self.languages)}: "
                            f"write it as '{key}:' with a line for each, '  en: ...' then '  es: ...'")
                self._text(node, key)
                return False
            return self._text(node, key)
        self._duplicates(value)
        self._unknown_keys(value, self.languages, f"in '{key}' (the languages this file declares)")
        ok = True
        for code in self.languages:
            if code not in value:
                ok = False
                self.report(mark_of(node, key, of_key=True),
                            f"'{key}' has no '{code}:' text; the file declares {', '.join(self.languages)}, so "
                            f"every title and patient text is written in each")
        if ENGLISH not in value:
            return False
        ok = self._text(value, ENGLISH, key) and ok
        english = value[ENGLISH] if isinstance(value[ENGLISH], str) else ""
        for code in self.languages[1:]:
            if code in value:
                text = self._translation(value, code, key, english)
                if text is None:
                    ok = False
                else:
                    translations[code][key] = text
        return ok

    def _translation(self, node: LocDict, code: str, key: str, english: str) -> str | None:
        """The `code:` text of `key`: said, with the English text's placeholders, no decision, plain."""
        text = node.get(code)
        if not isinstance(text, str) or not text.strip():
            self.report_at(node, code, f"'{key}' needs some text after '{code}:'")
            return None
        ok = True
        folded = fold(text)
        for words, stems in ((DECISION_WORDS, DECISION_STEMS), (DECISION_WORDS_ES, DECISION_STEMS_ES)):
            decision = find_decision(text, folded, words, stems)
            if decision:
                ok = False
                self.report_at(node, code, f"'{key}' in {code} says {decision.group(0)!r}, which reads as a decision "
                                           "about treatment: the summary only suggests what to discuss, so reword it, "
                                           "e.g. 'hable con su médico sobre ...'")
        theirs = sorted(set(PLACEHOLDER.findall(text)))
        ours = sorted(set(PLACEHOLDER.findall(english)))
        if theirs != ours:
            ok = False
            self.report_at(node, code, f"'{key}' in {code} quotes {_braces(theirs) or 'no answer'} where the English "
                                       f"quotes {_braces(ours) or 'none'}: the same answers, written the same way, in "
                                       "every language")
        hard = too_hard(PLACEHOLDER.sub("eso", text), code) if key == "patient" else None
        if hard:
            ok = False
            self.report_at(node, code, f"'{key}' in {code} {hard}")
        return text.strip() if ok else None

    def _text(self, node: LocDict, key: str, shown: str | None = None) -> bool:
        """One English text: `key` in `node`, called `shown` in messages (title, when written under 'en:')."""
        value = node.get(key)
        name = shown or key
        if not isinstance(value, str) or not value.strip():
            self.report(mark_of(node, key) if key in node else node.mark,
                        f"the rule needs '{name}:' with some text" + _TEXT_HINTS[name])
            return False
        written, key = key, name
        ok = True
        decision = find_decision(value, fold(value))
        if decision:
            ok = False
            self.report_at(node, written,
                           f"'{key}' says {decision.group(0)!r}, which reads as a decision about treatment: the summary "
                           "only suggests what to discuss, so reword it, e.g. 'talk to your doctor about ...'")
        hard = too_hard(PLACEHOLDER.sub("it", value)) if key == "patient" else None
        if hard:
            ok = False
            self.report_at(node, written, f"'{key}' {hard}")
        for match in PLACEHOLDER.finditer(value):
            name = match.group(1)
            if key in ("title", "source"):
                ok = False
                self.report_at(node, written, f"'{key}' is shown as written, so it cannot quote an answer "
                                              f"with {{{name}}}: move the placeholder into 'patient' or 'clinician'")
            elif name not in self.catalogue:
                ok = False
                self.report_at(node, written, f"'{key}' has the placeholder {{{name}}}, which names no question"
                                              f"{suggest(name, self.catalogue.ids)}")
            elif self.catalogue[name].identity:
                ok = False
                self.report_at(node, written, f"'{key}' has the placeholder {{{name}}}, which is who the patient "
                                              "is, not a clinical answer: topics travel in alerts and exports, so "
                                              "they never quote a name, date of birth or contact; use {age} for age")
        return ok

    # -- examples --------------------------------------------------------------------------

    def _examples(self, data: LocDict) -> list[tuple[Example, LocDict]]:
        if "examples" not in data:
            self.report(data.mark, "the file needs 'examples:', answer sets with the topics they must raise, "
                                   "so that every rule is shown to do what was meant")
            return []
        examples: list[tuple[Example, LocDict]] = []
        names: set[str] = set()
        for index, node in enumerate(self._list(data, "examples")):
            if not isinstance(node, LocDict):
                self.report(mark_of(data["examples"], index), "each example must be a set of 'key: value' lines")
                continue
            self._duplicates(node)
            self._unknown_keys(node, EXAMPLE_KEYS, "in an example")
            name = node.get("name")
            if not isinstance(name, str) or not name.strip():
                self.report(node.mark, "the example needs 'name:', a short description of the patient it describes")
                name = f"example {index + 1}"
            elif name in names:
                self.report(mark_of(node, "name"), f"the example name {name!r} is used twice: make it unique")
            names.add(name)
            answers = self._example_answers(node, name)
            raises = self._rule_list(node, "raises", name)
            does_not = self._rule_list(node, "does not raise", name)
            alerts = self._flag(node, "alerts", f"whether example {name!r}'s answers alert the clinic")
            examples.append((Example(name, answers, raises, does_not, node.mark.line,
                                     None if alerts is _INVALID else alerts), node))
        return examples

    def _example_answers(self, node: LocDict, name: str) -> dict[str, Any]:
        answers = node.get("answers")
        if not isinstance(answers, LocDict):
            self.report(mark_of(node, "answers") if "answers" in node else node.mark,
                        f"example {name!r} needs 'answers:', question ids with the answers given")
            return {}
        self._duplicates(answers)
        result: dict[str, Any] = {}
        for question_id, value in answers.items():
            if question_id not in self.catalogue:
                self.report(mark_of(answers, question_id, of_key=True),
                            f"example {name!r}: unknown question id {question_id!r}{suggest(question_id, self.catalogue.ids)}")
                continue
            if self.catalogue[question_id].identity:
                self.report(mark_of(answers, question_id, of_key=True),
                            f"example {name!r}: {question_id!r} is who the patient is, which no rule may use: leave "
                            "it out (for age, give 'age: 16', which stays true as the years pass)")
                continue
            value = self.catalogue[question_id].recoded(value)  # a past rules version's example
            problem = answer_problem(self.catalogue[question_id], value)
            if problem:
                hint = suggest(value, self.catalogue[question_id].values) if isinstance(value, str) else ""
                self.report(mark_of(answers, question_id), f"example {name!r}: {problem}{hint}")
                continue
            result[question_id] = list(value) if isinstance(value, list) else value
        kept = self.questionnaire.prune(result)
        # An age given as such stands in for a date of birth, a BMI for a height and weight (see
        # Questionnaire.with_scores).
        given_scores = {q.id for q in self.catalogue.scores if (q.age_from or q.bmi_from) and q.id in result}
        for question_id in result.keys() - kept.keys() - given_scores:
            condition = self.catalogue[question_id].show_when
            self.report(mark_of(answers, question_id, of_key=True),
                        f"example {name!r}: {question_id!r} is not asked with these answers; it is asked only when "
                        f"{self.questionnaire.show_when[question_id].describe()}: add that answer too"
                        if condition else f"example {name!r}: {question_id!r} is not asked")
        return result

    def _rule_list(self, node: LocDict, key: str, name: str) -> tuple[str, ...]:
        value = node.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            self.report(mark_of(node, key), f"example {name!r}: '{key}:' is a list of rule ids, like [bp-very-high]")
            return ()
        return tuple(str(v) for v in value)

    def _run_examples(self, ruleset: RuleSet, data: LocDict, examples: list[tuple[Example, LocDict]]) -> None:
        ids = [r.id for r in ruleset.rules]
        known = set(ids)  # looked up once per id an example names: a list would make this quadratic
        raised_somewhere: set[str] = set()
        for example, node in examples:
            for key in ("raises", "does not raise"):
                for rule_id in node.get(key, []) if isinstance(node.get(key), list) else []:
                    if rule_id not in known:
                        self.report(mark_of(node, key),
                                    f"example {example.name!r}: '{key}' names {rule_id!r}, which is not a rule"
                                    f"{suggest(rule_id, ids)}")
            # Only which rules it raises counts here: no topic texts are filled in.
            fired, alerts = raised_rules(ruleset, example.answers, self.questionnaire)
            raised = [rule.id for rule, _ in fired]
            raised_here = set(raised)
            raised_somewhere.update(r for r in example.raises if r in raised_here)
            missing = [r for r in example.raises if r in known and r not in raised_here]
            unwanted = [r for r in example.does_not_raise if r in raised_here]
            alert_wrong = example.alerts is not None and example.alerts != alerts
            if missing or unwanted or alert_wrong:
                diff = []
                if missing:
                    diff.append(f"expected {', '.join(missing)} but it was not raised")
                if unwanted:
                    diff.append(f"raised {', '.join(unwanted)}, listed under 'does not raise'")
                if alert_wrong:
                    alerting = [rule.id for rule in ruleset.rules if rule.id in raised_here and rule.alerts]
                    diff.append(f"'alerts: {str(example.alerts).lower()}' but it "
                                + (f"alerts, through {', '.join(alerting)}" if alerts else "alerts nobody"))
                self.report(mark_of(node, "name") or node.mark,
                            f"example {example.name!r} fails: {'; '.join(diff)} "
                            f"(it raised: {', '.join(raised) or 'nothing'}). Fix the rule's 'when:' or the example")
        rule_nodes = {n.get("id"): n for n in data.get("rules", []) if isinstance(n, LocDict)}
        for rule_id in ids:
            if rule_id not in raised_somewhere:
                self.rule_id = rule_id
                self.report(mark_of(rule_nodes.get(rule_id), "id"),
                            "no example shows this rule being raised: add an example whose answers raise it, "
                            "with its id under 'raises:'")
        self.rule_id = None


_TEXT_HINTS = {
    "title": ", a few words naming the topic",
    "patient": ", plain words telling the patient why this is worth raising with their doctor",
    "clinician": ", what the clinician should know; {question_id} quotes an answer",
    "source": ", the reference this rule rests on (see the clinical reference)",
}


def _english(text: Any) -> str:
    """A title or patient text's English: the text itself, or its 'en:' line."""
    return (text[ENGLISH] if isinstance(text, dict) else text).strip()


def _braces(names: list[str]) -> str:
    return ", ".join(f"{{{name}}}" for name in names)
