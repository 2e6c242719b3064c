"""gunicorn's settings for `gunicorn wsgi:app`, read from the project root.

The master checks everything a start needs and upgrades the database once, before any worker exists, so
workers never race to make tables. Whatever stops a start (an invalid rules file, a missing secret key, a
database that cannot be reached) stops the master at once with its message and a non-zero exit.
Command-line options (-w, -b, ...) still apply on top of this file.

The master also runs the alerts deliverer in a background thread (docs/alerts.md), started before the workers
are forked: a fork keeps only the forking thread, so the master alone has it. `flask --app screening alerts
deliver` beside gunicorn adds more; each alert is still sent once.
"""
import os
import sys

os.environ.setdefault("SCREENING_ENV", "production")

# The path without its query string, and no referrer: a staff search's ?q= holds a patient's name or date of
# birth, and no log line may (screening/request_log.py does the same for `flask run`).
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s "%(a)s"'


def on_starting(server):
    from screening import create_app
    from screening.records.database import engine_of
    from screening.settings import ConfigError

    try:
        app = create_app(upgrade=True)
    except ConfigError as stop:
        print(stop.code, file=sys.stderr, flush=True)
        sys.exit(1)
    # Workers make their own connections: none may be shared across fork.
    engine_of(app).dispose()
    server.log.info("screening: the database is at the code's revision; starting workers")
    from screening.alerts.deliverer import start_background

    global _deliverer
    _deliverer = start_background(app)


_deliverer = None


def on_exit(server):
    # Let a send under way finish (each has a 10 s timeout); one cut short is claimed again after its lease.
    if _deliverer is not None:
        _deliverer.stop(timeout=12)
