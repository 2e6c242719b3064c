"""The deliverer: alert the clinic about unsent urgent drafts, then send what is due and record every attempt.

    deliver_once(app_or_config, session_factory, worker_id, now=None)   one round; returns its counts
    run(app_or_config, session_factory, worker_id, interval, stop_event)  rounds until stop_event is set
    start_background(app)                                                 run() in a daemon thread

Any number of deliverers may run at once, on any machines sharing the database: a delivery is claimed before it
is sent (screening.records.outbox.claim), so each goes out once. `flask --app screening alerts deliver` runs
one; `flask --app screening run` and gunicorn's master (gunicorn.conf.py) start one in the background.
Log lines name alerts by number and channels by name, never a patient or an answer.
"""
from __future__ import annotations

import logging
import os
import secrets
import socket
import threading
import time
import traceback
import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from screening.alerts import channels, message
from screening.clock import utcnow
from screening.records import outbox
from screening.records.database import make_engine

log = logging.getLogger(__name__)
BATCH = 20

# Held around the deliverer's database work, and by a fork (gunicorn's master forking a worker) while it forks,
# so a worker is never forked while the deliverer thread is inside the database driver, holding one of its
# internal locks that the worker would then find locked for ever. Sends, which may wait seconds, are outside it.
_FORK_GATE = threading.Lock()
os.register_at_fork(before=_FORK_GATE.acquire, after_in_parent=_FORK_GATE.release,
                    after_in_child=_FORK_GATE.release)


@dataclass
class Round:
    """What one round did."""
    unsent_alerted: int = 0
    claimed: int = 0
    delivered: int = 0
    failed: int = 0
    outcomes: list[tuple[int, str, bool, str]] = field(default_factory=list)  # (alert id, channel, ok, detail)


def _config_of(app_or_config) -> Mapping:
    return app_or_config.config if hasattr(app_or_config, "config") else app_or_config


def _ruleset_of(app_or_config):
    """The rules in force, to count an unsent draft's urgent topics; None when not at hand."""
    extensions = getattr(app_or_config, "extensions", None)
    registry = extensions.get("screening.rules") if isinstance(extensions, dict) else None
    try:
        return registry.current if registry is not None else None
    except Exception:
        return None


def new_worker_id() -> str:
    """host:pid:random, at most 32 characters (Delivery.claimed_by)."""
    return f"{socket.gethostname()[:16]}:{os.getpid()}:{secrets.token_hex(2)}"[:32]


def deliver_once(app_or_config, session_factory: Callable[[], Session], worker_id: str,
                 now: datetime | None = None, *, limit: int = BATCH) -> Round:
    """Sweep unsent urgent drafts, then up to `limit` times: claim one due delivery, send it, record it. One at a
    time, so a claim's lease runs for one send, not for a batch of slow ones.

    `now` (for tests: the clock moved) decides what is due and when the next try is; without it the real time
    is read at each step.
    """
    config = _config_of(app_or_config)
    clock = (lambda: now) if now is not None else utcnow
    names = channels.configured(config)
    done = Round()
    ruleset = _ruleset_of(app_or_config)
    db = session_factory()
    try:
        with _FORK_GATE:
            done.unsent_alerted = outbox.sweep_unsent(db, int(config.get("ALERT_UNSENT_MINUTES") or 0), names,
                                                      clock(), ruleset=ruleset)
        for _ in range(limit):
            with _FORK_GATE:
                claimed = outbox.claim(db, worker_id, clock(), 1)
                if not claimed:
                    break
                delivery = claimed[0]
                body = message.build(delivery.alert, config.get("BASE_URL") or None)
            done.claimed += 1
            started = time.monotonic()
            ok, detail = channels.send(delivery.channel, config, body)
            elapsed = int((time.monotonic() - started) * 1000)
            with _FORK_GATE:
                outbox.record(db, delivery, ok, detail, elapsed, clock())
            done.delivered += ok
            done.failed += not ok
            done.outcomes.append((delivery.alert_id, delivery.channel, ok, detail))
            if ok:
                log.info("alert %s delivered by %s in %d ms: %s", delivery.alert_id, delivery.channel, elapsed, detail)
            else:
                log.warning("alert %s not delivered by %s (try %d, %s): %s", delivery.alert_id, delivery.channel,
                            delivery.attempts, delivery.status, detail)
    finally:
        with _FORK_GATE:
            db.close()
    return done


def run(app_or_config, session_factory: Callable[[], Session], worker_id: str, interval: float,
        stop_event: threading.Event) -> None:
    """Rounds every `interval` seconds (at once again while a round fills its batch) until stop_event is set.
    A round that fails (the database unreachable, say) is logged, type and stack only, and tried again."""
    while not stop_event.is_set():
        try:
            done = deliver_once(app_or_config, session_factory, worker_id)
        except Exception as error:
            log.error("alerts: a delivery round failed: %s\n%s", type(error).__name__,
                      "".join(traceback.format_tb(error.__traceback__)))
            done = Round()
        if done.claimed < BATCH:
            stop_event.wait(interval)


@dataclass
class Background:
    thread: threading.Thread
    stop_event: threading.Event
    worker_id: str

    def stop(self, timeout: float = 15) -> None:
        self.stop_event.set()
        self.thread.join(timeout)


def start_background(app, interval: float | None = None) -> Background | None:
    """Run the deliverer in a daemon thread of this process, with an engine of its own. None when there is
    nothing to do (no channel configured and the unsent-draft sweep off).

    For `flask run` (the serving process only, not the reloader's watcher) and gunicorn's master, before it
    forks: a fork keeps only the forking thread, so workers have none, and the engine's connections are left
    to the master (dropped in a child without being closed).
    """
    config = app.config
    if not channels.configured(config) and not config.get("ALERT_UNSENT_MINUTES"):
        return None
    engine = make_engine(config["DATABASE_URL"])
    _forget_in_children(engine)
    factory = sessionmaker(engine, expire_on_commit=False)
    stop_event = threading.Event()
    worker_id = new_worker_id()
    seconds = float(interval if interval is not None else config.get("ALERT_DELIVER_SECONDS") or 5)
    thread = threading.Thread(target=run, args=(app, factory, worker_id, seconds, stop_event),
                              name="screening-alerts", daemon=True)
    thread.start()
    log.info("alerts: delivering every %g s in the background (%s)", seconds,
             ", ".join(channels.configured(config)) or "no channel configured")
    return Background(thread, stop_event, worker_id)


def _forget_in_children(engine) -> None:
    reference = weakref.ref(engine)

    def after_fork() -> None:
        alive = reference()
        if alive is not None:
            alive.dispose(close=False)

    os.register_at_fork(after_in_child=after_fork)
