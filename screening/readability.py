"""How hard a text the patient reads is: a US school grade for English, a reading-ease score for Spanish.

Flesch-Kincaid grade for English and Fernandez-Huerta reading ease for Spanish, both from textstat, pinned at
0.7.4: later releases count English syllables with a pronouncing dictionary that nltk downloads at run time,
and this must work offline. One textstat object per language, made once: set_lang clears every cache textstat
has (shared by all its objects), so it is called only when that object is made, and each object keeps its
own language and hyphenation dictionary, so threads can share it.
Imports nothing from Flask or the database: the rules checker and the catalogue tests both use it.
"""
from __future__ import annotations

from functools import lru_cache

from textstat.textstat import textstatistics

# Patient texts are written for a US grade 8 reader or below.
MOST_GRADE = 8.0
# Fernandez-Huerta reading ease runs the other way (higher is easier); 60 to 70 is "normal", the level of a
# US grade 8 reader, so a Spanish text scores at least this.
LEAST_EASE_ES = 60.0
# Below this many words a text names a thing ("Phone number (optional)", "Breathing") and a formula that
# counts syllables per word only measures how long that one name is.
FEWEST_WORDS = 6


@lru_cache(maxsize=None)
def _stats(lang: str) -> textstatistics:
    stats = textstatistics()
    stats.set_lang(lang)
    return stats


def us_grade(text: str) -> float:
    """The Flesch-Kincaid US school grade of an English text."""
    return float(_stats("en_US").flesch_kincaid_grade(text))


def spanish_ease(text: str) -> float:
    """The Fernandez-Huerta reading ease of a Spanish text: 100 very easy, 60 to 70 normal, below 50 hard."""
    return float(_stats("es").fernandez_huerta(text))


# A rules file repeats its texts (a topic's wording shared by several rules): measured once per distinct text.
@lru_cache(maxsize=8192)
def too_hard(text: str, lang: str = "en") -> str | None:
    """Why a patient text is too hard to read, or None when it is plain enough (or too short to measure)."""
    if len(text.split()) < FEWEST_WORDS:
        return None
    if lang == "es":
        ease = spanish_ease(text)
        return None if ease >= LEAST_EASE_ES else (
            f"reads as hard (Fernandez-Huerta reading ease {ease:.1f}; patient texts score {LEAST_EASE_ES:g} or "
            "more): use shorter sentences and everyday words")
    grade = us_grade(text)
    return None if grade <= MOST_GRADE else (
        f"reads at US grade {grade:.1f} (patient texts are grade {MOST_GRADE:g} or below): use shorter "
        "sentences and everyday words, and explain any medical word in the sentence that uses it")
