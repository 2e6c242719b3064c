"""Production entry point: `gunicorn wsgi:app` from the project root (gunicorn.conf.py is read from there).

Outside development a secret key must be set. The database must be at the code's revision: gunicorn's
master upgrades it before any worker starts; any other server needs `flask --app screening db upgrade` first.
"""
import gc
import os
import sys

os.environ.setdefault("SCREENING_ENV", "production")

from screening import create_app  # noqa: E402
from screening.settings import ConfigError  # noqa: E402

# gunicorn stops the whole server only when a worker exits with its boot-error status, 3; a worker that
# exits otherwise is started again, forever, while the port takes connections nobody answers.
WORKER_BOOT_ERROR = 3

try:
    app = create_app()
except ConfigError as stop:
    print(stop.code, file=sys.stderr, flush=True)
    sys.exit(WORKER_BOOT_ERROR)

# Everything built so far (the catalogue, the compiled rules, templates, the app) lives as long as the worker:
# out of the collector's sight, so a full collection during a request no longer walks it.
gc.freeze()
