"""A throwaway PostgreSQL 15 cluster for the tests that prove PostgreSQL takes over from SQLite.

Started once per test session in a temp folder as the postgres user; each test gets a database of its own.
"""
from __future__ import annotations

import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path
from typing import Iterator

import pytest

INITDB = shutil.which("initdb") or "/usr/lib/postgresql/15/bin/initdb"
PG_CTL = shutil.which("pg_ctl") or "/usr/lib/postgresql/15/bin/pg_ctl"
_names = itertools.count(1)


def _as_postgres(*args: str) -> None:
    command = list(args) if os.getuid() != 0 else ["runuser", "-u", "postgres", "--", *args]
    subprocess.run(command, check=True, capture_output=True)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """The server's URL prefix, postgresql+psycopg://postgres@127.0.0.1:PORT."""
    if not os.path.exists(INITDB):
        pytest.skip("PostgreSQL is not installed on this machine")
    pytest.importorskip("psycopg")
    # Not under pytest's own temp folder: that one is private to root, and the server runs as postgres.
    folder = Path(tempfile.mkdtemp(prefix="screening-pg-"))
    os.chmod(folder, 0o777)
    data, sockets = folder / "data", folder / "sock"
    sockets.mkdir()
    os.chmod(sockets, 0o777)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    _as_postgres(INITDB, "-D", str(data), "-U", "postgres", "--auth=trust")
    _as_postgres(PG_CTL, "-D", str(data), "-o", f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1",
                 "-l", str(folder / "log"), "-w", "start")
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}"
    finally:
        _as_postgres(PG_CTL, "-D", str(data), "-m", "immediate", "stop")
        shutil.rmtree(folder, ignore_errors=True)


def new_database(postgres_server: str) -> str:
    """A new, empty database on the session's cluster; its URL."""
    import psycopg

    name = f"screening_test_{next(_names)}"
    with psycopg.connect(postgres_server.replace("+psycopg", "") + "/postgres", autocommit=True) as connection:
        connection.execute(f"CREATE DATABASE {name}")
    return f"{postgres_server}/{name}"


@pytest.fixture
def postgres_url(postgres_server: str) -> str:
    """A new, empty database on the session's cluster."""
    return new_database(postgres_server)
