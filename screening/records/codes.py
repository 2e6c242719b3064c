"""Codes people read aloud and copy by hand: resume codes (XXXX-XXXX-XXXX) and references (KS-XXXX-XXXX).

Crockford's base32 has no I, L, O or U, so a code survives being read over the phone; typed back, case,
spaces and dashes do not matter, and O, I and L are read as 0, 1 and 1.
"""
from __future__ import annotations

import re
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CONFUSABLE = str.maketrans({"O": "0", "I": "1", "L": "1"})
GROUP = 4


def new(groups: int, prefix: str = "") -> str:
    """A random code of `groups` groups of four (5 bits a character), after `prefix-` if given."""
    body = "-".join("".join(secrets.choice(ALPHABET) for _ in range(GROUP)) for _ in range(groups))
    return f"{prefix}-{body}" if prefix else body


def normalise(typed: str, groups: int, prefix: str = "") -> str | None:
    """The canonical form of a typed code, or None if it cannot be one. The prefix may be left out."""
    compact = re.sub(r"[\s-]", "", typed or "").upper()
    length = groups * GROUP
    if prefix and len(compact) == len(prefix) + length and compact.startswith(prefix):
        compact = compact[len(prefix):]
    compact = compact.translate(CONFUSABLE)
    if len(compact) != length or any(ch not in ALPHABET for ch in compact):
        return None
    body = "-".join(compact[i:i + GROUP] for i in range(0, length, GROUP))
    return f"{prefix}-{body}" if prefix else body
