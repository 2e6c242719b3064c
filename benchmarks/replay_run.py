"""One replay in a process of its own, so its peak memory is the replay's: prints seconds and peak RSS in MB.

    python benchmarks/replay_run.py DATABASE_URL RULES_FILE [--since YYYY-MM-DD]

Prints: submissions compared, seconds, peak RSS of the replay with its workers, this process's growth over the
replay, submissions that would change, this process's peak, the largest worker's peak, workers. The peak with
workers is this process's plus the largest worker's times the number of workers (RUSAGE_CHILDREN gives only
the largest): an upper bound, since each forked worker's RSS also counts the pages it still shares with this one.
This process's peak is VmHWM, not RUSAGE_SELF: Linux carries ru_maxrss over exec, so that would be the peak of
whatever started this process (benchmarks/run.py, with 100,000 submissions just written), not the replay's.
"""
from __future__ import annotations

import resource
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy.orm import Session  # noqa: E402

from screening.records.database import make_engine  # noqa: E402
from screening.records.replay import default_workers, iter_lines, replay  # noqa: E402
from screening.rules.checker import check_file  # noqa: E402


def peak_rss_kb() -> int:
    """This process's peak resident set since it was exec'd, in KB."""
    try:
        with open("/proc/self/status") as status:
            return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def main() -> None:
    url, rules = sys.argv[1], sys.argv[2]
    since = date.fromisoformat(sys.argv[4]) if len(sys.argv) > 4 and sys.argv[3] == "--since" else None
    ruleset, problems = check_file(rules)
    assert ruleset is not None, problems
    before = peak_rss_kb()
    started = time.perf_counter()
    with Session(make_engine(url)) as db, open("/dev/null", "w") as sink:
        report = replay(db, ruleset, since=since)
        for line in iter_lines(report, rules):
            print(line, file=sink)
    seconds = time.perf_counter() - started
    peak = peak_rss_kb()
    # The workers have been joined when replay() returns, so their peaks are in RUSAGE_CHILDREN.
    worker = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    workers = default_workers() if worker else 0
    print(f"{report.compared} {seconds:.2f} {(peak + workers * worker) / 1024:.1f} {(peak - before) / 1024:.1f} "
          f"{len(report.changed)} {peak / 1024:.1f} {worker / 1024:.1f} {workers}")


if __name__ == "__main__":
    main()
