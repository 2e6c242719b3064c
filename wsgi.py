"""Production entry point: `gunicorn wsgi:app`. Outside development a secret key must be set."""
import os

os.environ.setdefault("SCREENING_ENV", "production")

from screening import create_app  # noqa: E402

app = create_app()
