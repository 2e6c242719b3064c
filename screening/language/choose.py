"""Which language a request is answered in, and the gettext functions every patient page uses (one seam).

The patient's own choice (the language link on every patient page, kept in the session and on the draft) comes
first; without one, the browser's Accept-Language; else English. An unknown language anywhere is English, never
an error. Staff pages are always in the clinic's language, English. Flask-Babel asks `selected` once a request.
"""
from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from flask import Flask, current_app, g, has_request_context, request, session
from flask_babel import Babel

from screening.language import ENGLISH, LANGUAGES, NAMES, N_, supported
from screening.language.catalogs import DIRECTORY, compile_stale, translations
from screening.language.words import Words, words

SESSION_KEY = "language"


def is_staff_path(path: str) -> bool:
    return path == "/staff" or path.startswith("/staff/")


def selected() -> str:
    if is_staff_path(request.path):
        return ENGLISH
    chosen = supported(session.get(SESSION_KEY))
    if chosen:
        return chosen
    # The browser's languages in its order of preference, each by its primary tag: es-419 and es-MX are Spanish,
    # and en-US before es is English (werkzeug's best_match prefers an exact "es" to a first choice of "en-US").
    for value, quality in request.accept_languages:
        code = supported(value)
        if quality > 0 and code:
            return code
    return ENGLISH


def current() -> str:
    # Asked for every text a page shows: chosen once a request by init_app's hook. Before that hook (an error
    # page for a request stopped by CSRFProtect's) it is chosen here; outside a request it is English.
    return _CURRENT.get() or (selected() if has_request_context() else ENGLISH)


_CURRENT: ContextVar[str | None] = ContextVar("screening_language", default=None)


def current_words() -> Words:
    return words(current())


def gettext(text: str, **variables: Any) -> str:
    """The text in the request's language, with %(name)s filled from `variables`."""
    translated = translations(current()).gettext(text)
    return translated % variables if variables else translated


def ngettext(singular: str, plural: str, count: int, **variables: Any) -> str:
    translated = translations(current()).ngettext(singular, plural, count)
    return translated % {"num": count, **variables}


_ = gettext

# The default SCREENING_CLINIC_NAME is words, not a name, so it is said in the patient's language.
DEFAULT_CLINIC = N_("your clinic")


def clinic_name() -> str:
    clinic = current_app.config["CLINIC_NAME"]
    return gettext(clinic) if clinic == DEFAULT_CLINIC else clinic


def choose(code: str) -> None:
    """The patient's language from now on: kept in the session, and what the rest of this request is shown in."""
    session[SESSION_KEY] = code
    _CURRENT.set(code)  # undone with the rest by the request's teardown (init_app), which resets to before it


def init_app(app: Flask) -> None:
    compile_stale()
    Babel(app, locale_selector=selected, default_translation_directories=str(DIRECTORY))
    # Templates read the same catalogs as the Python code (screening.language.catalogs), compiled or not.
    app.jinja_env.install_gettext_callables(
        lambda text: translations(current()).gettext(text),
        lambda singular, plural, n: translations(current()).ngettext(singular, plural, n), newstyle=True)
    app.jinja_env.policies["ext.i18n.trimmed"] = True

    @app.before_request
    def _choose() -> None:
        # Flask-Babel's locale_selector itself, without the babel Locale it would parse from it: only our
        # gettext seam and the words' dates read the language, and they take its code.
        g._language_token = _CURRENT.set(selected())

    @app.teardown_request
    def _forget(_exc: BaseException | None) -> None:
        token = g.pop("_language_token", None)
        if token is not None:
            _CURRENT.reset(token)

    @app.context_processor
    def _language() -> dict[str, Any]:
        code = current()
        others = [(other, NAMES[other]) for other in LANGUAGES if other != code]
        return {"language": code, "other_languages": others, "clinic_name": clinic_name()}
