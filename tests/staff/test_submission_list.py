"""The submissions list without HTTP: typed filters, one page of rows, and the indexes the queries use.

Requirement (issue 3, Submissions): newest first, paginated, filter by status, by highest severity and by date,
search by reference code; fast with 100,000 submissions, because every list query reads an index
(tests/perf/measure_submission_list.py measures it). Bad input: tampered page numbers, filters and dates give
a clear message (BadFilter), never an error.
"""
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import text

from screening.records import database
from screening.records.models import RulesVersion, Submission
from screening.staff.submission_list import (
    PAGE_SIZE,
    BadFilter,
    ListFilter,
    count_query,
    ids_query,
    normalise_reference,
    parse,
    rows_query,
    search,
)

T0 = datetime(2026, 3, 10, 9, 30, tzinfo=timezone.utc)


def add(app, *specs: dict) -> list[str]:
    """Store submissions straight to the table: {'at': datetime, 'status': ..., 'severity': ...}; returns references."""
    with app.app_context():
        db = database.session()
        if db.get(RulesVersion, "0" * 64) is None:
            db.add(RulesVersion(sha256="0" * 64, label="test", text="version: test"))
        references = []
        for spec in specs:
            number = db.query(Submission).count() + 1
            reference = spec.get("reference") or f"KS-{number:04d}-TEST"
            severity = spec.get("severity")
            db.add(Submission(reference=reference, submitted_at=spec.get("at", T0), started_at=spec.get("at", T0),
                              answers={}, topics=[], rules_version="test", rules_sha256="0" * 64,
                              highest_severity=severity, urgent_count=int(severity == "urgent"),
                              discuss_count=int(severity == "discuss"), mention_count=int(severity == "mention"),
                              status=spec.get("status", "new")))
            db.flush()
            references.append(reference)
        db.commit()
        return references


def run(app, list_filter=ListFilter(), page=1):
    with app.app_context():
        return search(database.session(), list_filter, page)


# -- references ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("typed", ["KS-7Q2M-X4KD", "ks-7q2m-x4kd", "7Q2M-X4KD", "7q2mx4kd", " KS 7Q2M X4KD ",
                                   "ks7q2mx4kd", "KS-7Q2M-X4K-D"])
def test_reference_is_found_whatever_the_case_spaces_hyphens_or_prefix(typed):
    assert normalise_reference(typed) == "KS-7Q2M-X4KD"


def test_reference_reads_o_i_and_l_as_digits():
    assert normalise_reference("KS-7QOM-X4KI") == "KS-7Q0M-X4K1"


@pytest.mark.parametrize("typed", ["", "KS-", "KS-7Q2M", "7Q2M-X4KD-9", "KS-7Q2M-X4KU", "<script>", "KS-7Q2M-X4K!"])
def test_reference_that_cannot_be_one_is_refused(typed):
    assert normalise_reference(typed) is None


# -- parsing what was typed -----------------------------------------------------------------------------

def test_no_arguments_is_no_filter_on_page_one():
    assert parse({}) == (ListFilter(), 1)


def test_every_filter_is_read():
    list_filter, page = parse({"status": "reviewed", "severity": "URGENT", "from": "2026-01-01", "to": "2026-01-31",
                               "reference": "7q2m x4kd", "page": "3"})
    assert list_filter == ListFilter("reviewed", "urgent", date(2026, 1, 1), date(2026, 1, 31), "KS-7Q2M-X4KD")
    assert page == 3


def test_filter_gives_back_its_own_query_arguments():
    list_filter = ListFilter("new", "none", date(2026, 1, 1), None, "KS-7Q2M-X4KD")
    assert parse(list_filter.as_args())[0] == list_filter


@pytest.mark.parametrize("page", ["-1", "0", "abc", "1.5", "1e3", "²", "١", "99999999999999999999", "1000001"])
def test_tampered_page_number_is_refused_with_a_message(page):
    with pytest.raises(BadFilter) as refused:
        parse({"page": page})
    assert refused.value.problems == ["The page number must be a whole number from 1 to 1,000,000"]


@pytest.mark.parametrize("typed", ["2026-13-45", "2026-02-30", "yesterday", "2026-1-5", "20260105", "2026-W01-1",
                                   "0000-01-01"])
def test_date_that_is_not_a_real_day_is_refused_with_a_message(typed):
    with pytest.raises(BadFilter) as refused:
        parse({"from": typed})
    assert refused.value.problems == ["Enter the 'from' date as a real date, year-month-day, like 2026-03-31"]


def test_from_date_after_to_date_is_refused():
    with pytest.raises(BadFilter) as refused:
        parse({"from": "2026-02-01", "to": "2026-01-01"})
    assert refused.value.problems == ["The 'from' date must be on or before the 'to' date"]


@pytest.mark.parametrize("key, value", [("status", "deleted"), ("severity", "bogus"), ("severity", "critical"),
                                        ("reference", "KS-12"), ("reference", "12345678901")])
def test_unknown_status_severity_or_reference_is_refused(key, value):
    with pytest.raises(BadFilter):
        parse({key: value})


def test_every_problem_is_reported_at_once():
    with pytest.raises(BadFilter) as refused:
        parse({"status": "x", "severity": "x", "from": "x", "to": "x", "reference": "x", "page": "x"})
    assert len(refused.value.problems) == 6


# -- one page of rows -------------------------------------------------------------------------------------

def test_newest_first_and_same_moment_by_latest_stored(app):
    older, newer, same_time_later = add(app, {"at": T0}, {"at": T0 + timedelta(days=1)}, {"at": T0})
    assert [r.reference for r in run(app).items] == [newer, same_time_later, older]


def test_pages_hold_25_rows_and_the_total(app):
    add(app, *({"at": T0 + timedelta(minutes=i)} for i in range(PAGE_SIZE + 3)))
    first, second = run(app), run(app, page=2)
    assert (len(first.items), len(second.items), first.total, first.pages) == (25, 3, 28, 2)
    assert first.has_next and not first.has_previous and second.has_previous and not second.has_next
    assert (second.first_shown, second.last_shown) == (26, 28)
    assert {r.reference for r in first.items}.isdisjoint({r.reference for r in second.items})


def test_page_past_the_end_is_empty_but_keeps_the_total(app):
    add(app, {}, {})
    result = run(app, page=5)
    assert (result.items, result.total, result.pages) == ([], 2, 1)


def test_status_filter(app):
    new, reviewed = add(app, {"status": "new"}, {"status": "reviewed"})
    assert [r.reference for r in run(app, ListFilter(status="reviewed")).items] == [reviewed]
    assert [r.reference for r in run(app, ListFilter(status="new")).items] == [new]


def test_severity_filter_and_none_for_no_topics(app):
    urgent, discuss, mention, nothing = add(app, {"severity": "urgent"}, {"severity": "discuss"},
                                            {"severity": "mention"}, {"severity": None})
    for severity, expected in (("urgent", urgent), ("discuss", discuss), ("mention", mention), ("none", nothing)):
        assert [r.reference for r in run(app, ListFilter(severity=severity)).items] == [expected]


def test_date_range_includes_both_days_whole(app):
    day = date(2026, 3, 10)
    before, first, last, after = add(
        app, {"at": datetime(2026, 3, 9, 23, 59, 59, 999999, tzinfo=timezone.utc)},
        {"at": datetime(2026, 3, 10, 0, 0, tzinfo=timezone.utc)},
        {"at": datetime(2026, 3, 11, 23, 59, 59, 999999, tzinfo=timezone.utc)},
        {"at": datetime(2026, 3, 12, 0, 0, tzinfo=timezone.utc)})
    result = run(app, ListFilter(start=day, end=day + timedelta(days=1)))
    assert [r.reference for r in result.items] == [last, first]


def test_date_range_at_the_ends_of_the_calendar_does_not_fail(app):
    add(app, {})
    assert run(app, ListFilter(start=date(1, 1, 1), end=date(9999, 12, 31))).total == 1


def test_reference_search_finds_exactly_one(app):
    wanted, _other = add(app, {"reference": "KS-7Q2M-X4KD"}, {"reference": "KS-7Q2M-X4KE"})
    assert [r.reference for r in run(app, parse({"reference": "7q2m x4kd"})[0]).items] == [wanted]


def test_filters_combine(app):
    add(app, {"status": "new", "severity": "urgent"}, {"status": "reviewed", "severity": "urgent"},
        {"status": "new", "severity": "mention"})
    result = run(app, ListFilter(status="new", severity="urgent"))
    assert [(r.status, r.highest_severity) for r in result.items] == [("new", "urgent")]


# -- the queries use indexes --------------------------------------------------------------------------------

FILTERS = {
    "none": ListFilter(),
    "status": ListFilter(status="new"),
    "severity": ListFilter(severity="urgent"),
    "no topics": ListFilter(severity="none"),
    "status and severity": ListFilter(status="reviewed", severity="discuss"),
    "dates": ListFilter(start=date(2026, 1, 1), end=date(2026, 1, 31)),
    "status and dates": ListFilter(status="new", start=date(2026, 1, 1)),
    "severity and dates": ListFilter(severity="mention", end=date(2026, 1, 31)),
    "everything": ListFilter("new", "urgent", date(2026, 1, 1), date(2026, 1, 31)),
    "reference": ListFilter(reference="KS-7Q2M-X4KD"),
}


def query_plan(app, query) -> list[str]:
    with app.app_context():
        db = database.session()
        sql = query.compile(db.get_bind(), compile_kwargs={"literal_binds": True})
        return [row[-1] for row in db.execute(text(f"EXPLAIN QUERY PLAN {sql}"))]


@pytest.mark.parametrize("name", FILTERS)
def test_count_and_page_queries_read_an_index_and_never_sort(app, name):
    for query in (count_query(FILTERS[name]), ids_query(FILTERS[name], page=2000)):
        plan = query_plan(app, query)
        assert plan and all("USING COVERING INDEX" in step or "USING INDEX" in step for step in plan), plan
        assert not any("TEMP B-TREE" in step for step in plan), plan


def test_rows_of_a_page_are_read_by_primary_key(app):
    plan = query_plan(app, rows_query([1, 2, 3]))
    assert any("USING INTEGER PRIMARY KEY" in step for step in plan), plan
    assert not any(step.startswith("SCAN submission") for step in plan), plan
