"""Alembic's environment: always handed a connection by screening.records.migrate, never a URL of its own.

The caller holds the upgrade lock and the transaction; Alembic sees a transaction already begun and runs
every revision inside it, so an upgrade lands whole or not at all.
"""
from alembic import context

from screening.records import models

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=models.Base.metadata,
    # SQLite cannot ALTER most things; batch mode copies the table instead, on SQLite only.
    render_as_batch=True,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
