"""A worker's bounded memory of what it made or was given: the least recently used goes first when it is full.

Safe under threads (`flask run` serves with several, as a threaded gunicorn worker would): the dict is changed
under a lock, and a value is made outside it, so two threads may both make one, and either is kept.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")
_MISSING = object()


class Kept(Generic[V]):
    def __init__(self, most: int):
        self.most = most
        self._values: OrderedDict[Hashable, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, make: Callable[[], V]) -> V:
        value = self._used(key)
        if value is not _MISSING:
            return value  # type: ignore[return-value]
        value = make()
        self.put(key, value)
        return value

    def find(self, key: Hashable) -> V | None:
        """The value kept for `key`, or None if there is none (for a store whose values are never None)."""
        value = self._used(key)
        return None if value is _MISSING else value  # type: ignore[return-value]

    def _used(self, key: Hashable) -> V | object:
        """The value kept for `key`, now the most recently used, or _MISSING."""
        with self._lock:
            value = self._values.get(key, _MISSING)
            if value is not _MISSING:
                self._values.move_to_end(key)
            return value

    def put(self, key: Hashable, value: V) -> None:
        with self._lock:
            self._values[key] = value
            self._values.move_to_end(key)
            while len(self._values) > self.most:
                self._values.popitem(last=False)

    def __len__(self) -> int:
        return len(self._values)

    def keys(self) -> list[Hashable]:
        with self._lock:
            return list(self._values)

    def values(self) -> list[V]:
        with self._lock:
            return list(self._values.values())

    def clear(self) -> None:
        with self._lock:
            self._values.clear()
