"""The question catalogue: the one definition of every question. Its show-when conditions are kept as
written; screening.questionnaire compiles them."""
from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, replace

from screening.catalogue.questions import SCORES, STEPS
from screening.catalogue.types import Catalogue, Question, Step


def _build() -> Catalogue:
    steps = tuple(
        replace(step, questions=tuple(replace(q, step=step.id) for q in step.questions)) for step in STEPS
    )
    return Catalogue(steps, SCORES)


def version_of(catalogue: Catalogue) -> str:
    """The first 16 hex digits of a sha256 of every step and score definition: a changed question changes it."""
    data = {"steps": [asdict(s) for s in catalogue.steps], "scores": [asdict(s) for s in catalogue.scores]}
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


CATALOGUE = _build()

__all__ = ["CATALOGUE", "Catalogue", "Question", "Step", "version_of"]
