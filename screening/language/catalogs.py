"""The gettext catalogs: each language's messages.po, compiled to messages.mo when that is missing or older.

The build compiles them into the wheel (setup.py); a checkout or an editable install has only the .po files under
version control, so the app compiles them at start-up (create_app calls compile_stale). A folder the app cannot
write to still gets its language: the catalog is then compiled in memory.
"""
from __future__ import annotations

import functools
import io
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from screening.language import ENGLISH, LANGUAGES

DIRECTORY = Path(__file__).resolve().parent.parent / "translations"
DOMAIN = "messages"


def po_path(code: str) -> Path:
    return DIRECTORY / code / "LC_MESSAGES" / f"{DOMAIN}.po"


def _stale(po: Path, mo: Path) -> bool:
    return not mo.is_file() or mo.stat().st_mtime < po.stat().st_mtime


def compiled(po: Path) -> bytes:
    with po.open("rb") as source:
        catalog = read_po(source)
    buffer = io.BytesIO()
    # Fuzzy entries are guesses nobody has checked: a test refuses them, and they are never shown.
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def compile_stale() -> list[Path]:
    """Write every missing or outdated messages.mo; the ones written. A read-only folder is left as it is."""
    written = []
    for code in LANGUAGES:
        po = po_path(code)
        mo = po.with_suffix(".mo")
        if po.is_file() and _stale(po, mo):
            try:
                mo.write_bytes(compiled(po))
            except OSError:
                continue
            written.append(mo)
    translations.cache_clear()
    return written


@functools.cache
def translations(code: str) -> NullTranslations:
    """The language's messages; English, and a language without a catalog, is the text as written."""
    po = po_path(code)
    if code == ENGLISH or not po.is_file():
        return NullTranslations()
    mo = po.with_suffix(".mo")
    data = compiled(po) if _stale(po, mo) else mo.read_bytes()
    return Translations(io.BytesIO(data), domain=DOMAIN)
