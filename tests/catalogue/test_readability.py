"""Every question label, hint and step introduction reads at US grade 8 or below (issue 10, "Readable by every
patient"): Flesch-Kincaid, from screening.readability, the measure the rules checker applies to `patient:` texts;
the Spanish ones at the same level (Fernández-Huerta). A text too short to measure is left out in either language."""
import pytest

from screening.catalogue import CATALOGUE
from screening.questionnaire import QUESTIONNAIRE
from screening.readability import too_hard


def _texts(catalogue=CATALOGUE):
    for step in catalogue.steps:
        if step.intro:
            yield f"step {step.id} intro", step.intro
        for question in step.questions:
            yield f"{question.id} label", question.label
            if question.hint:
                yield f"{question.id} hint", question.hint


@pytest.mark.parametrize(("where", "text"), list(_texts()), ids=[where for where, _ in _texts()])
def test_patient_text_reads_at_grade_8_or_below(where, text):
    assert too_hard(text) is None, f"{where}: {text!r} {too_hard(text)}"


def _spanish_texts():
    return _texts(QUESTIONNAIRE.in_language("es").catalogue)


@pytest.mark.parametrize(("where", "text"), list(_spanish_texts()), ids=[where for where, _ in _spanish_texts()])
def test_spanish_patient_text_reads_at_the_grade_8_level(where, text):
    assert too_hard(text, "es") is None, f"{where}: {text!r} {too_hard(text, 'es')}"
