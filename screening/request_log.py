"""Request lines in logs without their query strings.

A staff search puts a patient's name or date of birth in the address (?q=Diaz); an access log line that
kept it would hold patient data. gunicorn.conf.py logs the path alone (%(U)s) and no referrer; this does the
same for the development server's log, `flask run`'s werkzeug lines.
"""
from __future__ import annotations

import logging
import re

_QUERY = re.compile(r"\?\S*")


class DropQueryStrings(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.args and isinstance(record.args, tuple):
            record.args = tuple(_QUERY.sub("", a) if isinstance(a, str) else a for a in record.args)
        if isinstance(record.msg, str):
            record.msg = _QUERY.sub("", record.msg)
        return True


def init_app() -> None:
    werkzeug = logging.getLogger("werkzeug")
    if not any(isinstance(f, DropQueryStrings) for f in werkzeug.filters):
        werkzeug.addFilter(DropQueryStrings())
