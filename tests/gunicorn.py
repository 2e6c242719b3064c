"""gunicorn with several workers on loopback, started from the project root as the README says, for the
tests where a race between workers is the point.

    with gunicorn_server(tmp_path, env) as server: ...   server.url, server.log(), server.pids_seen()

The access log carries each request's worker pid, so a test can tell that every worker served.
"""
from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest

ROOT = Path(__file__).resolve().parent.parent
BOOT_SECONDS = 60


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def screening_env(database_url: str, **settings: str) -> dict[str, str]:
    """The environment a clinic would set, and nothing of the test runner's SCREENING_* variables."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCREENING_")}
    env.update({"SCREENING_SECRET_KEY": "gunicorn-test-secret", "SCREENING_DATABASE_URL": database_url,
                "SCREENING_SESSION_COOKIE_SECURE": "false"})
    env.update({f"SCREENING_{k}": v for k, v in settings.items()})
    return env


def gunicorn_command(port: int, workers: int, access_log: Path) -> list[str]:
    return [sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{port}",
            "--access-logfile", str(access_log), "--access-logformat", "%(p)s %(s)s %(m)s %(U)s",
            "--graceful-timeout", "5", "wsgi:app"]


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    error_log: Path
    access_log: Path

    def log(self) -> str:
        return self.error_log.read_text(errors="replace")

    def pids_seen(self) -> set[str]:
        return {line.split()[0] for line in self.access_log.read_text().splitlines() if line.strip()}


def start(folder: Path, env: dict[str, str], workers: int = 4) -> Server:
    """Start gunicorn and wait until it answers; if it exits instead, return it anyway (the test looks why)."""
    port = free_port()
    folder.mkdir(parents=True, exist_ok=True)
    error_log, access_log = folder / f"gunicorn-{port}.log", folder / f"access-{port}.log"
    access_log.touch()
    with open(error_log, "wb") as errors:
        process = subprocess.Popen(gunicorn_command(port, workers, access_log), cwd=ROOT, env=env,
                                   stdout=errors, stderr=subprocess.STDOUT, start_new_session=True)
    server = Server(f"http://127.0.0.1:{port}", process, error_log, access_log)
    deadline = time.monotonic() + BOOT_SECONDS
    while time.monotonic() < deadline and process.poll() is None:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            return server
        time.sleep(0.1)
    return server


def stop(server: Server) -> None:
    if server.process.poll() is None:
        os.killpg(server.process.pid, signal.SIGTERM)
        try:
            server.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.process.pid, signal.SIGKILL)
            server.process.wait(timeout=10)


@contextlib.contextmanager
def gunicorn_server(folder: Path, env: dict[str, str], workers: int = 4) -> Iterator[Server]:
    pytest.importorskip("gunicorn")
    server = start(folder, env, workers)
    try:
        assert server.process.poll() is None, f"gunicorn did not start:\n{server.log()}"
        yield server
    finally:
        stop(server)


class Browser:
    """One visitor over real HTTP: its own cookies, the CSRF token read from the pages, redirects followed."""

    def __init__(self, base_url: str):
        import http.cookiejar
        import urllib.request

        self.base_url = base_url
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        self.token = ""

    def request(self, path: str, data: dict | None = None) -> tuple[int, str]:
        import re
        import urllib.error
        import urllib.parse

        body = None
        if data is not None:
            body = urllib.parse.urlencode({**data, "csrf_token": self.token}, doseq=True).encode()
        try:
            with self.opener.open(self.base_url + path, body, timeout=60) as response:
                status, html = response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            status, html = error.code, error.read().decode()
        found = re.search(r'name="csrf_token" value="([^"]+)"', html)
        if found:
            self.token = found.group(1)
        return status, html

    def get(self, path: str) -> tuple[int, str]:
        return self.request(path)

    def post(self, path: str, data: dict) -> tuple[int, str]:
        return self.request(path, data)
