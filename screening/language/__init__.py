"""The languages patients can read the questionnaire in, and the words each one uses.

English is the clinic's language: the catalogue, the rules' clinician texts and every staff page are written in
it. Other languages are gettext catalogs in screening/translations (compiled by screening.language.catalogs) and
the rules file's own translations. Nothing here imports Flask: the questionnaire and the rules engine use it.
"""
from __future__ import annotations

ENGLISH = "en"
LANGUAGES = ("en", "es")
# Each language named in itself, as the language link shows it.
NAMES = {"en": "English", "es": "Español"}
# What staff read: "Patient's language: Spanish".
ENGLISH_NAMES = {"en": "English", "es": "Spanish"}


def supported(code: object) -> str | None:
    """The language code if the app has it ("es", "es-US", "ES" are all "es"), else None."""
    if not isinstance(code, str):
        return None
    base = code.strip().replace("_", "-").split("-")[0].lower()
    return base if base in LANGUAGES else None


def N_(text: str) -> str:
    """Marks a text for the gettext catalog (pybabel finds N_ calls) where it is defined; it is translated where
    it is shown, in the patient's language."""
    return text
