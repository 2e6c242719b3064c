"""hello.py that also saves, as a step POST's draft save does: one UPDATE of a draft-sized JSON text by id and
its commit, in SQLite with WAL and synchronous=FULL (screening.records.database's settings), and nothing else.

The rate it reaches is the most any code could reach with durable saves on this disk: SQLite lets one writer
commit at a time, and each commit waits for the disk. benchmarks/run.py prints its ratio to hello beside the
step POST's, for comparison, not as a goal. The database is HELLO_SAVE_DATABASE, a file path.
"""
import json
import os
import sqlite3
import threading

from flask import Flask

app = Flask(__name__)
_local = threading.local()
ANSWERS = json.dumps({f"question_{n}": "no" for n in range(45)})


def _connection() -> sqlite3.Connection:
    if not hasattr(_local, "db"):
        db = sqlite3.connect(os.environ["HELLO_SAVE_DATABASE"], timeout=30, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=FULL")
        db.execute("CREATE TABLE IF NOT EXISTS draft (id TEXT PRIMARY KEY, answers TEXT, updated_at TEXT)")
        db.execute("INSERT OR IGNORE INTO draft VALUES ('one', '{}', '')")
        _local.db = db
    return _local.db


@app.route("/", methods=["GET", "POST"])
def hello():
    db = _connection()
    db.execute("BEGIN")
    db.execute("UPDATE draft SET answers = ?, updated_at = datetime('now') WHERE id = 'one'", (ANSWERS,))
    db.execute("COMMIT")
    return "Hello, World!"
