"""Names folded for searching: lower case, accents dropped, split into words.

"Ana María Díaz-López" folds to ana, maria, diaz, lopez, and so does what a clinician types to find her,
"DIAZ lop" to diaz, lop: each typed word is the start of a stored one.
"""
from __future__ import annotations

import re
import unicodedata

KEY_LENGTH = 100


def fold(text: str) -> list[str]:
    """The words of `text`, folded; punctuation (hyphens, apostrophes, dots) splits words or is dropped."""
    plain = "".join(ch for ch in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(ch))
    plain = plain.replace("'", "").replace("\u2019", "")  # O'Brien, O’Brien -> obrien
    return [word[:KEY_LENGTH] for word in re.split(r"[\W_]+", plain) if word]


def keys_of(*names: str | None) -> list[str]:
    """Every distinct folded word of the names given, in order."""
    return list(dict.fromkeys(word for name in names if name for word in fold(name)))
