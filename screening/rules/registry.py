"""The rules in force, reloaded when the file changes and only if the new file passes the check."""
from __future__ import annotations

import logging
import os
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

from screening.rules.checker import Problem, check_file
from screening.rules.model import RuleSet

log = logging.getLogger(__name__)


class RulesInvalid(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(map(str, problems)))
        self.problems = problems


class RulesRegistry:
    def __init__(self, path: str | Path, recheck_seconds: float = 2.0):
        self.path = Path(path)
        self.recheck_seconds = recheck_seconds
        self.rejected: list[Problem] = []
        self.loaded_at: datetime | None = None
        self._ruleset: RuleSet | None = None
        self._stamp: tuple[int, int] | None = None
        self._checked_at = 0.0
        self._lock = threading.Lock()

    def load(self) -> RuleSet:
        """Load the file now; raise RulesInvalid with every problem if it does not pass."""
        stamp = self._read_stamp()
        ruleset, problems = check_file(self.path)
        if ruleset is None:
            raise RulesInvalid(problems)
        self._accept(ruleset, stamp)
        return ruleset

    @property
    def current(self) -> RuleSet:
        """The rules in force, after noticing an edit to the file (checked at most every few seconds)."""
        now = time.monotonic()
        if now - self._checked_at >= self.recheck_seconds and self._lock.acquire(blocking=False):
            try:
                self._checked_at = now
                self._reload_if_changed()
            finally:
                self._lock.release()
        if self._ruleset is None:
            raise RulesInvalid(self.rejected)
        return self._ruleset

    def _read_stamp(self) -> tuple[int, int] | None:
        try:
            info = os.stat(self.path)
        except OSError:
            return None
        return info.st_mtime_ns, info.st_size

    def _reload_if_changed(self) -> None:
        stamp = self._read_stamp()
        if stamp == self._stamp:
            return
        ruleset, problems = check_file(self.path)
        if ruleset is None:
            self._stamp = stamp  # report a bad edit once, not on every request
            self.rejected = problems
            log.error("rules file %s was edited but does not pass the check; keeping version %s. Problems:\n%s",
                      self.path, self._ruleset.version if self._ruleset else "none",
                      "\n".join(map(str, problems)))
            return
        if self._ruleset is None or ruleset.sha256 != self._ruleset.sha256:
            log.info("rules file %s: now using version %s (sha256 %s)", self.path, ruleset.version, ruleset.sha256)
        self._accept(ruleset, stamp)

    def _accept(self, ruleset: RuleSet, stamp: tuple[int, int] | None) -> None:
        self._ruleset = ruleset
        self._stamp = stamp
        self.rejected = []
        self.loaded_at = datetime.now(timezone.utc)
