"""`flask --app screening alerts deliver [--once] [--interval SECONDS]` and `flask --app screening alerts test`."""
from __future__ import annotations

import signal
import sys
import threading
import time

import click
from flask import current_app
from flask.cli import AppGroup

from screening.alerts import channels, deliverer, message
from screening.clock import utcnow
from screening.records import database, outbox
from screening.records.db_cli import needs_current_database
from screening.records.models import Alert, Delivery
from screening.staff.audit import record

alerts_cli = AppGroup("alerts", help="Alerts to the clinic about urgent answers: deliver them, test the channels.")


def _interval(_ctx, _param, value: str | None) -> float | None:
    if value is None:
        return None
    try:
        seconds = float(value)
    except ValueError:
        seconds = 0
    if not 0.1 <= seconds <= 3600:
        raise click.BadParameter(f"takes a number of seconds from 0.1 to 3600, such as 5; not {value!r}")
    return seconds


def _report_problems() -> list[str]:
    found = channels.problems(current_app.config)
    if found:
        click.echo("Problems with the alert settings:")
        for problem in found:
            click.echo(f"  - {problem}")
    return found


@alerts_cli.command("deliver")
@click.option("--once", is_flag=True, help="Send what is due now, then exit (for cron, and tests).")
@click.option("--interval", metavar="SECONDS", callback=_interval,
              help="Seconds between rounds (default SCREENING_ALERT_DELIVER_SECONDS, 5).")
@needs_current_database
def deliver(once: bool, interval: float | None) -> None:
    """Send the alerts that are due, retrying failed ones with backoff, until stopped (Ctrl-C or SIGTERM).

    Any number may run at once, on several machines: each alert is sent once.
    """
    app = current_app._get_current_object()
    factory = app.extensions["screening.sessionmaker"]
    worker_id = deliverer.new_worker_id()
    names = channels.configured(app.config)
    _report_problems()
    if not names:
        click.echo("No alert channel is configured (SCREENING_MAIL_SERVER with SCREENING_ALERT_EMAILS, or "
                   "SCREENING_ALERT_WEBHOOK_URL): alerts are kept for the staff alerts page only.")
    if once:
        done = deliverer.deliver_once(app, factory, worker_id)
        for alert_id, channel, ok, detail in done.outcomes:
            click.echo(f"alert {alert_id} by {channel}: {'delivered' if ok else 'not delivered'} - {detail}")
        click.echo(f"{done.delivered} delivered, {done.failed} failed (to be retried unless given up), "
                   f"{done.unsent_alerted} unsent questionnaire(s) alerted; "
                   f"{outbox.due_count(database.session(), utcnow())} delivery(ies) still due.")
        return
    seconds = interval or float(app.config["ALERT_DELIVER_SECONDS"])
    stop = threading.Event()
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
    click.echo(f"Delivering alerts every {seconds:g} s through {', '.join(names) or 'no channel'} "
               f"as {worker_id}; Ctrl-C to stop.")
    try:
        deliverer.run(app, factory, worker_id, seconds, stop)
    except KeyboardInterrupt:
        pass
    click.echo("Stopped.")


@alerts_cli.command("test")
@needs_current_database
def test() -> None:
    """Send a test alert through every configured channel now and print what each answered.

    Exit 1 when a channel failed or none is configured. The test alert is kept (kind "test") with its attempts;
    it is not retried.
    """
    config = current_app.config
    found = _report_problems()
    names = channels.configured(config)
    if not names:
        click.echo("No alert channel is configured: set SCREENING_MAIL_SERVER and SCREENING_ALERT_EMAILS "
                   "(email), or SCREENING_ALERT_WEBHOOK_URL (webhook). See docs/alerts.md.")
        sys.exit(1)
    db = database.session()
    now = utcnow()
    alert = Alert(kind="test", urgent_count=0, created_at=now)
    # Claimed by this command until it has answered, so a deliverer running meanwhile leaves them alone.
    alert.deliveries = [Delivery(channel=name, status=outbox.PENDING, attempts=0, next_attempt_at=now,
                                 claimed_by="alerts test", claimed_until=now + outbox.LEASE) for name in names]
    db.add(alert)
    db.commit()
    body = message.build(alert, config.get("BASE_URL") or None)
    failed = 0
    for delivery in alert.deliveries:
        started = time.monotonic()
        ok, detail = channels.send(delivery.channel, config, body)
        elapsed = int((time.monotonic() - started) * 1000)
        outbox.record(db, delivery, ok, detail, elapsed, utcnow(), retry=False)
        failed += not ok
        click.echo(f"{channels.describe(delivery.channel, config)}: {'OK' if ok else 'FAILED'} - {detail} "
                   f"({elapsed} ms)")
    click.echo(f"Test alert {alert.id}: {len(names) - failed} of {len(names)} channel(s) answered OK"
               f"{'; fix the problems above' if found and failed else ''}.")
    record("alerts_test", detail=f"alert {alert.id}: {len(names) - failed} of {len(names)} channel(s) OK")
    if failed:
        sys.exit(1)
