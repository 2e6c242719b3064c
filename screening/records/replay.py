"""Replay stored submissions against a rules file before it goes live, and verify past summaries.

Every submission keeps the answers it was sent with, the topics its summary showed and the sha256
of the rules text that made them (the text itself is in RulesVersion). So:

- `replay` re-evaluates each stored submission's answers with new rules and compares the topics with
  the stored ones: which topics would appear (+), disappear (-) or change tier (~ old→new), per
  submission and in totals per rule;
- `verify` re-evaluates each one with its own stored rules text and checks that the summary comes
  out exactly as stored. A difference there is a reproducibility bug: the same answers and the same
  rules must always make the same summary.

The ids of the selected submissions are read oldest first and cut into batches; each batch is read with only
the columns needed, the JSON as text, decoded one submission at a time (a whole batch of decoded answers and
topics alive at once makes Python's cyclic garbage collector walk them again and again), and evaluated with the
compiled engine. With more than one batch and more than one CPU, batches are evaluated in worker processes
(forked, so each has the compiled rules without checking them again; each opens its own read-only connection),
a bounded number in flight, and their results are merged in the order of the ids, so the report is the same
with any number of workers. The submissions that would change are written to a temporary file as they are
merged, not kept in a list, so memory stays flat however many there are; the report then streams from it
(`iter_lines`). Nothing here imports Flask; `rules replay` in screening/commands.py prints `iter_lines()` line
by line.
"""
from __future__ import annotations

import json
import multiprocessing
import os
import tempfile
from collections import Counter, deque
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timezone
from multiprocessing import util
from typing import Any, Iterable, Iterator, Mapping, Sequence

import orjson
from sqlalchemy import Connection, Engine, Text, cast, event, func, select
from sqlalchemy.orm import Session

from screening.clock import age_day
from screening.questionnaire import QUESTIONNAIRE, Questionnaire
from screening.records.database import make_engine
from screening.records.models import RulesVersion, Submission
from screening.rules.checker import check_text, sha256
from screening.rules.engine import evaluate, shown_severities
from screening.rules.model import RuleSet, Topic

APPEAR, DISAPPEAR, CHANGE_TIER = "+", "-", "~"
_KIND_ORDER = {APPEAR: 0, DISAPPEAR: 1, CHANGE_TIER: 2}
BATCH_SIZE = 1000
# More would only wait on each other for the database and the machine's other work; each is a copy of this process.
MAX_WORKERS = 4


@dataclass(frozen=True)
class Change:
    kind: str  # APPEAR, DISAPPEAR or CHANGE_TIER
    rule_id: str
    old: str | None  # the tier (severity) before, None for a topic that appears
    new: str | None  # the tier after, None for a topic that disappears

    def __str__(self) -> str:
        if self.kind == APPEAR:
            return f"+ {self.rule_id} ({self.new})"
        if self.kind == DISAPPEAR:
            return f"- {self.rule_id} ({self.old})"
        return f"~ {self.rule_id} ({self.old}→{self.new})"


@dataclass(frozen=True)
class Changed:
    reference: str
    submitted_at: datetime
    rules_version: str
    changes: tuple[Change, ...]


@dataclass
class RuleTotals:
    appear: int = 0
    disappear: int = 0
    change_tier: int = 0

    def add(self, change: Change) -> None:
        if change.kind == APPEAR:
            self.appear += 1
        elif change.kind == DISAPPEAR:
            self.disappear += 1
        else:
            self.change_tier += 1


@dataclass(frozen=True)
class Mismatch:
    """A stored summary that its own rules text does not make again."""

    reference: str
    rules_version: str
    rules_sha256: str
    reason: str


@dataclass(frozen=True)
class Unverifiable:
    """A stored rules version that cannot be run today, so its submissions cannot be verified."""

    label: str
    sha256: str
    reason: str
    submissions: int


class ChangedLog:
    """The submissions that would change, in a temporary file: appended as found, read back in the same order."""

    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile("w+", encoding="utf-8")
        self._count = 0

    def append(self, changed: Changed) -> None:
        self._file.write(json.dumps([changed.reference, changed.submitted_at.isoformat(), changed.rules_version,
                                     [[c.kind, c.rule_id, c.old, c.new] for c in changed.changes]]) + "\n")
        self._count += 1

    def __len__(self) -> int:
        return self._count

    def __bool__(self) -> bool:
        return self._count > 0

    def __iter__(self) -> Iterator[Changed]:
        self._file.flush()
        self._file.seek(0)
        for line in self._file:
            reference, submitted_at, version, changes = json.loads(line)
            yield Changed(reference, datetime.fromisoformat(submitted_at), version,
                          tuple(Change(*c) for c in changes))
        self._file.seek(0, 2)

    def close(self) -> None:
        self._file.close()


@dataclass
class Report:
    new: RuleSet | None
    since: date | None
    verify: bool
    compared: int = 0
    changed: ChangedLog = field(default_factory=ChangedLog)
    totals: dict[str, RuleTotals] = field(default_factory=dict)
    made_with: Counter = field(default_factory=Counter)
    verified: int = 0
    mismatches: list[Mismatch] = field(default_factory=list)
    unverifiable: dict[str, Unverifiable] = field(default_factory=dict)

    @property
    def reproducible(self) -> bool:
        return not self.mismatches and not self.unverifiable


def compare(stored: Sequence[dict[str, Any]], topics: Iterable[Topic] | Mapping[str, str]) -> tuple[Change, ...]:
    """How `topics` (or a mapping of rule id to tier) differ from the stored topics, by rule id and tier; sorted
    +, -, ~ then by rule id."""
    before = {t["id"]: t["severity"] for t in stored}
    after = topics if isinstance(topics, Mapping) else {t.id: t.severity for t in topics}
    if before == after:
        return ()  # most submissions of a replay: nothing to list or sort
    changes = [Change(APPEAR, r, None, after[r]) for r in after if r not in before]
    changes += [Change(DISAPPEAR, r, before[r], None) for r in before if r not in after]
    changes += [Change(CHANGE_TIER, r, before[r], after[r]) for r in after if r in before and before[r] != after[r]]
    return tuple(sorted(changes, key=lambda c: (_KIND_ORDER[c.kind], c.rule_id)))


def _plain(value: Any) -> Any:
    """As the JSON column hands it back, so stored and re-made summaries compare like for like."""
    return json.loads(json.dumps(value))


def _why_not_exact(stored: list[dict[str, Any]], remade: list[dict[str, Any]]) -> str:
    changes = compare(stored, [Topic(t["id"], t["severity"], "", "", "", "") for t in remade])
    if changes:
        return "topics differ: " + ", ".join(map(str, changes))
    before = {t["id"]: t for t in stored}
    fields = []
    for topic in remade:
        differ = sorted(k for k in set(topic) | set(before[topic["id"]]) if topic.get(k) != before[topic["id"]].get(k))
        if differ:
            fields.append(f"{topic['id']} ({', '.join(differ)})")
    if fields:
        return "same topics, but these differ: " + "; ".join(fields)
    return "same topics, in a different order"


def default_workers() -> int:
    """Worker processes a replay uses when not told: one per CPU this process may run on, at most MAX_WORKERS."""
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(MAX_WORKERS, usable))


def replay(db: Session, new: RuleSet | None, *, since: date | None = None, verify: bool = False,
           questionnaire: Questionnaire = QUESTIONNAIRE, batch_size: int | None = None,
           workers: int | None = None) -> Report:
    """Compare every stored submission (submitted on or after `since`) with `new`, and/or verify it.

    Submissions are read oldest first (then by id), so the report is the same every time, in batches of
    `batch_size` (BATCH_SIZE when not given) and with any number of `workers` (default_workers() when not given;
    1 evaluates in this process).
    """
    batch_size = batch_size or BATCH_SIZE
    workers = default_workers() if workers is None else workers
    if workers < 1:
        raise ValueError(f"workers must be 1 or more, not {workers}")
    report = Report(new, since, verify)
    where = []
    if since is not None:
        where.append(Submission.submitted_at >= datetime.combine(since, time.min, timezone.utc))
    job = _Job(new, verify, _own_rules(db, where, questionnaire) if verify else {}, questionnaire)
    ordered = select(Submission.id).where(*where).order_by(Submission.submitted_at, Submission.id)
    if workers > 1 and (not _can_fork() or _in_memory(db.get_bind())
                        or db.scalar(select(func.count()).select_from(ordered.subquery())) <= batch_size):
        workers = 1

    def ids() -> Iterator[Sequence[int]]:
        # Read only once the workers exist (_evaluated): nothing of this process's holds the database when it forks.
        yield from db.execute(ordered.execution_options(yield_per=batch_size)).scalars().partitions()

    for batch in _evaluated(db, job, ids(), workers):
        _merge(report, job, batch)
    return report


@dataclass(frozen=True)
class _Job:
    """What every batch is evaluated with; worker processes inherit it through fork (compiled rules do not pickle)."""

    new: RuleSet | None
    verify: bool
    own: dict[str, RuleSet | Unverifiable]
    questionnaire: Questionnaire


@dataclass
class _Batch:
    """One batch's part of the report, in the order of its ids."""

    compared: int = 0
    made_with: Counter = field(default_factory=Counter)
    changed: list[Changed] = field(default_factory=list)
    verified: int = 0
    mismatches: list[Mismatch] = field(default_factory=list)
    unverifiable: dict[str, tuple[str, int]] = field(default_factory=dict)  # sha256: (first version label, count)


# The JSON as text, decoded one submission at a time in _evaluate.
_ROWS = select(Submission.id, Submission.reference, Submission.submitted_at, cast(Submission.answers, Text),
               cast(Submission.topics, Text), Submission.rules_version, Submission.rules_sha256)


def _evaluate(connection: Connection, ids: list[int], job: _Job) -> _Batch:
    found = {row[0]: row for row in connection.execute(_ROWS.where(Submission.id.in_(ids)))}
    batch = _Batch()
    new, questionnaire = job.new, job.questionnaire
    for row_id in ids:
        row = found.pop(row_id, None)
        if row is None:
            continue  # deleted (a purge) since its id was read
        _, reference, submitted_at, answers, topics, version, sha = row
        answers, topics, sent_on = orjson.loads(answers), orjson.loads(topics), age_day(submitted_at)
        batch.compared += 1
        batch.made_with[version] += 1
        if new is not None:
            # Only the ids and tiers are compared, so no topic text is filled in.
            changes = compare(topics, shown_severities(new, answers, questionnaire, as_of=sent_on))
            if changes:
                batch.changed.append(Changed(reference, submitted_at, version, changes))
        if job.verify:
            _verify_one(batch, job.own, reference, answers, topics, version, sha, questionnaire, sent_on)
    return batch


def _merge(report: Report, job: _Job, batch: _Batch) -> None:
    report.compared += batch.compared
    report.made_with.update(batch.made_with)
    for changed in batch.changed:
        report.changed.append(changed)
        for change in changed.changes:
            report.totals.setdefault(change.rule_id, RuleTotals()).add(change)
    report.verified += batch.verified
    report.mismatches.extend(batch.mismatches)
    for sha, (version, count) in batch.unverifiable.items():
        known = job.own.get(sha) or Unverifiable(version, sha, "its rules text is not stored", 0)
        seen = report.unverifiable.get(sha, known)
        report.unverifiable[sha] = replace(seen, submissions=seen.submissions + count)


def _evaluated(db: Session, job: _Job, batches: Iterable[list[int]], workers: int) -> Iterator[_Batch]:
    """Each batch of ids evaluated, in order: in this process, or spread over `workers` processes."""
    if workers == 1:
        connection = db.connection()
        for ids in batches:
            yield _evaluate(connection, ids, job)
        return
    # This process goes on reading ids; each worker reads its batches' rows on a connection of its own. SQLite
    # keeps its locks per process and a fork does not carry them: no transaction of this process may be open
    # when the workers are forked, which a fork-started pool does all at once on its first task.
    bind = db.get_bind()
    db.rollback()
    url = bind.url.render_as_string(hide_password=False)
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"),
                               initializer=_start_worker, initargs=(url, job, bind))
    try:
        pool.submit(int).result()
        in_flight: deque[Future] = deque()
        for ids in batches:
            in_flight.append(pool.submit(_evaluate_in_worker, ids))
            # Enough waiting to keep every worker busy, never the whole replay: memory stays flat.
            if len(in_flight) >= 2 * workers:
                yield in_flight.popleft().result()
        while in_flight:
            yield in_flight.popleft().result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def _in_memory(bind: Engine) -> bool:
    return bind.dialect.name == "sqlite" and bind.url.database in (None, "", ":memory:")


_worker: tuple[Connection, _Job] | None = None  # in a worker process: its connection and what it evaluates with


def _start_worker(url: str, job: _Job, parent: Engine) -> None:
    global _worker
    # The parent's pooled connections are the parent's: forgotten here, never closed (SQLAlchemy's advice on fork).
    parent.dispose(close=False)
    engine = read_only_engine(url)
    connection = engine.connect()
    _worker = (connection, job)
    # A worker leaves by os._exit, which skips atexit; multiprocessing's own finalizers still run.
    util.Finalize(None, _stop_worker, args=(connection, engine), exitpriority=10)


def _stop_worker(connection: Connection, engine: Engine) -> None:
    connection.close()
    engine.dispose()


def _evaluate_in_worker(ids: list[int]) -> _Batch:
    connection, job = _worker
    return _evaluate(connection, ids, job)


def read_only_engine(url: str) -> Engine:
    """make_engine(url), every connection of it refusing to write: a replay only reads."""
    engine = make_engine(url)

    @event.listens_for(engine, "connect")
    def _read_only(connection, _record):
        cursor = connection.cursor()
        if engine.dialect.name == "sqlite":
            cursor.execute("PRAGMA query_only=ON")
        else:
            cursor.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
            connection.commit()
        cursor.close()

    return engine


def _own_rules(db: Session, where: list, questionnaire: Questionnaire) -> dict[str, RuleSet | Unverifiable]:
    """Every rules version the selected submissions were made with, checked again: a RuleSet, or why not."""
    used = select(Submission.rules_sha256).where(*where).distinct()
    result: dict[str, RuleSet | Unverifiable] = {}
    for version in db.scalars(select(RulesVersion).where(RulesVersion.sha256.in_(used))):
        if sha256(version.text) != version.sha256:
            result[version.sha256] = Unverifiable(version.label, version.sha256,
                                                  "its stored text does not match its sha256", 0)
            continue
        ruleset, problems = check_text(version.text, f"rules version {version.label}", questionnaire)
        if ruleset is None:
            result[version.sha256] = Unverifiable(
                version.label, version.sha256,
                f"it no longer passes the check against today's questionnaire ({len(problems)} problem(s); "
                f"first: {problems[0]})", 0)
        else:
            result[version.sha256] = ruleset
    return result


def _verify_one(batch: _Batch, own: dict[str, RuleSet | Unverifiable], reference: str, answers: dict,
                topics: list[dict[str, Any]], version: str, sha: str, questionnaire: Questionnaire,
                sent_on: date) -> None:
    ruleset = own.get(sha)
    if not isinstance(ruleset, RuleSet):
        label, count = batch.unverifiable.get(sha, (version, 0))
        batch.unverifiable[sha] = (label, count + 1)
        return
    remade = _plain([t.as_dict() for t in evaluate(ruleset, answers, questionnaire, as_of=sent_on).topics])
    stored = _plain(topics)
    batch.verified += 1
    if remade != stored:
        batch.mismatches.append(Mismatch(reference, version, sha, _why_not_exact(stored, remade)))


# -- the printed report --------------------------------------------------------------------------

def _when(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC")  # stored in UTC; SQLite hands it back without a zone


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def lines(report: Report, new_path: str | None = None) -> list[str]:
    """The report as text: per submission, totals per rule, counts; then the verification."""
    return list(iter_lines(report, new_path))


def iter_lines(report: Report, new_path: str | None = None) -> Iterator[str]:
    """lines(), one at a time, reading the submissions that would change from the report's file."""
    out = _Out()
    scope = f"submitted on or after {report.since.isoformat()}" if report.since else "all stored submissions"
    made_with = ", ".join(f"{label} ({count})" for label, count in sorted(report.made_with.items()))
    if report.new is not None:
        new = report.new
        out.append(f"Replay of {new_path or 'the new rules'}: version {new.version}, sha256 {new.sha256[:12]}")
        out.append(f"Submissions: {scope}; {report.compared} compared"
                   + (f", their summaries made with rules version {made_with}" if made_with else ""))
        out.append("")
        if report.changed:
            out.append(f"{_plural(len(report.changed), 'submission')} would change "
                       "(+ topic appears, - disappears, ~ changes tier):")
            yield from out.flush()
            for changed in report.changed:
                yield ""
                yield (f"{changed.reference}  submitted {_when(changed.submitted_at)}  "
                       f"(made with {changed.rules_version})")
                yield from (f"  {change}" for change in changed.changes)
            out.append("")
            out.extend(_totals_table(report.totals))
        else:
            out.append("No submission would change.")
        out.append("")
        out.append(f"Compared {_plural(report.compared, 'submission')}: {len(report.changed)} would change, "
                   f"{report.compared - len(report.changed)} would stay the same.")
    if report.verify:
        if out.any:
            out.append("")
        out.extend(_verify_lines(report, scope))
    yield from out.flush()


class _Out:
    """Lines waiting to be yielded, and whether any line came before."""

    def __init__(self) -> None:
        self.waiting: list[str] = []
        self.any = False

    def append(self, line: str) -> None:
        self.waiting.append(line)
        self.any = True

    def extend(self, lines: Iterable[str]) -> None:
        for line in lines:
            self.append(line)

    def flush(self) -> Iterator[str]:
        waiting, self.waiting = self.waiting, []
        yield from waiting


def _totals_table(totals: dict[str, RuleTotals]) -> list[str]:
    rows = [(rule_id, totals[rule_id]) for rule_id in sorted(totals)]
    width = max([len("rule"), len("total")] + [len(r) for r, _ in rows])
    head = f"  {'rule':<{width}}  {'appear':>6}  {'disappear':>9}  {'change tier':>11}"
    out = ["Totals per rule:", head]
    for rule_id, t in rows:
        out.append(f"  {rule_id:<{width}}  {t.appear:>6}  {t.disappear:>9}  {t.change_tier:>11}")
    out.append(f"  {'total':<{width}}  {sum(t.appear for _, t in rows):>6}  "
               f"{sum(t.disappear for _, t in rows):>9}  {sum(t.change_tier for _, t in rows):>11}")
    return out


def _verify_lines(report: Report, scope: str) -> list[str]:
    out = [f"Verify ({scope}): each summary made again with its own stored rules text."]
    if report.mismatches:
        count = len(report.mismatches)
        out.append(f"{count} {'summary' if count == 1 else 'summaries'} of {report.verified} do NOT reproduce "
                   "(a reproducibility bug: report it):")
        for m in report.mismatches:
            out.append(f"  {m.reference}  rules {m.rules_version} (sha256 {m.rules_sha256[:12]}): {m.reason}")
    for u in sorted(report.unverifiable.values(), key=lambda u: (u.label, u.sha256)):
        out.append(f"  rules {u.label} (sha256 {u.sha256[:12]}): {_plural(u.submissions, 'submission')} "
                   f"not verified: {u.reason}")
    if report.reproducible:
        out.append(f"All {report.verified} summaries reproduce exactly.")
    else:
        out.append(f"{report.verified - len(report.mismatches)} of {report.compared} summaries reproduce exactly.")
    return out


def audit_detail(report: Report) -> str:
    """What the audit trail keeps of a replay: versions and counts, never a reference or an answer."""
    parts = []
    if report.new is not None:
        parts.append(f"new rules version {report.new.version} (sha256 {report.new.sha256[:12]})")
    if report.since:
        parts.append(f"since {report.since.isoformat()}")
    parts.append(f"{report.compared} compared")
    if report.new is not None:
        parts.append(f"{len(report.changed)} would change")
    if report.verify:
        parts.append(f"verify: {len(report.mismatches)} mismatch(es), "
                     f"{sum(u.submissions for u in report.unverifiable.values())} not verifiable")
    return "; ".join(parts)
