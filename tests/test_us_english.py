"""US English wherever people read it: the clinic, its patients and its staff are in the US.

Requirement (issue 7, "The patient path as real patients meet it"): every step title and intro, question,
hint and answer label, every rule's title, patient and clinician text, every example's name and every page
uses US spelling and words, answer codes too (anesthetic, renamed by revision 0007). Question ids keep theirs
(sleep_apnoea, brain_tumour): stored submissions and the rules refer to them. Sources are quoted as the cited
works write them.
"""
import re

import pytest
import yaml

from screening.catalogue import CATALOGUE
from tests.conftest import ROOT

# British spellings and words this app's texts have used, or could easily use; each with the US one.
BRITISH = {
    r"\w*apnoea": "apnea", r"\w*anaesth\w*": "anesthetic, anesthesia", r"\w*tumour\w*": "tumor",
    r"oedema": "edema", r"\w*haem\w*": "hemorrhage, hematuria ...", r"oesophag\w*": "esophagus",
    r"paediatric\w*": "pediatric", r"behaviour\w*": "behavior", r"colour\w*": "color", r"centre\w*": "center",
    r"programmes?": "program", r"labelled": "labeled", r"judgement": "judgment", r"whilst": "while",
    r"tummy": "belly, stomach", r"carer\w*": "caregiver, guardian", r"rifampicin": "rifampin",
    r"St John's": "St. John's", r"(?:recogni|organi|reali|summari|normali|stabili|revasculari)s\w*": "-ize",
    r"registered at birth": "assigned at birth", r"passing urine": "urinating", r"misspelt": "misspelled",
    r"got worse": "gotten worse", r"tick(?:ed|s|-box\w*)?": "check, checked, checkbox",
    r"emergency department": "emergency room",
}
PATTERN = re.compile("|".join(rf"\b{word}\b" for word in BRITISH), re.IGNORECASE)


def catalogue_texts():
    for step in CATALOGUE.steps:
        yield f"step {step.id}: title", step.title
        if step.intro:
            yield f"step {step.id}: intro", step.intro
    for question in (*CATALOGUE.asked, *CATALOGUE.scores):
        yield f"{question.id}: label", question.label
        if question.hint:
            yield f"{question.id}: hint", question.hint
        for choice in question.all_choices:
            yield f"{question.id}={choice.value}: label", choice.label


def rules_texts():
    rules = yaml.safe_load((ROOT / "rules.yaml").read_text())
    for rule in rules["rules"]:
        for field in ("title", "patient", "clinician"):
            # A title or patient text in several languages (docs/rules.md, section 16): its English.
            text = rule[field]["en"] if isinstance(rule[field], dict) else rule[field]
            yield f"rule {rule['id']}: {field}", text
    for example in rules["examples"]:
        yield "example", example["name"]


def template_texts():
    for path in sorted((ROOT / "templates").rglob("*.html")):
        yield str(path.relative_to(ROOT)), path.read_text()


def doc_texts():
    for name in ("docs/rules.md", "docs/development.md"):
        yield name, (ROOT / name).read_text()


@pytest.mark.parametrize("texts", [catalogue_texts, rules_texts, template_texts, doc_texts])
def test_texts_people_read_are_in_us_english(texts):
    found = [f"{where}: {match.group(0)!r}" for where, text in texts() for match in PATTERN.finditer(text)]
    assert found == [], "British spellings or words (US forms in tests/test_us_english.py):\n" + "\n".join(found)


def test_the_pattern_catches_what_it_is_for():
    assert PATTERN.findall("Sleep apnoea, a brain tumour, an anaesthetic, recognised, St John's wort") == [
        "apnoea", "tumour", "anaesthetic", "recognised", "St John's"]
    assert PATTERN.findall("sleep apnea, brain tumor, anesthetic, recognized, St. John's wort, otherwise, advise,"
                           " raise, exercise, specialist, stick, ticket") == []


def test_question_ids_keep_their_stored_spelling():
    assert {"sleep_apnoea", "brain_tumour"} <= {q.id for q in CATALOGUE.asked}


def test_the_anesthetic_answer_is_coded_in_us_spelling_and_knows_its_former_code():
    reactions = CATALOGUE["reactions"]
    assert "anesthetic" in reactions.values and "anaesthetic" not in reactions.values
    assert reactions.renamed == {"anaesthetic": "anesthetic"}
