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
        with self._lock:
            value = self._values.get(key, _MISSING)
            if value is not _MISSING:
                self._values.move_to_end(key)
                return value  # type: ignore[return-value]
        value = make()
        self.put(key, value)
        return value

    def find(self, key: Hashable) -> V | None:
        """The value kept for `key`, or None if there is none (for a store whose values are never None)."""
        with self._lock:
            value = self._values.get(key, _MISSING)
            if value is _MISSING:
                return None
            self._values.move_to_end(key)
            return value  # type: ignore[return-value]

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
