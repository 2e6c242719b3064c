"""Start-up: configuration from SCREENING_* variables, the secret key, refusing an invalid
rules file, noticing an edited one, and keeping patient data out of logs.

Requirement (issue 2, sections 1 and 3).
"""
import logging
import re
import time

import pytest

from tests.conftest import make_app
from screening.settings import ConfigError

from tests.conftest import ROOT, prepare_database
from tests.rules.test_checker import VALID


def make(tmp_path, **config):
    return make_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'a.sqlite3'}", **config},
                      instance_path=str(tmp_path / "instance"))


def test_production_without_a_secret_key_refuses_to_start(tmp_path):
    with pytest.raises(ConfigError, match="SCREENING_SECRET_KEY is not set"):
        make(tmp_path, ENV="production")


def test_secret_key_comes_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("SCREENING_SECRET_KEY", "from-env")
    assert make(tmp_path, ENV="production").secret_key == "from-env"


def test_development_makes_a_secret_key_once_and_keeps_it(tmp_path):
    first = make(tmp_path)
    second = make(tmp_path)
    assert first.secret_key == second.secret_key and len(first.secret_key) == 64


def test_database_url_defaults_to_sqlite_in_the_instance_folder(tmp_path):
    app = make_app({"TESTING": True, "SECRET_KEY": "k"}, instance_path=str(tmp_path / "instance"))
    assert app.config["DATABASE_URL"] == f"sqlite:///{app.instance_path}/screening.sqlite3"


def test_invalid_rules_file_refuses_to_start_and_prints_the_problems(tmp_path, capsys):
    bad = tmp_path / "rules.yaml"
    bad.write_text(VALID.replace("bp_systolic\n", "bp_sistolic\n"))
    with pytest.raises(ConfigError):
        make(tmp_path, SECRET_KEY="k", RULES_PATH=str(bad))
    assert f"{bad}:10:17: rule 'bp-very-high': unknown question id 'bp_sistolic'" in capsys.readouterr().err


@pytest.fixture
def live_rules(tmp_path):
    path = tmp_path / "rules.yaml"
    path.write_text(VALID)
    app = make(tmp_path, SECRET_KEY="k", RULES_PATH=str(path), RULES_RECHECK_SECONDS=0)
    return app, path


def edit(path, text):
    time.sleep(0.01)  # a new modification time, even on coarse clocks
    path.write_text(text)


def test_edited_rules_file_that_passes_is_used(live_rules):
    app, path = live_rules
    edit(path, VALID.replace('"t1"', '"t2"'))
    assert app.extensions["screening.rules"].current.version == "t2"


def test_edited_rules_file_that_fails_keeps_the_last_good_rules(live_rules):
    app, path = live_rules
    edit(path, VALID.replace("urgent", "urgnet"))
    assert app.extensions["screening.rules"].current.version == "t1"


def test_edited_rules_file_that_fails_is_logged_with_its_problems(live_rules, caplog):
    app, path = live_rules
    edit(path, VALID.replace("urgent", "urgnet"))
    with caplog.at_level(logging.ERROR):
        app.extensions["screening.rules"].current
    assert f"{path}:4:15: rule 'bp-very-high'" in caplog.text


def test_rejected_edit_problems_are_kept_for_staff(live_rules):
    app, path = live_rules
    edit(path, VALID.replace("urgent", "urgnet"))
    registry = app.extensions["screening.rules"]
    registry.current
    assert [p.line for p in registry.rejected] == [4]


def test_no_answer_appears_in_the_logs(patient, caplog):
    with caplog.at_level(logging.DEBUG):
        patient.complete({"brain_other": "zebra-migraine-7731", "bp_systolic": 217})
        patient.send()
    assert "zebra-migraine-7731" not in caplog.text and "217" not in caplog.text


def test_no_name_or_date_of_birth_appears_in_the_logs(patient, caplog):
    with caplog.at_level(logging.DEBUG):
        patient.complete({"first_name": "Quillon", "last_name": "Zaragoza-Ybarra", "date_of_birth": "1979-08-13",
                          "email": "quillon@example.com", "phone": "555-201-4477"})
        patient.send()
    assert not {"Quillon", "Zaragoza", "1979", "quillon@", "4477"} & set(re.findall(r"[\w@]+", caplog.text))


def test_the_development_servers_request_lines_drop_the_query_string(app):
    from screening.request_log import DropQueryStrings

    record = logging.LogRecord("werkzeug", logging.INFO, __file__, 1, '%s - - [%s] "%s" %s %s',
                               ("127.0.0.1", "now", "GET /staff/submissions?q=Zaragoza HTTP/1.1", "200", "-"), None)
    assert DropQueryStrings().filter(record) and "Zaragoza" not in record.getMessage()
    assert any(isinstance(f, DropQueryStrings) for f in logging.getLogger("werkzeug").filters)


def test_gunicorns_access_lines_carry_the_path_without_query_or_referrer():
    config = (ROOT / "gunicorn.conf.py").read_text()
    line = re.search(r"access_log_format = '(.*)'", config).group(1)
    assert "%(U)s" in line and not {"%(r)s", "%(q)s", "%(f)s"} & set(re.findall(r"%\(\w\)s", line))


def test_wsgi_module_exposes_the_app(monkeypatch, tmp_path):
    import importlib
    import sys
    monkeypatch.setenv("SCREENING_SECRET_KEY", "k")
    monkeypatch.setenv("SCREENING_ENV", "production")  # as wsgi.py would set it, but undone after this test
    monkeypatch.setenv("SCREENING_DATABASE_URL", f"sqlite:///{tmp_path / 'w.sqlite3'}")
    prepare_database(f"sqlite:///{tmp_path / 'w.sqlite3'}")
    monkeypatch.syspath_prepend(str(ROOT))
    sys.modules.pop("wsgi", None)
    assert importlib.import_module("wsgi").app.name == "screening"


def test_a_new_secret_key_signs_the_session_with_it(app):
    client = app.test_client()
    client.post("/start")
    assert client.get("/step/your-details").status_code == 200
    app.secret_key = "another-secret"
    # The cookie signed with the old key no longer opens the questionnaire.
    assert client.get("/step/your-details").status_code == 303
