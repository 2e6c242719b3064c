"""The submissions list: typed filters, one page of rows and the indexes the queries use, without HTTP; then
"Find a patient" on the page itself.

Requirement (issue 3, Submissions): newest first, paginated, filter by status, by highest severity and by date,
search by reference code; fast with 100,000 submissions, because every list query reads an index
(tests/perf/measure_submission_list.py measures it). Bad input: tampered page numbers, filters and dates give
a clear message (BadFilter), never an error.
Requirement (issue 8, Submissions list): each row shows the patient's name and date of birth ("Not recorded"
before they were asked); one box finds a patient by name (any case, accents ignored, any word start, every
word typed), date of birth (4/2/1990, 04/02/1990, 1990-04-02; a malformed one is a clear 400), record number
(exact, trimmed) or reference, with the other filters and paging; name search reads name_key's index as a
prefix range, date of birth its index by equality; each view is in the audit trail with what the search was
by, never the name or date typed.
"""
import re
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select, text

from screening.records import database
from screening.records.models import AuditEvent, NameKey, RulesVersion, Submission
from screening.records.names import keys_of
from screening.staff.submission_list import (
    BIRTH,
    NAME,
    PAGE_SIZE,
    RECORD,
    REFERENCE,
    BadFilter,
    Find,
    ListFilter,
    count_query,
    ids_query,
    normalise_reference,
    parse,
    past_prefix,
    resolve,
    rows_query,
    search,
)

T0 = datetime(2026, 3, 10, 9, 30, tzinfo=timezone.utc)


IDENTITY = ("first_name", "last_name", "date_of_birth", "record_number")


def add(app, *specs: dict) -> list[str]:
    """Store submissions straight to the table: {'at': datetime, 'status': ..., 'severity': ..., and any of
    IDENTITY, with the name keys a Send makes}; returns references."""
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
                              status=spec.get("status", "new"), **{k: spec.get(k) for k in IDENTITY},
                              name_keys=[NameKey(key=k) for k in keys_of(spec.get("first_name"),
                                                                        spec.get("last_name"))]))
            db.flush()
            references.append(reference)
        db.commit()
        return references


def run(app, list_filter=ListFilter(), page=1):
    with app.app_context():
        db = database.session()
        return search(db, resolve(db, list_filter), page)


def found(app, typed: str, **filters) -> list[str]:
    """The references "Find a patient" lists for `typed`, with the other filters given."""
    list_filter, page = parse({"q": typed, **filters})
    return [row.reference for row in run(app, list_filter, page).items]


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


# -- "Find a patient": what was typed ----------------------------------------------------------------------

def find_of(typed: str) -> Find:
    return parse({"q": typed})[0].find


@pytest.mark.parametrize("typed", ["4/2/1990", "04/02/1990", "1990-04-02", " 4 / 2 / 1990 ", "1990-4-2"])
def test_date_of_birth_is_read_month_first_or_year_first(typed):
    assert (find_of(typed).kind, find_of(typed).born) == (BIRTH, date(1990, 4, 2))


@pytest.mark.parametrize("typed", ["13/45/1990", "2/30/1990", "4/2/90", "4/2", "4//1990", "12/2024", "1990-02-30",
                                   "1990-13-01", "0/1/1990", "4/2/0000"])
def test_date_of_birth_that_is_not_a_real_date_is_refused_with_a_message(typed):
    with pytest.raises(BadFilter) as refused:
        parse({"q": typed})
    assert refused.value.problems == [
        "Enter the date of birth as month/day/year, like 4/27/1990 (or year-month-day, like 1990-04-27)"]


def test_name_is_folded_into_words():
    assert find_of("  Ana   DÍAZ-López ").words == ("ana", "diaz", "lopez")


def test_name_with_an_accent_can_only_be_a_name():
    assert find_of("Díaz").kind == NAME


def test_name_that_could_be_a_record_number_waits_to_be_resolved():
    assert (find_of("diaz").kind, find_of("diaz").readings) == ("", (NAME, RECORD))


def test_text_with_a_digit_is_never_a_name():
    assert find_of("MRN12345").words == () and find_of("MRN12345").readings == (RECORD, REFERENCE)


def test_record_number_is_kept_as_typed_after_trimming():
    assert find_of("  2024/0001 ").record_number == "2024/0001" and find_of("2024/0001").kind == RECORD


@pytest.mark.parametrize("typed", ["!!!", "@@ ##", "'--", "١٢٣"])
def test_text_that_can_be_nothing_is_refused_with_a_message(typed):
    with pytest.raises(BadFilter) as refused:
        parse({"q": typed})
    assert refused.value.problems == [
        "Enter a name, a date of birth (MM/DD/YYYY), a record number or a reference like KS-7Q2M-X4KD"]


def test_more_than_eight_name_words_are_refused():
    with pytest.raises(BadFilter) as refused:
        parse({"q": "a b c d e f g h i"})
    assert refused.value.problems == ["Type at most 8 words of the patient's name"]


def test_search_gives_back_its_own_query_arguments():
    list_filter = parse({"q": "Ana  Díaz", "status": "new"})[0]
    assert list_filter.as_args() == {"status": "new", "q": "Ana Díaz"} and parse(list_filter.as_args())[0] == list_filter


@pytest.mark.parametrize("word, past", [("ana", "anb"), ("diaz", "dib"), ("zz", None), ("a9", "aa"), ("søren", "søreo"),
                                        ("x" + chr(0xD7FF), "x" + chr(0xE000))])
def test_prefix_range_ends_just_past_every_word_that_starts_with_it(word, past):
    assert past_prefix(word) == past


@pytest.mark.parametrize("typed, kind", [("Ana Díaz", NAME), ("4/2/1990", BIRTH), ("2024/0001", RECORD),
                                         ("7q2m x4kd", REFERENCE), ("diaz", NAME)])
def test_audit_description_says_what_the_search_was_by_never_what_was_typed(app, typed, kind):
    with app.app_context():
        described = resolve(database.session(), parse({"q": typed, "status": "new"})[0]).describe()
    assert described == f"status=new search by {kind}"


# -- "Find a patient": what is found --------------------------------------------------------------------------

ANA = {"first_name": "Ana María", "last_name": "Díaz-López", "date_of_birth": date(1990, 4, 2),
       "record_number": "MRN-0042"}


@pytest.mark.parametrize("typed", ["diaz", "DÍAZ", "ana d", "Díaz-López", "lopez ana", "MARIA", "ana maría díaz lópez",
                                   "an", "d l"])
def test_name_search_finds_any_case_accent_and_word_start(app, typed):
    wanted, _other = add(app, ANA, {"first_name": "Sam", "last_name": "Rivera"})
    assert found(app, typed) == [wanted]


@pytest.mark.parametrize("typed", ["iaz", "ana smith", "diazz", "ana-x", "lopez-diaz-x"])
def test_name_search_needs_every_word_to_start_a_key(app, typed):
    add(app, ANA)
    assert found(app, typed) == []


def test_name_search_ending_in_z_finds_longer_names(app):
    diaz, diazmartin = add(app, {"first_name": "Eva", "last_name": "Diaz"}, {"first_name": "Eva", "last_name": "Diazmartin"})
    add(app, {"first_name": "Eva", "last_name": "Diba"})
    assert set(found(app, "diaz")) == {diaz, diazmartin}


def test_name_search_keeps_only_keys_that_start_with_the_word(app):
    add(app, {"first_name": "Eva", "last_name": "Diaþ"})  # þ sorts after z, inside the range diaz..dib
    assert found(app, "diaz") == []


def test_name_search_keeps_apostrophes_out_of_the_name(app):
    wanted, = add(app, {"first_name": "Seán", "last_name": "O’Brien"})
    assert found(app, "o'brien") == [wanted] and found(app, "obri") == [wanted]


def test_name_search_skips_submissions_sent_before_names_were_asked(app):
    add(app, {})
    wanted, = add(app, ANA)
    assert found(app, "ana") == [wanted]


def test_date_of_birth_search_finds_that_day_only(app):
    wanted, = add(app, ANA)
    add(app, {**ANA, "date_of_birth": date(1990, 2, 4)}, {})
    assert found(app, "4/2/1990") == [wanted] == found(app, "1990-04-02")


def test_record_number_search_is_exact_after_trimming(app):
    wanted, = add(app, ANA)
    add(app, {**ANA, "record_number": "MRN-00421"})
    assert found(app, "  MRN-0042 ") == [wanted] and found(app, "mrn-0042") == [] and found(app, "MRN-004") == []


def test_reference_typed_in_the_box_is_found_as_typed(app):
    wanted, _other = add(app, {"reference": "KS-7Q2M-X4KD"}, {"reference": "KS-7Q2M-X4KE"})
    assert found(app, "ks 7q2m x4kd") == [wanted]


def test_name_that_reads_as_a_reference_is_searched_as_a_name(app):
    wanted, = add(app, {"first_name": "Ann", "last_name": "Anderson"})  # ANDERSON reads as KS-ANDE-RS0N
    assert found(app, "anderson") == [wanted]


def test_record_number_on_file_that_reads_as_a_reference_is_searched_as_a_record_number(app):
    wanted, = add(app, {**ANA, "record_number": "A1234567"})  # reads as KS-A123-4567 too
    with app.app_context():
        assert resolve(database.session(), parse({"q": "A1234567"})[0]).find.kind == RECORD
    assert found(app, "A1234567") == [wanted]


def test_reference_on_file_wins_over_a_record_number_typed_the_same(app):
    wanted, = add(app, {"reference": "KS-1234-5678"})
    add(app, {**ANA, "record_number": "12345678"})
    assert found(app, "12345678") == [wanted]


def test_search_combines_with_status_and_dates(app):
    add(app, {**ANA, "status": "reviewed"}, {**ANA, "at": T0 - timedelta(days=40)})
    wanted, = add(app, ANA)
    assert found(app, "diaz", status="new", **{"from": (T0 - timedelta(days=1)).date().isoformat()}) == [wanted]


def test_search_results_are_paged_newest_first(app):
    references = add(app, *({**ANA, "at": T0 + timedelta(minutes=i)} for i in range(PAGE_SIZE + 5)))
    assert found(app, "ana d", page="2") == references[:5][::-1]


def test_row_holds_name_and_date_of_birth(app):
    add(app, ANA)
    row, = run(app).items
    assert (row.name, row.date_of_birth) == ("Ana María Díaz-López", date(1990, 4, 2))


def test_row_of_a_submission_from_before_names_has_none(app):
    add(app, {})
    row, = run(app).items
    assert (row.name, row.date_of_birth) == (None, None)


def test_unresolved_search_cannot_be_queried():
    with pytest.raises(ValueError, match="resolve"):
        count_query(parse({"q": "diaz"})[0])


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


def searched(kind: str, **values) -> Find:
    return Find("typed", kind, **values)


# key>? AND key<?, or key>? alone for a word with nothing after it (all z's).
NAME_KEY_RANGE = "SEARCH name_key USING COVERING INDEX ix_name_key_key_submission (key>?"
SEARCHES = {
    "one name word": (ListFilter(find=searched(NAME, words=("diaz",))), 1),
    "two name words": (ListFilter(find=searched(NAME, words=("ana", "d"))), 2),
    "a word of z's": (ListFilter(find=searched(NAME, words=("zz",))), 1),
    "name and status": (ListFilter(status="reviewed", find=searched(NAME, words=("lopez",))), 1),
    "name and dates": (ListFilter(start=date(2026, 1, 1), find=searched(NAME, words=("lopez",))), 1),
}
EQUAL_SEARCHES = {
    "date of birth": (ListFilter(find=searched(BIRTH, born=date(1990, 4, 2))), "ix_submission_birth_submitted"),
    "date of birth and status": (ListFilter(status="new", find=searched(BIRTH, born=date(1990, 4, 2))),
                                 "ix_submission_birth_submitted"),
    "record number": (ListFilter(find=searched(RECORD, record_number="MRN-0042")), "ix_submission_record_submitted"),
    "reference": (ListFilter(find=searched(REFERENCE, reference="KS-7Q2M-X4KD")), "sqlite_autoindex_submission_1"),
}


@pytest.mark.parametrize("name", SEARCHES)
def test_name_search_reads_name_key_by_prefix_range_and_never_scans(app, name):
    list_filter, words = SEARCHES[name]
    for query in (count_query(list_filter), ids_query(list_filter, page=3)):
        plan = query_plan(app, query)
        assert sum(NAME_KEY_RANGE in step for step in plan) == words, plan
        assert not any(step.startswith("SCAN") for step in plan), plan


@pytest.mark.parametrize("name", EQUAL_SEARCHES)
def test_date_of_birth_record_and_reference_search_read_their_index_by_equality(app, name):
    list_filter, index = EQUAL_SEARCHES[name]
    for query in (count_query(list_filter), ids_query(list_filter, page=3)):
        plan = query_plan(app, query)
        assert any(f"USING COVERING INDEX {index}" in step or f"USING INDEX {index}" in step for step in plan), plan
        assert not any(step.startswith("SCAN") for step in plan), plan


def test_rows_of_a_page_are_read_by_primary_key(app):
    plan = query_plan(app, rows_query([1, 2, 3]))
    assert any("USING INTEGER PRIMARY KEY" in step for step in plan), plan
    assert not any(step.startswith("SCAN submission") for step in plan), plan


# -- the page ------------------------------------------------------------------------------------------------

@pytest.fixture
def clinician(staff):
    return staff(("clinician",))


def page_rows(html: str) -> list[list[str]]:
    """Each row of the table as the texts of its cells."""
    rows = re.findall(r"<tr>\s*<th scope=\"row\".*?</tr>", html, re.S)
    return [[re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", cell)).strip()
             for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)] for row in rows]


def list_events(app) -> list[AuditEvent]:
    with app.app_context():
        return database.session().scalars(select(AuditEvent).where(AuditEvent.detail.like("submissions list%"))
                                          .order_by(AuditEvent.id)).all()


def test_page_rows_show_name_and_date_of_birth(app, clinician):
    reference, = add(app, ANA)
    html = clinician.get("/staff/submissions").get_data(as_text=True)
    assert page_rows(html)[0][:3] == [reference, "Ana María Díaz-López", "April 2, 1990"]


def test_page_rows_from_before_names_say_not_recorded(app, clinician):
    reference, = add(app, {})
    html = clinician.get("/staff/submissions").get_data(as_text=True)
    assert page_rows(html)[0][:3] == [reference, "Not recorded", "Not recorded"]


def test_page_has_one_find_a_patient_box_with_its_hint(clinician):
    html = clinician.get("/staff/submissions").get_data(as_text=True)
    assert '<label class="label" for="q">Find a patient</label>' in html and \
        '<div id="q-hint" class="hint">Name, date of birth (MM/DD/YYYY), record number or reference</div>' in html \
        and 'aria-describedby="q-hint"' in html


def test_page_finds_a_patient_by_name_as_typed(app, clinician):
    wanted, _other = add(app, ANA, {"first_name": "Sam", "last_name": "Rivera"})
    response = clinician.get("/staff/submissions", query_string={"q": "DÍAZ"})
    assert response.status_code == 200 and [row[0] for row in page_rows(response.get_data(as_text=True))] == [wanted]


def test_page_keeps_what_was_typed_in_the_box(app, clinician):
    add(app, ANA)
    html = clinician.get("/staff/submissions", query_string={"q": "ana d"}).get_data(as_text=True)
    assert 'name="q" value="ana d"' in html


def test_page_links_to_other_pages_keep_the_search(app, clinician):
    add(app, *({**ANA, "at": T0 + timedelta(minutes=i)} for i in range(PAGE_SIZE + 1)))
    html = clinician.get("/staff/submissions", query_string={"q": "diaz", "status": "new"}).get_data(as_text=True)
    assert 'href="/staff/submissions?page=2&amp;status=new&amp;q=diaz"' in html


@pytest.mark.parametrize("typed", ["13/45/1990", "2/30/1990", "4/2/90"])
def test_page_with_a_malformed_date_of_birth_is_a_clear_400(app, clinician, typed):
    add(app, ANA)
    response = clinician.get("/staff/submissions", query_string={"q": typed})
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "There is a problem with the filter" in html and \
        "Enter the date of birth as month/day/year, like 4/27/1990" in html and page_rows(html) == []


def test_page_view_is_recorded_with_what_the_search_was_by(app, clinician):
    add(app, ANA)
    clinician.get("/staff/submissions", query_string={"q": "Díaz", "status": "new", "page": "1"})
    event, = list_events(app)
    assert (event.action, event.actor_email, event.submission_reference, event.detail) == (
        "view_submission_list", clinician.staff_email, None, "submissions list: status=new search by name page=1")


@pytest.mark.parametrize("typed", ["Díaz", "ana d", "4/2/1990", "1990-04-02", "MRN-0042", "13/45/1990"])
def test_page_never_records_the_name_date_of_birth_or_record_number_typed(app, clinician, typed):
    add(app, ANA)
    clinician.get("/staff/submissions", query_string={"q": typed})
    details = " ".join(event.detail for event in list_events(app))
    typed_parts = {typed, *typed.split(), "diaz", "1990", "0042"}
    assert details and not any(part.lower() in details.lower() for part in typed_parts if len(part) > 2)


def test_page_view_without_a_filter_is_recorded_too(app, clinician):
    clinician.get("/staff/submissions")
    assert [event.detail for event in list_events(app)] == ["submissions list: no filter page=1"]


@pytest.mark.parametrize("roles", [("rules",), ("admin",), ("rules", "admin")])
def test_page_needs_the_clinician_role(app, staff, roles):
    add(app, ANA)
    assert staff(roles).get("/staff/submissions", query_string={"q": "diaz"}).status_code == 403
    assert list_events(app) == []
