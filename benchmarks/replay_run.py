"""One replay in a process of its own, so its peak memory is the replay's: prints seconds and peak RSS in MB.

    python benchmarks/replay_run.py DATABASE_URL RULES_FILE [--since YYYY-MM-DD]
"""
from __future__ import annotations

import resource
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from screening.records.replay import iter_lines, replay  # noqa: E402
from screening.rules.checker import check_file  # noqa: E402


def main() -> None:
    url, rules = sys.argv[1], sys.argv[2]
    since = date.fromisoformat(sys.argv[4]) if len(sys.argv) > 4 and sys.argv[3] == "--since" else None
    ruleset, problems = check_file(rules)
    assert ruleset is not None, problems
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    with Session(create_engine(url)) as db, open("/dev/null", "w") as sink:
        report = replay(db, ruleset, since=since)
        for line in iter_lines(report, rules):
            print(line, file=sink)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"{report.compared} {seconds:.2f} {peak / 1024:.1f} {(peak - before) / 1024:.1f} {len(report.changed)}")


if __name__ == "__main__":
    main()
