"""A Babel extractor for the question catalogue (the shape of searxng's searx/babel_extract.py).

questions.py holds its texts as data, not as gettext calls, so the Python extractor finds none: this one yields
every text screening.catalogue.translated.catalogue_texts lists, with the line it is written on and, as the
translator's comment, which question and which part it is. babel.cfg maps questions.py to it.
"""
from __future__ import annotations

from typing import IO, Any, Iterator


def extract(fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: dict) -> Iterator[tuple]:
    from screening.catalogue import CATALOGUE
    from screening.catalogue.translated import catalogue_texts

    source = fileobj.read().decode("utf-8")
    lines = source.splitlines()
    for where, text in catalogue_texts(CATALOGUE):
        yield _line_of(text, lines), "gettext", text, [where]


def _line_of(text: str, lines: list[str]) -> int:
    """The line a text starts on: a long one is written in pieces, so its first words are looked for."""
    start = text[:30]
    for probe in (f'"{start}', start, text.split()[0]):
        for number, line in enumerate(lines, 1):
            if probe in line:
                return number
    return 0
