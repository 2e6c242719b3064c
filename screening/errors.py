"""Error pages: every failure a patient can cause gets a clear page and the right status, never a 500."""
from __future__ import annotations

import logging
import traceback

from flask import Flask, g, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from screening.language import N_
from screening.language.choose import _

log = logging.getLogger(__name__)

# Shown in the patient's language (translated where the page is made); staff pages are always in English.
MESSAGES = {
    400: (N_("Something was wrong with that request"), N_("Please go back and try again. Answers you saved are safe.")),
    404: (N_("Page not found"), N_("Check the address, or go back to the start of the questionnaire.")),
    405: (N_("That did not work"), N_("Please use the buttons on the page to move through the questionnaire.")),
    410: (N_("This has expired"), N_("Please start again.")),
    413: (N_("Too much was sent"), N_("That answer is too long to send. Please shorten it and try again. "
                                      "Answers you saved earlier are safe.")),
    429: (N_("Too many tries"), N_("Please wait a while and try again.")),
    500: (N_("Sorry, there is a problem with the service"),
          N_("Please try again later. Answers you saved are safe.")),
}


# Staff pages keep the staff layout, and their messages do not talk about the questionnaire.
STAFF_MESSAGES = {
    **MESSAGES,
    400: ("Something was wrong with that request", "Please go back and try again."),
    403: ("You cannot see this page", "Your staff account does not have the role this page needs. "
                                      "Ask an administrator if you need it."),
    404: ("Page not found", "Check the address, or go to the staff home page."),
    405: ("That did not work", "Please use the links and buttons on the page."),
    500: ("Sorry, there is a problem with the service", "Please try again later."),
}


def _page(status: int, title: str | None = None, message: str | None = None):
    staff = request.path == "/staff" or request.path.startswith("/staff/")
    messages = STAFF_MESSAGES if staff else MESSAGES
    default_title, default_message = messages.get(status, messages[400])
    return render_template("staff/error.html" if staff else "error.html", status=status,
                           title=_(title or default_title), message=_(message or default_message)), status


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_failed(error: CSRFError):
        return _page(400, N_("Your page timed out"),
                     N_("For your security, forms expire after a while or when sent from elsewhere. "
                        "Go back, reload the page and try again: answers you saved before are safe."))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        return _page(error.code or 500)

    @app.errorhandler(Exception)
    def server_error(error: Exception):
        db = g.pop("db_session", None)
        g.pop("staff", None)  # loaded by the session about to be rolled back: the page must not touch it
        if db is not None:
            db.rollback()
            db.close()
        # The type and the stack only: an exception's message (SQL parameters, say) may quote an answer.
        log.error("unhandled %s\n%s", type(error).__name__, "".join(traceback.format_tb(error.__traceback__)))
        return _page(500)
