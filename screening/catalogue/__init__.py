"""The question catalogue: the one definition of every question, and its branching."""
from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, replace

from screening.catalogue.questions import SCORES, STEPS
from screening.catalogue.types import Catalogue, Question, Step
from screening.conditions import Condition, compile_condition


def _build() -> tuple[Catalogue, dict[str, Condition]]:
    steps = tuple(
        replace(step, questions=tuple(replace(q, step=step.id) for q in step.questions)) for step in STEPS
    )
    catalogue = Catalogue(steps, SCORES)
    show_when: dict[str, Condition] = {}
    seen: set[str] = set()
    for question in catalogue.asked:
        if question.show_when is not None:
            problems: list[str] = []
            condition = compile_condition(question.show_when, catalogue, lambda _mark, msg: problems.append(msg))
            if condition is None:
                raise ValueError(f"show_when of {question.id!r}: {'; '.join(problems)}")
            later = condition.questions() - seen
            if later:
                raise ValueError(f"show_when of {question.id!r} names {sorted(later)}, which are not asked before it")
            show_when[question.id] = condition
        seen.add(question.id)
    return catalogue, show_when


def version_of(catalogue: Catalogue) -> str:
    """The first 16 hex digits of a sha256 of every step and score definition: a changed question changes it."""
    data = {"steps": [asdict(s) for s in catalogue.steps], "scores": [asdict(s) for s in catalogue.scores]}
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


CATALOGUE, SHOW_WHEN = _build()

__all__ = ["CATALOGUE", "SHOW_WHEN", "Catalogue", "Question", "Step", "version_of"]
