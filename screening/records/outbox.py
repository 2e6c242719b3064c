"""The alerts outbox: alerts written in the same transaction as what raised them, then sent by a deliverer.

    raise_for_submission   an Alert ("sent") with one pending Delivery per channel, in the Send's transaction
    mark_urgent            a draft holds an answer that alerts (urgent_since), or no longer does
    sweep_unsent           an Alert ("unsent") for each draft urgent for too long and never sent; once each
    claim                  due deliveries, each to one deliverer only (FOR UPDATE SKIP LOCKED on PostgreSQL,
                           a conditional UPDATE per row on SQLite)
    record                 one attempt's outcome, and the next try (exponential backoff) or giving up
    send_again             every delivery of an alert pending again now (the staff alerts page)
    due_count, newest      what is waiting, and the newest alerts with failing ones first

Nothing here knows about Flask or the channels' settings: callers pass channel names and `now`. Nothing here
holds patient data: an alert has a reference, a kind, a count and times; a draft is named by its id, which is
never shown or sent.
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import and_, case, exists, func, or_, select, update
from sqlalchemy.orm import Session, selectinload

from screening.clock import aware
from screening.questionnaire import QUESTIONNAIRE
from screening.records.drafts import DraftView
from screening.records.models import Alert, Delivery, DeliveryAttempt, Draft, Submission
from screening.rules.engine import evaluate
from screening.rules.model import RuleSet, Summary

# Backoff: 30 s after the first failure, doubling, at most an hour apart; given up once the alert is older
# than GIVE_UP_AFTER (so every delivery is tried for at least 24 hours: 33 tries over 26 hours).
FIRST_RETRY = timedelta(seconds=30)
LONGEST_WAIT = timedelta(hours=1)
GIVE_UP_AFTER = timedelta(hours=26)
# How long a claimed delivery is left to its deliverer: far longer than a send may take (10 s timeouts), so a
# deliverer that died mid-send has its deliveries taken over by another after this.
LEASE = timedelta(minutes=2)

PENDING, DELIVERED, FAILED = "pending", "delivered", "failed"
DETAIL_LENGTH = 500


def raise_for_submission(db: Session, submission: Submission, summary: Summary,
                         channels: Sequence[str]) -> Alert:
    """An alert for a submission whose summary alerts, added to the caller's transaction (not committed)."""
    alert = Alert(kind="sent", submission_reference=submission.reference, resume_hash=submission.resume_hash,
                  urgent_count=sum(t.severity == "urgent" for t in summary.topics),
                  created_at=submission.submitted_at)
    alert.deliveries = [Delivery(channel=c, status=PENDING, attempts=0, next_attempt_at=submission.submitted_at)
                        for c in channels]
    db.add(alert)
    return alert


def mark_urgent(draft: Draft | DraftView, alert: bool, now: datetime) -> bool:
    """Note when a draft first held answers that alert, or forget it when they no longer do, on the draft only:
    the caller saves it with the answers (screening.records.drafts.save). True when something changed."""
    if alert and draft.urgent_since is None:
        draft.urgent_since = now
        return True
    if not alert and draft.urgent_since is not None:
        draft.urgent_since = None
        return True
    return False


def sweep_unsent(db: Session, minutes: int, channels: Sequence[str], now: datetime,
                 ruleset: RuleSet | None = None) -> int:
    """Alert the clinic about each draft that has held an alerting answer for more than `minutes` without being
    sent, once: the draft's alerted_at is set by a conditional UPDATE, and only the sweeper whose UPDATE changed
    the row (rowcount 1) writes the alert, in the same commit. Several sweepers at once alert once.

    `ruleset` counts the draft's urgent topics for the alert; without it the count is 0. Returns the alerts made.
    """
    if not minutes or minutes <= 0:
        return 0
    cutoff = now - timedelta(minutes=minutes)
    # Checked again in the UPDATE: the patient may have changed the answer back, or sent, in between.
    due = (Draft.urgent_since.is_not(None), Draft.urgent_since < cutoff, Draft.alerted_at.is_(None),
           Draft.expires_at > now)
    candidates = db.execute(select(Draft.id).where(*due).order_by(Draft.urgent_since).limit(100)).scalars().all()
    db.rollback()  # read nothing stale below, and hold no read transaction open between drafts
    made = 0
    for draft_id in candidates:
        taken = db.execute(update(Draft).where(Draft.id == draft_id, *due)
                           .values(alerted_at=now).execution_options(synchronize_session=False)).rowcount
        if taken != 1:
            db.rollback()
            continue
        resume_hash, answers = db.execute(select(Draft.resume_hash, Draft.answers)
                                          .where(Draft.id == draft_id)).one()
        alert = Alert(kind="unsent", draft_id=draft_id, resume_hash=resume_hash,
                      urgent_count=_urgent_count(ruleset, answers), created_at=now)
        alert.deliveries = [Delivery(channel=c, status=PENDING, attempts=0, next_attempt_at=now) for c in channels]
        db.add(alert)
        db.commit()
        made += 1
    return made


def _urgent_count(ruleset: RuleSet | None, answers: dict | None) -> int:
    if ruleset is None:
        return 0
    try:
        summary = evaluate(ruleset, QUESTIONNAIRE.prune(answers or {}))
    except Exception:  # a count is a courtesy: the alert goes out whatever
        return 0
    return sum(t.severity == "urgent" for t in summary.topics)


def _due(now: datetime):
    return and_(Delivery.status == PENDING, Delivery.next_attempt_at <= now,
                or_(Delivery.claimed_until.is_(None), Delivery.claimed_until < now))


def claim(db: Session, worker_id: str, now: datetime, limit: int = 20,
          lease: timedelta = LEASE) -> list[Delivery]:
    """Take up to `limit` due deliveries for this worker until now + lease, committed. Each due delivery goes to
    one claimer only, however many deliverers run at once, on any number of machines."""
    until = now + lease
    due = select(Delivery.id).where(_due(now)).order_by(Delivery.next_attempt_at, Delivery.id).limit(limit)
    if db.get_bind().dialect.name == "postgresql":
        # Rows another deliverer has locked are skipped, not waited for; the update below is then ours alone.
        ids = db.execute(due.with_for_update(skip_locked=True)).scalars().all()
        if ids:
            db.execute(update(Delivery).where(Delivery.id.in_(ids))
                       .values(claimed_by=worker_id, claimed_until=until)
                       .execution_options(synchronize_session=False))
        db.commit()
    else:
        candidates = db.execute(due).scalars().all()
        db.rollback()
        ids = []
        for delivery_id in candidates:
            # One statement per row: SQLite runs it under its write lock, so of two deliverers after the same row
            # only the first changes it (rowcount 1); the other finds it claimed and leaves it.
            taken = db.execute(update(Delivery).where(Delivery.id == delivery_id, _due(now))
                               .values(claimed_by=worker_id, claimed_until=until)
                               .execution_options(synchronize_session=False)).rowcount
            db.commit()
            if taken == 1:
                ids.append(delivery_id)
    if not ids:
        return []
    return list(db.execute(select(Delivery).where(Delivery.id.in_(ids))
                           .options(selectinload(Delivery.alert)).order_by(Delivery.id)
                           .execution_options(populate_existing=True)).scalars())


def backoff(attempts: int) -> timedelta:
    """The wait after the `attempts`-th failed try: 30 s, 1 min, 2 min, 4 min, ... at most an hour."""
    return min(FIRST_RETRY * 2 ** min(max(attempts - 1, 0), 16), LONGEST_WAIT)


def record(db: Session, delivery: Delivery, ok: bool, detail: str, duration_ms: int, now: datetime, *,
           retry: bool = True) -> DeliveryAttempt:
    """Keep one attempt and release the claim: delivered, or pending again after the backoff, or failed once the
    alert is older than GIVE_UP_AFTER (or at once with retry=False). Committed.

    The delivery changes only if the claim is still this deliverer's: a send that outlasted its lease may have
    been claimed and sent by another deliverer meanwhile, whose outcome stands. The attempt is kept either way."""
    detail = (detail or "")[:DETAIL_LENGTH]
    mine = delivery.claimed_by
    attempt = DeliveryAttempt(delivery_id=delivery.id, at=now, ok=ok, detail=detail,
                              duration_ms=max(int(duration_ms), 0))
    db.add(attempt)
    attempts = (delivery.attempts or 0) + 1
    values: dict = {"attempts": attempts, "claimed_by": None, "claimed_until": None}
    if ok:
        values.update(status=DELIVERED, delivered_at=now, last_error=None)
    else:
        values["last_error"] = detail or "failed"
        if not retry or now - aware(delivery.alert.created_at) >= GIVE_UP_AFTER:
            values["status"] = FAILED
        else:
            values.update(status=PENDING, next_attempt_at=now + backoff(attempts))
    still_mine = Delivery.claimed_by.is_(None) if mine is None else Delivery.claimed_by == mine
    db.execute(update(Delivery).where(Delivery.id == delivery.id, still_mine).values(**values)
               .execution_options(synchronize_session=False))
    db.commit()
    db.refresh(delivery)
    return attempt


def send_again(db: Session, alert: Alert, now: datetime, channels: Sequence[str] = ()) -> int:
    """Every delivery of the alert pending again, due now, whatever it was (failed and delivered ones too), and
    one added for each channel in `channels` (those set up now) it has none for: an alert made while no channel
    was set up still reaches the clinic. Not committed: the caller commits it with its audit record. Returns the
    deliveries queued."""
    have = {d.channel for d in alert.deliveries}
    for channel in channels:
        if channel not in have:
            alert.deliveries.append(Delivery(channel=channel, status=PENDING, attempts=0, next_attempt_at=now))
    for delivery in alert.deliveries:
        delivery.status, delivery.next_attempt_at, delivery.delivered_at = PENDING, now, None
    return len(alert.deliveries)


def due_count(db: Session, now: datetime) -> int:
    return db.scalar(select(func.count()).select_from(Delivery).where(_due(now))) or 0


def is_failing(delivery: Delivery) -> bool:
    """Given up, or still being retried after an error: failing() below, for one delivery in hand."""
    return delivery.status == FAILED or (delivery.status == PENDING and bool(delivery.last_error))


def failing():
    """An alert some of whose deliveries gave up, or failed their last try and are not delivered yet."""
    return exists().where(Delivery.alert_id == Alert.id, or_(
        Delivery.status == FAILED, and_(Delivery.last_error.is_not(None), Delivery.status != DELIVERED)))


def newest(db: Session, limit: int = 50) -> list[Alert]:
    """The newest alerts, failing ones first, with their deliveries and attempts loaded."""
    return list(db.execute(
        select(Alert).options(selectinload(Alert.deliveries).selectinload(Delivery.tries))
        .order_by(case((failing(), 0), else_=1), Alert.created_at.desc(), Alert.id.desc()).limit(limit)).scalars())
