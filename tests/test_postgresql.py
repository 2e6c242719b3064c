"""PostgreSQL takes over from SQLite with no code change: the whole patient path on a throwaway cluster.

Requirement (issue 2, section 1). The cluster is started here, in a temp folder, as the postgres user.
"""
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest

from screening import create_app

from tests.conftest import Patient

INITDB = shutil.which("initdb") or "/usr/lib/postgresql/15/bin/initdb"
PG_CTL = shutil.which("pg_ctl") or "/usr/lib/postgresql/15/bin/pg_ctl"

pytestmark = pytest.mark.skipif(not os.path.exists(INITDB), reason="PostgreSQL is not installed on this machine")


def as_postgres(*args):
    command = list(args) if os.getuid() != 0 else ["runuser", "-u", "postgres", "--", *args]
    subprocess.run(command, check=True, capture_output=True)


@pytest.fixture(scope="module")
def postgres_url():
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
    as_postgres(INITDB, "-D", str(data), "-U", "postgres", "--auth=trust")
    as_postgres(PG_CTL, "-D", str(data), "-o", f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1",
                "-l", str(folder / "log"), "-w", "start")
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        as_postgres(PG_CTL, "-D", str(data), "-m", "immediate", "stop")
        shutil.rmtree(folder, ignore_errors=True)


def test_patient_path_works_on_postgresql(postgres_url, tmp_path):
    app = create_app({"TESTING": True, "SECRET_KEY": "k", "WTF_CSRF_ENABLED": False, "DATABASE_URL": postgres_url},
                     instance_path=str(tmp_path / "instance"))
    patient = Patient(app.test_client())
    patient.complete({"bp_systolic": 185, "heart_attack": "yes", "heart_attack_when": "over_12_months"})
    summary = patient.client.get(patient.send().location).get_data(as_text=True)
    assert "KS-" in summary and "care-card-urgent" in summary
