"""The clinicians' pages on PostgreSQL: the same code as on SQLite, on a throwaway cluster (the `postgres_url` fixture in tests/postgres.py).

Requirement (issue 2, section 1, for the issue 3 pages): a PostgreSQL URL takes over with no code change.
Issue 8: "Find a patient" finds the same patients on PostgreSQL, in a database sorting text the C way (the
test cluster's) or a language's way (ICU en-US, as a clinic's server may), and its queries can read the
name_key, date of birth and record number indexes (checked with sequential scans turned off, as a tiny test
table would otherwise be read whole, rightly).
"""
import itertools
import re
from datetime import date

import psycopg
import pytest
from sqlalchemy import text

from screening.records import database
from screening.staff import submission_list
from tests.conftest import make_app
from tests.conftest import StaffAuth
from tests.staff.sheets import LONGEST, TYPICAL, store
from tests.staff.test_submission_list import add

_icu_databases = itertools.count(1)


def test_list_page_and_review_work_on_postgresql(postgres_url, tmp_path):
    app = make_app({"TESTING": True, "SECRET_KEY": "k", "WTF_CSRF_ENABLED": False, "DATABASE_URL": postgres_url},
                     instance_path=str(tmp_path / "instance"))
    typical, longest = store(app, TYPICAL), store(app, LONGEST)
    client = StaffAuth(app)(("clinician",))

    def listed(query: str) -> list[str]:
        response = client.get(f"/staff/submissions?{query}")
        assert response.status_code == 200
        table = response.get_data(as_text=True).split('class="table submissions-table"', 1)[-1]
        return re.findall(r'href="/staff/submissions/(KS-[0-9A-Z-]{9})"', table)

    assert listed("") == [longest, typical]
    assert listed("severity=urgent") == [longest] and listed("severity=none") == []
    assert listed(f"reference={typical[3:].lower()}&from=2000-01-01&to=9999-12-31") == [typical]
    assert client.get(f"/staff/submissions/{longest}?print=1").status_code == 200
    assert client.post(f"/staff/submissions/{typical}/review").status_code == 303
    assert client.post(f"/staff/submissions/{typical}/review").status_code == 303
    assert listed("status=reviewed") == [typical] and listed("status=new&page=1") == [longest]
    assert client.get("/staff/submissions?page=2").status_code == 200


def pg_app(url, tmp_path):
    return make_app({"TESTING": True, "SECRET_KEY": "k", "WTF_CSRF_ENABLED": False, "DATABASE_URL": url},
                    instance_path=str(tmp_path / "instance"))


PATIENTS = (
    {"first_name": "Ana María", "last_name": "Díaz-López", "date_of_birth": date(1990, 4, 2), "record_number": "MRN-0042"},
    {"first_name": "Eva", "last_name": "Diazmartin"},
    {"first_name": "Eva", "last_name": "Diba"},
    {"first_name": "Zoë", "last_name": "Szabo"},
    {},
)


def found_on(app, typed: str) -> set[str]:
    with app.app_context():
        db = database.session()
        list_filter = submission_list.resolve(db, submission_list.parse({"q": typed})[0])
        return {row.reference for row in submission_list.search(db, list_filter, 1).items}


def assert_finds_as_on_sqlite(app):
    ana, diazmartin, _diba, zoe, _old = add(app, *PATIENTS)
    assert found_on(app, "DÍAZ") == {ana, diazmartin} == found_on(app, "diaz")
    assert found_on(app, "ana d") == {ana} == found_on(app, "4/2/1990") == found_on(app, " MRN-0042 ")
    assert found_on(app, "zoe sz") == {zoe} and found_on(app, "iaz") == set()


def test_find_a_patient_works_on_postgresql(postgres_url, tmp_path):
    assert_finds_as_on_sqlite(pg_app(postgres_url, tmp_path))


@pytest.fixture
def icu_postgres_url(postgres_server):
    """A new database that sorts text as American English does (ICU), where punctuation such as '{' is
    skipped in comparisons: a prefix range ending 'dia{' would find no Diaz there."""
    name = f"screening_icu_{next(_icu_databases)}"
    with psycopg.connect(postgres_server.replace("+psycopg", "") + "/postgres", autocommit=True) as connection:
        connection.execute(f"CREATE DATABASE {name} TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US' "
                           "LOCALE 'C.UTF-8'")
    return f"{postgres_server}/{name}"


def test_find_a_patient_works_in_a_database_sorting_as_american_english(icu_postgres_url, tmp_path):
    assert_finds_as_on_sqlite(pg_app(icu_postgres_url, tmp_path))


SEARCHES = {"one name word": "diaz", "two name words": "ana d", "date of birth": "4/2/1990",
            "record number": "MRN-0042"}
INDEXES = {"one name word": "ix_name_key_key_submission", "two name words": "ix_name_key_key_submission",
           "date of birth": "ix_submission_birth_submitted", "record number": "ix_submission_record_submitted"}


@pytest.mark.parametrize("name", SEARCHES)
def test_find_a_patient_reads_an_index_on_postgresql(postgres_url, tmp_path, name):
    app = pg_app(postgres_url, tmp_path)
    add(app, *PATIENTS)
    with app.app_context():
        db = database.session()
        list_filter = submission_list.resolve(db, submission_list.parse({"q": SEARCHES[name]})[0])
        db.execute(text("SET enable_seqscan = off"))
        for query in (submission_list.count_query(list_filter), submission_list.ids_query(list_filter, 2)):
            sql = query.compile(db.get_bind(), compile_kwargs={"literal_binds": True})
            plan = "\n".join(row[0] for row in db.execute(text(f"EXPLAIN {sql}")))
            assert INDEXES[name] in plan and "Seq Scan" not in plan, plan
