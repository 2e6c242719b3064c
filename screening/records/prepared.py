"""A Core statement compiled once per database and run on the driver's cursor: for the step pages' draft read and
save, most of the traffic, where SQLAlchemy's execution costs more than the query (benchmarks/profile_step.py).

Values still go through SQLAlchemy's own types both ways (JSON to text, SQLite's dates), so what is written and
read is what the ORM writes and reads.
"""
from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Engine
from sqlalchemy.sql import ClauseElement


@dataclass(frozen=True)
class Prepared:
    sql: str
    order: tuple[str, ...] | None  # the parameters' names in order, for a driver that takes them by position
    binds: tuple[tuple[str, Callable[[Any], Any] | None], ...]
    results: tuple[Callable[[Any], Any] | None, ...]  # per column of a SELECT

    def parameters(self, values: Mapping[str, Any]) -> tuple | dict:
        converted = {name: value if convert is None else convert(value)
                     for (name, convert), value in ((b, values[b[0]]) for b in self.binds)}
        return tuple(converted[name] for name in self.order) if self.order is not None else converted

    def row(self, row: tuple) -> tuple:
        return tuple(value if convert is None else convert(value) for convert, value in zip(self.results, row))

    def fetch_one(self, engine: Engine, values: Mapping[str, Any]) -> tuple | None:
        def read(connection) -> tuple | None:
            cursor = connection.cursor()
            cursor.execute(self.sql, self.parameters(values))
            found = cursor.fetchone()
            cursor.close()
            return found

        found = _on_the_driver(engine, read)
        return None if found is None else self.row(found)

    def run_and_commit(self, engine: Engine, values: Mapping[str, Any]) -> int:
        """The statement in a transaction of its own; the rows it changed."""
        def run(connection) -> int:
            cursor = connection.cursor()
            cursor.execute(self.sql, self.parameters(values))
            changed = cursor.rowcount
            cursor.close()
            connection.commit()
            return changed

        return _on_the_driver(engine, run)


def _on_the_driver(engine: Engine, work: Callable[[Any], Any]) -> Any:
    """`work` on a pooled connection of the driver's, once more on a fresh one if the first had been lost (a
    database restarted since it was opened), as SQLAlchemy's own execution would. A second try is safe: a read,
    or an UPDATE by id that writes the same values again."""
    for attempt in (1, 2):
        connection = engine.raw_connection()
        try:
            return work(connection)
        except engine.dialect.loaded_dbapi.Error as error:
            if attempt == 2 or not engine.dialect.is_disconnect(error, connection.dbapi_connection, None):
                raise
            connection.invalidate(error)
        finally:
            connection.close()  # back to the pool, rolled back if not committed


@functools.lru_cache(maxsize=32)
def prepared(statement: ClauseElement, engine: Engine) -> Prepared:
    dialect = engine.dialect
    compiled = statement.compile(dialect=dialect)
    # Every value is given by name at each call: a bound default or a list expanded per call is not handled.
    assert all(param.value is None and not param.expanding for param in compiled.binds.values()), statement
    binds = tuple((name, param.type.dialect_impl(dialect).bind_processor(dialect))
                  for name, param in compiled.binds.items())
    columns = getattr(statement, "selected_columns", ())
    results = tuple(column.type.dialect_impl(dialect).result_processor(dialect, None) for column in columns)
    order = tuple(compiled.positiontup) if compiled.positional else None
    return Prepared(str(compiled), order, binds, results)
