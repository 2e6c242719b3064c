"""A language's words for the code that writes to patients outside Flask: gettext, and dates written its way."""
from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date
from typing import Callable

from babel.dates import format_date

from screening.language import ENGLISH, supported
from screening.language.catalogs import translations


@dataclass(frozen=True)
class Words:
    code: str
    gettext: Callable[[str], str]

    def date(self, day: date) -> str:
        """April 2, 1990 in English (the month in words, so 4/2 and 2/4 are never confused); 2 de abril de 1990."""
        if self.code == ENGLISH:
            return f"{day:%B} {day.day}, {day.year}"
        return format_date(day, "long", locale=self.code)


@functools.cache
def words(code: str = ENGLISH) -> Words:
    code = supported(code) or ENGLISH
    return Words(code, translations(code).gettext)


ENGLISH_WORDS = Words(ENGLISH, lambda text: text)
