"""The decision words' stems: a text is searched for decision words only when it holds a stem, so every text
the full search would catch must hold one, however its letters are written."""
import re
import sys

import pytest

from screening.rules.checker import (
    DECISION_STEMS,
    DECISION_STEMS_ES,
    DECISION_WORDS,
    DECISION_WORDS_ES,
    find_decision,
    fold,
)

# Every character but the surrogates, which a str from a file never holds.
EVERY_CHARACTER = "".join(chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF)

ENGLISH = ["eligible", "Ineligibility", "approve", "APPROVED", "approval", "cleared", "clearance", "disqualified",
           "unsuitable", "not suitable", "candidate", "candidates", "rejected", "denied", "cannot have ketamine",
           "can't have treatment", "can not have treatment", "may not have this treatment", "cannot have \u212aetamine",
           # IGNORECASE reads a dotted capital I and a dotless i as i, a long s as s, the Kelvin sign as k.
           "EL\u0130GIBLE", "el\u0131gible", "di\u017fqualified", "DI\u017fQUALIFIED"]
SPANISH = ["elegible", "no elegible", "inelegible", "apto", "no aptas", "aptitud", "aprobado", "aprobación",
           "aprobacion", "descartada", "candidato", "descalificado", "rechazadas", "denegado", "autorizada",
           "idóneo", "IDÓNEAS", "no puede recibir ketamina", "podrá recibir el tratamiento",
           "debe recibir este tratamiento", "APROBAC\u0130ÓN"]


def test_folding_keeps_one_character_for_each():
    assert len(fold(EVERY_CHARACTER)) == len(EVERY_CHARACTER)


@pytest.mark.parametrize("letter", sorted(set("".join(DECISION_STEMS + DECISION_STEMS_ES))))
def test_every_character_ignorecase_reads_as_a_stem_letter_folds_to_it(letter):
    read_as_it = re.findall(re.escape(letter), EVERY_CHARACTER, re.IGNORECASE)
    assert letter in read_as_it and fold("".join(read_as_it)) == letter * len(read_as_it)


def test_ignorecase_reads_four_characters_as_i():
    assert re.findall("i", EVERY_CHARACTER, re.IGNORECASE) == ["I", "i", "\u0130", "\u0131"]


@pytest.mark.parametrize("text", [f"Talk to us: you are {word} today." for word in ENGLISH])
def test_english_decision_words_are_found(text):
    found = find_decision(text, fold(text))
    assert found is not None and found.group(0) == DECISION_WORDS.search(text).group(0)


@pytest.mark.parametrize("text", [f"Hable con su médico: {word}." for word in SPANISH])
def test_spanish_decision_words_are_found(text):
    found = find_decision(text, fold(text), DECISION_WORDS_ES, DECISION_STEMS_ES)
    assert found is not None and found.group(0) == DECISION_WORDS_ES.search(text).group(0)


def test_a_text_with_a_stem_but_no_decision_word_is_searched_and_passes():
    text = "If you do not have a doctor, we can find one for you."
    assert any(stem in fold(text) for stem in DECISION_STEMS) and find_decision(text, fold(text)) is None


def test_a_text_without_any_stem_is_not_searched():
    class Refuses:
        def search(self, text):
            raise AssertionError("searched")

    assert find_decision("Talk to your doctor about your blood pressure.", "talk to your doctor about your blood "
                         "pressure.", Refuses(), DECISION_STEMS) is None


# The stems above were chosen for these patterns. A word added to a pattern needs its stem in DECISION_STEMS or
# DECISION_STEMS_ES, and a sample in ENGLISH or SPANISH, or a text holding only that word would not be searched.
PINNED_ENGLISH = (r"\b(eligib\w*|ineligib\w*|approved?|approval|cleared|clearance|disqualif\w*|unsuitable"
                  r"|not suitable|candidates?"
                  r"|rejected|denied|(?:can|may)(?:not|'t| not) have (?:ketamine|treatment|this treatment))\b")
PINNED_SPANISH = (r"\b((?:no )?elegib\w*|inelegib\w*|(?:no )?apt[oa]s?|aptitud|aprobad[oa]s?|aprobaci[oó]n"
                  r"|descartad[oa]s?|candidat[oa]s?|descalificad\w*|rechazad[oa]s?|denegad[oa]s?|autorizad[oa]s?"
                  r"|idóne[oa]s?|(?:no )?(?:puede|podrá|debe) recibir (?:la ketamina|ketamina|el tratamiento"
                  r"|tratamiento|este tratamiento))\b")


def test_the_decision_words_are_the_ones_the_stems_were_chosen_for():
    assert DECISION_WORDS.pattern == PINNED_ENGLISH, "a decision word changed: add its stem and a sample, then pin it"
    assert DECISION_WORDS_ES.pattern == PINNED_SPANISH, "a decision word changed: add its stem and a sample, then pin it"
