"""Reading what people type: whole numbers, in the patient steps, the staff sandbox and the staff filters."""
from __future__ import annotations

# As long as a number box keeps, so every answer is read; a query string has no such limit, and
# int() slows with length and refuses past 4,300 digits.
MAX_DIGITS = 20


def whole_number(typed: str) -> int | None:
    """The whole number typed in ASCII digits, with at most one leading minus; None for anything else.

    Every typed number is read here. str.isdigit() also passes superscripts ('²') and subscripts ('₂₀'),
    which int() refuses, and int() reads other scripts' digits ('٣'): none of them is a number a patient
    or a clerk means. The minus is read so that a negative number gets the range message, not this one.
    """
    digits = typed[1:] if typed.startswith("-") else typed
    if not (digits.isascii() and digits.isdigit()) or len(digits) > MAX_DIGITS:
        return None
    return int(typed)
