"""Height and weight: reading what a patient types, in US units or metric, and writing it back.

A measure is kept in metric with one decimal (height in cm, weight in kg), so rules compare plain numbers
and BMI is worked out the same way everywhere; it is shown in both systems, US first: "5 ft 7 in (170.2 cm)".
Only ASCII digits count, as in screening.typed; anything else reads as None and gets the question's message.
Nothing here imports Flask.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Callable

from screening.language import N_
from screening.language.words import ENGLISH_WORDS, Words

CM_PER_INCH = 2.54
KG_PER_POUND = 0.45359237
# Longer than anything a patient means ("5 feet 11.5 inches"), short enough that a regex never runs long.
MAX_TYPED = 30

_NUMBER = r"(\d{1,4}(?:\.\d{1,2})?)"
# The Spanish words too (pies, pulgadas, libras, centímetros), for a patient reading the questions in Spanish.
_FEET = r"(?:ft|feet|foot|pies?|')"
_INCHES = r"(?:in|ins|inch|inches|pulgadas?|pulg|\"|'')"
_HEIGHT_FORMS: tuple[tuple[re.Pattern[str], Callable[..., float | None]], ...] = tuple(
    (re.compile(pattern, re.ASCII), read) for pattern, read in (
        # 5 ft 7 in, 5ft 7in, 5'7", 5' 7, 5 feet 7 inches, 5 ft, 5 ft, 7 in, 5 ft and 7 in
        (rf"(\d{{1,2}})\s*{_FEET}\s*(?:,|and|y)?\s*(?:{_NUMBER}\s*{_INCHES}?)?",
         lambda feet, inches=None: _feet_and_inches(feet, inches)),
        (rf"(\d{{1,2}})\s+{_NUMBER}", lambda feet, inches: _feet_and_inches(feet, inches)),
        (rf"{_NUMBER}\s*{_INCHES}", lambda inches: float(inches) * CM_PER_INCH),
        (rf"{_NUMBER}\s*(?:cm|cms|centimeters?|centimetres?|centímetros?|centimetros?)", float),
        (rf"{_NUMBER}\s*(?:m|meters?|metres?|metros?)", lambda meters: float(meters) * 100),
    )
)
_WEIGHT_FORMS: tuple[tuple[re.Pattern[str], Callable[[str], float]], ...] = tuple(
    (re.compile(pattern, re.ASCII), read) for pattern, read in (
        (rf"{_NUMBER}\s*(?:lb|lbs|pounds?|libras?)?", lambda pounds: float(pounds) * KG_PER_POUND),
        (rf"{_NUMBER}\s*(?:kg|kgs|kilos?|kilograms?|kilogrammes?)", float),
    )
)
# Marks a phone keyboard or a word processor puts in place of ' and ".
_MARKS = str.maketrans({"\u2019": "'", "\u2032": "'", "\u00b4": "'", "`": "'", "\u201d": '"', "\u2033": '"',
                        "\u201c": '"'})


def _feet_and_inches(feet: str, inches: str | None) -> float | None:
    extra = float(inches) if inches else 0.0
    if extra >= 12:
        return None  # 5 ft 14 in is a slip, not 6 ft 2 in
    return (int(feet) * 12 + extra) * CM_PER_INCH


def _normal(typed: str) -> str:
    return " ".join(typed.translate(_MARKS).lower().split()).rstrip(".")


def _read(forms, typed: str) -> float | None:
    if not isinstance(typed, str) or len(typed) > MAX_TYPED:
        return None
    text = _normal(typed)
    for pattern, read in forms:
        match = pattern.fullmatch(text)
        if match:
            value = read(*(g for g in match.groups() if g is not None))
            return None if value is None else round(value, 1)
    return None


def read_height(typed: str) -> float | None:
    """Centimeters, one decimal, from feet and inches, inches, centimeters or meters; None if not one of those.

    A number on its own is refused: 67, 170 and 5.7 could each be a height in a different unit.
    """
    return _read(_HEIGHT_FORMS, typed)


def read_weight(typed: str) -> float | None:
    """Kilograms, one decimal, from pounds (a number on its own is pounds) or kilograms; None otherwise."""
    return _read(_WEIGHT_FORMS, typed)


def us_height(cm: float) -> str:
    feet, inches = divmod(round(cm / CM_PER_INCH), 12)
    return f"{feet} ft {inches} in"


def us_weight(kg: float) -> str:
    return f"{round(kg / KG_PER_POUND)} lb"


def number(value: float) -> str:
    """170 for 170.0, 72.6 for 72.6: a stored measure without a trailing zero."""
    return f"{value:.1f}".removesuffix(".0")


@dataclass(frozen=True)
class Measure:
    name: str
    unit: str  # the metric unit it is kept in
    low: float  # the range, in that unit, both ends included
    high: float
    read: Callable[[str], float | None]
    us: Callable[[float], str]
    # The name of the CSV column holding the US form, beside the metric one.
    us_column: str
    unreadable: str
    # "Height", "Weight": what a message calls it, in words the patient's language translates.
    title: str = ""

    def problem(self, typed: str, words: Words = ENGLISH_WORDS) -> str | None:
        """Why `typed` is not a height (or weight) this form takes, or None; in the language of `words`."""
        value = self.read(typed)
        if value is None:
            return words.gettext(self.unreadable)
        if not self.low <= value <= self.high:
            return words.gettext("%(what)s must be between %(low_us)s and %(high_us)s (%(low)s %(unit)s and "
                                 "%(high)s %(unit)s)") % {
                "what": words.gettext(self.title), "low_us": self.us(self.low), "high_us": self.us(self.high),
                "low": number(self.low), "high": number(self.high), "unit": self.unit}
        return None

    def metric(self, value: float) -> str:
        return f"{number(value)} {self.unit}"

    def shown(self, value: float) -> str:
        """Both systems, US first: 5 ft 7 in (170.2 cm)."""
        return f"{self.us(value)} ({self.metric(value)})"

    def typed_form(self, value: float) -> str:
        """What to put back in the box for a saved value: the US form when it reads back as the same value,
        else the metric one (170 cm is 5 ft 7 in, which reads back as 170.2)."""
        us = self.us(value)
        return us if self.read(us) == value else f"{number(value)} {self.unit}"


# Adult bounds with room on either side, in whole US units (3 ft to 8 ft; 50 lb to 800 lb), so the message
# reads plainly in both systems; the metric ends are those, rounded as a typed value is.
HEIGHT = Measure(
    "height", "cm", round(36 * CM_PER_INCH, 1), round(96 * CM_PER_INCH, 1), read_height, us_height, "height_ft_in",
    N_("Enter your height in feet and inches, like 5 ft 7 in, or in centimeters, like 170 cm"), N_("Height"),
)
WEIGHT = Measure(
    "weight", "kg", round(50 * KG_PER_POUND, 1), round(800 * KG_PER_POUND, 1), read_weight, us_weight, "weight_lb",
    N_("Enter your weight in pounds, like 160 lb, or in kilograms, like 73 kg"), N_("Weight"),
)
MEASURES = {m.name: m for m in (HEIGHT, WEIGHT)}


def bmi(height_cm: float, weight_kg: float) -> float:
    """Body mass index, kg/m², one decimal."""
    return round(weight_kg / (height_cm / 100) ** 2, 1)


# Every BMI the two boxes can make, from the shortest heaviest to the tallest lightest.
BMI_LOW = math.floor(bmi(HEIGHT.high, WEIGHT.low))
BMI_HIGH = math.ceil(bmi(HEIGHT.low, WEIGHT.high))
