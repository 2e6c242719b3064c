"""The clinicians' list of submissions: the filters typed on the list page, and one page of rows, newest first.

    list_filter, page = parse(request.args)     # BadFilter lists every problem with what was typed
    list_filter = resolve(db, list_filter)      # what "Find a patient" was typed as, when it could be several
    result = search(db, list_filter, page)      # 25 rows, the total that match, and where the page stands

Every filter has an index (see Submission.__table_args__), and the page is read in two steps: the ids of
its 25 rows from the index alone, however deep the page, then only those rows and only the columns the
list shows (never the answers). Nothing here imports Flask.

"Find a patient" is one box for a name, a date of birth, a record number or a reference (see Find). A name
is found through the name_key table: each typed word, folded as the stored keys are (screening.records.names),
must start one of the patient's keys, read as an index range on name_key.key, never LIKE, so that SQLite and
PostgreSQL both read the index.
"""
from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy import ColumnElement, Select, func, intersect, select
from sqlalchemy.orm import Session

from screening.catalogue.formats import FORMATS, record_number_problem
from screening.records import codes
from screening.records.models import NameKey, Submission
from screening.records.names import fold
from screening.records.submissions import REFERENCE_GROUPS, REFERENCE_PREFIX
from screening.staff.paging import BadFilter, Page, date_range, day_bounds, page_number

PAGE_SIZE = 25
STATUSES = ("new", "reviewed")
NO_TOPICS = "none"
SEVERITY_FILTERS = ("urgent", "discuss", "mention", NO_TOPICS)
_REFERENCE_EXAMPLE = "KS-7Q2M-X4KD"


def normalise_reference(typed: str) -> str | None:
    """The stored form KS-XXXX-XXXX of a typed reference, or None if it cannot be one.

    Case, spaces, hyphens and the 'KS' prefix are optional, and O, I and L read as 0, 1 and 1,
    as they do for resume codes: references are read over the phone and copied by hand.
    """
    return codes.normalise(typed, REFERENCE_GROUPS, REFERENCE_PREFIX)


# --- "Find a patient" -----------------------------------------------------------------------------------

NAME, BIRTH, RECORD, REFERENCE = "name", "date of birth", "record number", "reference"
FIND_LIMIT = 200  # two names of 100 characters and a space between
MAX_WORDS = 8
_US_DATE_INTENT = re.compile(r"[0-9]{1,2}/[0-9/]*")           # 4/2/1990, and typos of it such as 4/2 or 4//1990
_US_DATE = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})")
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")
_DATE_MESSAGE = "Enter the date of birth as month/day/year, like 4/27/1990 (or year-month-day, like 1990-04-27)"
_NOTHING_TO_FIND = ("Enter a name, a date of birth (MM/DD/YYYY), a record number or a reference "
                    f"like {_REFERENCE_EXAMPLE}")


@dataclass(frozen=True)
class Find:
    """What was typed in "Find a patient", with every reading it can have, and the one searched for (`kind`).

    A date of birth is told by its shape alone: a month/day/year or a year-month-day, and a text shaped like
    one that is not a real date is refused rather than searched as something else. The other readings can
    overlap: "Anderson" is a name, and also reads as a reference (KS-ANDE-RS0N, as O reads 0) and as a record
    number (which may be letters); then `kind` is empty until resolve() looks which of them is on file.
    Only folded name words, a real date, a text of the record number's own format or a normalised reference
    ever reach the database, never the text as typed.
    """

    typed: str
    kind: str = ""
    words: tuple[str, ...] = ()
    born: date | None = None
    record_number: str = ""
    reference: str = ""

    @property
    def readings(self) -> tuple[str, ...]:
        given = {NAME: self.words, BIRTH: self.born, RECORD: self.record_number, REFERENCE: self.reference}
        return tuple(kind for kind, value in given.items() if value)

    def condition(self) -> ColumnElement:
        if self.kind == NAME:
            return Submission.id.in_(name_matches(self.words))
        if self.kind == BIRTH:
            return Submission.date_of_birth == self.born
        if self.kind == RECORD:
            return Submission.record_number == self.record_number
        if self.kind == REFERENCE:
            return Submission.reference == self.reference
        raise ValueError("resolve() the search before querying: it could be a " + " or a ".join(self.readings))


def parse_find(typed: str, problems: list[str]) -> Find | None:
    """Every reading of the text typed in "Find a patient"; a problem when it can be none of them."""
    typed = " ".join(typed.split())[:FIND_LIMIT]
    if not typed:
        return None
    compact = re.sub(r"\s*([/-])\s*", r"\1", typed)  # 4 / 2 / 1990
    if _US_DATE_INTENT.fullmatch(compact) or _ISO_DATE.fullmatch(compact):
        born = birth_date(compact)
        if born is None:
            problems.append(_DATE_MESSAGE)
            return None
        return Find(typed, BIRTH, born=born)
    has_digit = any(ch.isdigit() for ch in typed)
    words = tuple(dict.fromkeys(fold(typed))) if not has_digit and any(ch.isalpha() for ch in typed) else ()
    if len(words) > MAX_WORDS:
        problems.append(f"Type at most {MAX_WORDS} words of the patient's name")
        return None
    fits_record = len(typed) <= FORMATS["record_number"].max_length and record_number_problem(typed) is None
    found = Find(typed, words=words, record_number=typed if fits_record else "",
                 reference=normalise_reference(typed[:40]) or "")
    if not found.readings:
        problems.append(_NOTHING_TO_FIND)
        return None
    return replace(found, kind=found.readings[0]) if len(found.readings) == 1 else found


def birth_date(typed: str) -> date | None:
    """The date typed as month/day/year (4/2/1990, 04/02/1990) or year-month-day (1990-04-02); None if it is
    not one, or not a real day. The US way first: the clinic is in the US, and 4/2 is April 2 there."""
    us, iso = _US_DATE.fullmatch(typed), _ISO_DATE.fullmatch(typed)
    if us:
        month, day, year = us.groups()
    elif iso:
        year, month, day = iso.groups()
    else:
        return None
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


def resolve(db: Session, list_filter: ListFilter) -> ListFilter:
    """The filter with "Find a patient" read one way, when it could be read several.

    A reference or a record number on file wins (each one index lookup): whoever types a code means that
    code, and a name that reads as a code by chance almost never is one. Otherwise a name, then a reference.
    """
    find = list_filter.find
    if find is None or find.kind:
        return list_filter
    if find.reference and _on_file(db, Submission.reference == find.reference):
        kind = REFERENCE
    elif find.record_number and _on_file(db, Submission.record_number == find.record_number):
        kind = RECORD
    else:
        kind = next(k for k in (NAME, REFERENCE, RECORD) if k in find.readings)
    return replace(list_filter, find=replace(find, kind=kind))


def _on_file(db: Session, condition: ColumnElement) -> bool:
    return db.scalar(select(Submission.id).where(condition).limit(1)) is not None


def name_matches(words: tuple[str, ...]):
    """The ids of submissions where every word starts one of the name's keys, read from name_key alone.

    One `SELECT submission_id FROM name_key WHERE <key starts with the word>` per word, and several words
    INTERSECTed, so the words are matched together on name_key's (key, submission_id) index and the
    submission table is read only for the patients who match them all. ANDing one `id IN (...)` per word reads
    a submission row for every patient matching any one word: "ana d" took 29 ms that way with 100,000
    submissions, 8 ms intersected (tests/perf/measure_submission_list.py).
    """
    per_word = [select(NameKey.submission_id).where(*key_starts(word)) for word in words]
    return per_word[0] if len(per_word) == 1 else intersect(*per_word)


def key_starts(word: str) -> list[ColumnElement]:
    """name_key.key starts with `word` (folded): an index range, `key >= word AND key < past`.

    A range reads the index in SQLite and in PostgreSQL alike, where LIKE 'word%' would not (PostgreSQL uses
    an index for LIKE only in the C collation or with text_pattern_ops). The substr test then keeps exactly
    the keys that start with the word, whatever a collation puts inside the range.
    """
    conditions = [NameKey.key >= word, func.substr(NameKey.key, 1, len(word)) == word]
    past = past_prefix(word)
    if past is not None:
        conditions.append(NameKey.key < past)
    return conditions


def past_prefix(word: str) -> str | None:
    """A text after every text that starts with `word`: its last character incremented.

    A last z carries to the character before ("diaz" -> "dib"), and 9 becomes a: the characters after them,
    { and :, are punctuation, which a language collation (PostgreSQL's en_US.UTF-8, say) skips, so
    "dia{" would sort before "diaz" there and find nothing. None when nothing comes after (all z's).
    """
    stem = word
    while stem:
        last = ord(stem[-1])
        if stem[-1] == "9":
            return stem[:-1] + "a"
        if stem[-1] != "z" and last < 0x10FFFF:
            following = last + 1 if not 0xD800 <= last + 1 <= 0xDFFF else 0xE000  # no lone surrogates
            return stem[:-1] + chr(following)
        stem = stem[:-1]
    return None


# --- The filter -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ListFilter:
    status: str = ""
    severity: str = ""
    start: date | None = None
    end: date | None = None
    reference: str = ""
    find: Find | None = None

    def as_args(self) -> dict[str, str]:
        """The filter as query arguments, for links to other pages of the same result."""
        values = {"status": self.status, "severity": self.severity,
                  "from": self.start.isoformat() if self.start else "",
                  "to": self.end.isoformat() if self.end else "", "reference": self.reference,
                  "q": self.find.typed if self.find else ""}
        return {k: v for k, v in values.items() if v}

    def describe(self) -> str:
        """The filter in words for the audit trail: what a search was by, never what was typed (a name, a
        date of birth or a record number is the patient's identity, which the trail never holds)."""
        args = {k: v for k, v in self.as_args().items() if k != "q"}
        words = [f"{k}={v}" for k, v in args.items()]
        if self.find is not None:
            words.append(f"search by {self.find.kind}" if self.find.kind else "search")
        return " ".join(words) or "no filter"

    def conditions(self) -> list:
        conditions = []
        if self.status:
            conditions.append(Submission.status == self.status)
        if self.severity == NO_TOPICS:
            conditions.append(Submission.highest_severity.is_(None))
        elif self.severity:
            conditions.append(Submission.highest_severity == self.severity)
        first, last = day_bounds(self.start, self.end)
        if first:
            conditions.append(Submission.submitted_at >= first)
        if last:
            conditions.append(Submission.submitted_at <= last)
        if self.reference:
            conditions.append(Submission.reference == self.reference)
        if self.find is not None:
            conditions.append(self.find.condition())
        return conditions


def _choice(args: Mapping[str, str], key: str, allowed: tuple[str, ...], message: str, problems: list[str]) -> str:
    typed = args.get(key, "").strip().lower()
    if typed and typed not in allowed:
        problems.append(message)
        return ""
    return typed


def parse(args: Mapping[str, str]) -> tuple[ListFilter, int]:
    """The filter and page number in `args`; BadFilter lists every problem with them."""
    problems: list[str] = []
    status = _choice(args, "status", STATUSES, "Choose a status from the list", problems)
    severity = _choice(args, "severity", SEVERITY_FILTERS, "Choose a highest severity from the list", problems)
    start, end = date_range(args, problems)
    typed_reference = args.get("reference", "").strip()[:40]
    reference = ""
    if typed_reference:
        reference = normalise_reference(typed_reference) or ""
        if not reference:
            problems.append(f"Enter the reference as on the patient's page: KS, then 8 letters and numbers, "
                            f"like {_REFERENCE_EXAMPLE}")
    find = parse_find(args.get("q", ""), problems)
    page = page_number(args, problems)
    if problems:
        raise BadFilter(problems)
    return ListFilter(status, severity, start, end, reference, find), page


# --- One page of rows -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """What the list shows of one submission: who, and the summary's counts; no answers, no topics' texts."""

    reference: str
    submitted_at: datetime
    highest_severity: str | None
    urgent_count: int
    discuss_count: int
    mention_count: int
    status: str
    first_name: str | None
    last_name: str | None
    date_of_birth: date | None

    @property
    def name(self) -> str | None:
        """First name then last name; None for a submission sent before names were asked."""
        return " ".join(part for part in (self.first_name, self.last_name) if part) or None


ROW_COLUMNS = (Submission.reference, Submission.submitted_at, Submission.highest_severity, Submission.urgent_count,
               Submission.discuss_count, Submission.mention_count, Submission.status, Submission.first_name,
               Submission.last_name, Submission.date_of_birth)
NEWEST_FIRST = (Submission.submitted_at.desc(), Submission.id.desc())
EXPORT_BATCH = 500


def ids_query(list_filter: ListFilter, page: int) -> Select:
    """The ids on one page: read from an index alone, so a deep page skips index entries, not rows."""
    return (select(Submission.id).where(*list_filter.conditions()).order_by(*NEWEST_FIRST)
            .offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE))


def count_query(list_filter: ListFilter) -> Select:
    return select(func.count()).select_from(Submission).where(*list_filter.conditions())


def rows_query(ids: list[int]) -> Select:
    return select(*ROW_COLUMNS).where(Submission.id.in_(ids)).order_by(*NEWEST_FIRST)


def newest_first(db: Session, list_filter: ListFilter) -> Iterator[Submission]:
    """Every submission the filter keeps, as on the list, read in batches so a large export does not fill memory."""
    query = select(Submission).where(*list_filter.conditions()).order_by(*NEWEST_FIRST).execution_options(
        yield_per=EXPORT_BATCH)
    yield from db.scalars(query)


def search(db: Session, list_filter: ListFilter, page: int) -> Page[Row]:
    total = db.scalar(count_query(list_filter)) or 0
    if Page([], page, total, PAGE_SIZE).past_the_end:
        return Page([], page, total, PAGE_SIZE)  # nothing to read, and no offset too big for the database
    ids = list(db.scalars(ids_query(list_filter, page)))
    return Page([Row(*values) for values in db.execute(rows_query(ids))], page, total, PAGE_SIZE)


# --- Pinned: urgent and not reviewed --------------------------------------------------------------------

PINNED_CONDITIONS = (
    Submission.status == "new",
    # The same submissions as urgent_count > 0 (the highest severity is urgent exactly when a topic is), said so
    # that the (status, highest_severity, submitted_at, id) index reads them newest first with no sort.
    Submission.highest_severity == "urgent",
    Submission.urgent_count > 0,
)


@dataclass(frozen=True)
class PinnedRow:
    """An urgent submission nobody has reviewed yet: who, when, how many urgent topics, and who acknowledged it."""

    reference: str
    submitted_at: datetime
    urgent_count: int
    first_name: str | None
    last_name: str | None
    acknowledged_by: str | None
    acknowledged_at: datetime | None

    @property
    def name(self) -> str | None:
        return " ".join(part for part in (self.first_name, self.last_name) if part) or None


PINNED_COLUMNS = (Submission.reference, Submission.submitted_at, Submission.urgent_count, Submission.first_name,
                  Submission.last_name, Submission.acknowledged_by, Submission.acknowledged_at)


def pinned_query(limit: int) -> Select:
    return select(*PINNED_COLUMNS).where(*PINNED_CONDITIONS).order_by(*NEWEST_FIRST).limit(limit)


def pinned(db: Session, limit: int) -> list[PinnedRow]:
    """The newest `limit` urgent submissions not yet reviewed, newest first: one index range, at most `limit`
    rows read, however many submissions there are. The list filter status=new&severity=urgent shows them all."""
    return [PinnedRow(*values) for values in db.execute(pinned_query(limit))]
