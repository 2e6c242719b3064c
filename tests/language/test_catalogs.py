"""The Spanish catalog is whole: nothing untranslated, nothing fuzzy, nothing stale, every placeholder kept, and
the catalogue's prose readable (issue 11, "Spanish, end to end").

The messages are extracted here as `pybabel extract -F babel.cfg` does (the catalogue's own extractor, the Python
code, the templates) and compared with the committed messages.po, so a new or changed text fails this test until
it is translated: run `pybabel extract -F babel.cfg -o messages.pot . && pybabel update -i messages.pot -d
screening/translations` and translate what it adds (docs/development.md).
"""
from __future__ import annotations

import shutil

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from screening.catalogue import CATALOGUE
from screening.catalogue.translated import catalogue_texts
from screening.language import LANGUAGES, catalogs
from tests.conftest import ROOT

OTHER_LANGUAGES = [code for code in LANGUAGES if code != "en"]


def extracted() -> set[str | tuple[str, ...]]:
    with (ROOT / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(ROOT, method_map, options_map):
        found.add(message if isinstance(message, str) else tuple(message))
    return found


def committed(code: str):
    with catalogs.po_path(code).open("rb") as source:
        return read_po(source)


def key(message) -> str | tuple[str, ...]:
    return message.id if isinstance(message.id, str) else tuple(message.id)


@pytest.fixture(scope="module")
def messages():
    return extracted()


def test_the_extraction_finds_the_templates_the_code_and_the_catalogue(messages):
    assert {"Check your answers", "Select an answer to “%(label)s”", "Not asked", CATALOGUE["asthma"].label} <= messages


@pytest.mark.parametrize("code", OTHER_LANGUAGES)
def test_every_extracted_message_is_in_the_catalog(code, messages):
    have = {key(m) for m in committed(code) if m.id}
    assert sorted(map(str, messages - have)) == []


@pytest.mark.parametrize("code", OTHER_LANGUAGES)
def test_the_catalog_holds_no_message_the_app_no_longer_uses(code, messages):
    have = {key(m) for m in committed(code) if m.id}
    assert sorted(map(str, have - messages)) == []


@pytest.mark.parametrize("code", OTHER_LANGUAGES)
def test_every_message_is_translated(code):
    untranslated = [m.id for m in committed(code) if m.id and not (
        m.string if isinstance(m.string, str) else all(m.string))]
    assert untranslated == []


@pytest.mark.parametrize("code", OTHER_LANGUAGES)
def test_no_message_is_fuzzy(code):
    catalog = committed(code)
    assert not catalog.fuzzy and [m.id for m in catalog if m.id and m.fuzzy] == []


@pytest.mark.parametrize("code", OTHER_LANGUAGES)
def test_every_translation_keeps_the_placeholders_of_its_message(code):
    problems = [(m.id, [str(e) for e in errors]) for m, errors in committed(code).check()]
    assert problems == []


@pytest.mark.parametrize("code", OTHER_LANGUAGES)
def test_every_catalogue_text_has_a_translation(code):
    translations = catalogs.translations(code)
    catalog = {key(m): m.string for m in committed(code) if m.id}
    missing = [where for where, text in catalogue_texts(CATALOGUE) if not catalog.get(text)]
    assert missing == [] and translations.gettext(CATALOGUE["asthma"].label) != CATALOGUE["asthma"].label


def test_a_missing_compiled_catalog_is_compiled_at_start(tmp_path, monkeypatch):
    copy = tmp_path / "translations"
    shutil.copytree(catalogs.DIRECTORY, copy, ignore=shutil.ignore_patterns("*.mo"))
    monkeypatch.setattr(catalogs, "DIRECTORY", copy)
    written = catalogs.compile_stale()
    assert [path.relative_to(copy).as_posix() for path in written] == ["es/LC_MESSAGES/messages.mo"]
    assert catalogs.translations("es").gettext("Check your answers") == "Revise sus respuestas"
    catalogs.translations.cache_clear()


def test_a_catalog_that_cannot_be_written_is_read_from_its_po(tmp_path, monkeypatch):
    copy = tmp_path / "translations"
    shutil.copytree(catalogs.DIRECTORY, copy, ignore=shutil.ignore_patterns("*.mo"))
    monkeypatch.setattr(catalogs, "DIRECTORY", copy)

    def read_only(path, data):  # as an installed package's folder can be, even to root
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(catalogs.Path, "write_bytes", read_only)
    try:
        assert catalogs.compile_stale() == []
        assert not (copy / "es" / "LC_MESSAGES" / "messages.mo").exists()
        assert catalogs.translations("es").gettext("Check your answers") == "Revise sus respuestas"
    finally:
        catalogs.translations.cache_clear()


def test_english_is_the_text_as_written():
    assert catalogs.translations("en").gettext("Check your answers") == "Check your answers"
