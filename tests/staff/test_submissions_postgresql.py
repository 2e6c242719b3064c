"""The clinicians' pages on PostgreSQL: the same code as on SQLite, on a throwaway cluster (the `postgres_url` fixture in tests/postgres.py).

Requirement (issue 2, section 1, for the issue 3 pages): a PostgreSQL URL takes over with no code change.
"""
import re

from tests.conftest import make_app
from tests.conftest import StaffAuth
from tests.staff.sheets import LONGEST, TYPICAL, store


def test_list_page_and_review_work_on_postgresql(postgres_url, tmp_path):
    app = make_app({"TESTING": True, "SECRET_KEY": "k", "WTF_CSRF_ENABLED": False, "DATABASE_URL": postgres_url},
                     instance_path=str(tmp_path / "instance"))
    typical, longest = store(app, TYPICAL), store(app, LONGEST)
    client = StaffAuth(app)(("clinician",))

    def listed(query: str) -> list[str]:
        response = client.get(f"/staff/submissions?{query}")
        assert response.status_code == 200
        return re.findall(r'href="/staff/submissions/(KS-[0-9A-Z-]{9})"', response.get_data(as_text=True))

    assert listed("") == [longest, typical]
    assert listed("severity=urgent") == [longest] and listed("severity=none") == []
    assert listed(f"reference={typical[3:].lower()}&from=2000-01-01&to=9999-12-31") == [typical]
    assert client.get(f"/staff/submissions/{longest}?print=1").status_code == 200
    assert client.post(f"/staff/submissions/{typical}/review").status_code == 303
    assert client.post(f"/staff/submissions/{typical}/review").status_code == 303
    assert listed("status=reviewed") == [typical] and listed("status=new&page=1") == [longest]
    assert client.get("/staff/submissions?page=2").status_code == 200
