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
        connection = engine.raw_connection()
        try:
            cursor = connection.cursor()
            cursor.execute(self.sql, self.parameters(values))
            found = cursor.fetchone()
            cursor.close()
        finally:
            connection.close()  # back to the pool, its transaction rolled back
        return None if found is None else self.row(found)

    def run_and_commit(self, engine: Engine, values: Mapping[str, Any]) -> int:
        """The statement in a transaction of its own; the rows it changed."""
        connection = engine.raw_connection()
        try:
            cursor = connection.cursor()
            cursor.execute(self.sql, self.parameters(values))
            changed = cursor.rowcount
            cursor.close()
            connection.commit()
        finally:
            connection.close()  # rolled back if the commit was not reached
        return changed


@functools.lru_cache(maxsize=32)
def prepared(statement: ClauseElement, engine: Engine) -> Prepared:
    dialect = engine.dialect
    compiled = statement.compile(dialect=dialect)
    binds = tuple((name, param.type.dialect_impl(dialect).bind_processor(dialect))
                  for name, param in compiled.binds.items())
    columns = getattr(statement, "selected_columns", ())
    results = tuple(column.type.dialect_impl(dialect).result_processor(dialect, None) for column in columns)
    order = tuple(compiled.positiontup) if compiled.positional else None
    return Prepared(str(compiled), order, binds, results)
