"""Turning a finished draft into a stored submission with its summary."""
from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from screening.questionnaire import QUESTIONNAIRE, Questionnaire
from screening.clock import age_day, aware, utcnow
from screening.catalogue.formats import parse_iso
from screening.catalogue.types import DATE
from screening.records import codes, outbox
from screening.records.models import Draft, Invitation, NameKey, RulesVersion, Submission
from screening.records.names import keys_of
from screening.language import ENGLISH, LANGUAGES
from screening.rules.engine import evaluate
from screening.rules.model import SEVERITIES, Because, RuleSet, Summary, Topic


# INSERT ... ON CONFLICT DO NOTHING, in the two databases the app runs on.
_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}

REFERENCE_PREFIX = "KS"
REFERENCE_GROUPS = 2


def new_reference(db: Session) -> str:
    """KS-XXXX-XXXX: 40 random bits, short enough to read over the phone."""
    while True:
        reference = codes.new(REFERENCE_GROUPS, REFERENCE_PREFIX)
        if by_reference(db, reference) is None:
            return reference


def submit(db: Session, draft: Draft, ruleset: RuleSet,
           questionnaire: Questionnaire = QUESTIONNAIRE, alert_channels: Sequence[str] = (),
           language: str | None = None) -> Submission | None:
    """Store the answers as asked (hidden branches dropped), their summary and the rules that made it.

    A summary that alerts the clinic gets its alert in the same commit (the outbox: a mail server that is down
    loses nothing and never fails the Send), with a delivery per channel in `alert_channels` (the app's
    configured ones: screening.alerts.channels.configured). None when the draft is gone by then and no submission was made from it (purged
    in between).
    """
    answers = questionnaire.prune(draft.answers)
    now = utcnow()
    summary = evaluate(ruleset, answers, questionnaire, as_of=age_day(now))
    # The clinic's copy is in English; the patient's summary is kept in every other language too, as they read it
    # (and as they would, should they switch language on the summary page).
    language = language or draft.language or ENGLISH
    patient_topics = {code: [t.as_dict() for t in evaluate(ruleset, answers, questionnaire, as_of=age_day(now),
                                                           language=code).topics]
                      for code in LANGUAGES if code != ENGLISH}
    keep_rules_text(db, ruleset)
    counts = {s: sum(t.severity == s for t in summary.topics) for s in SEVERITIES}
    submission = Submission(
        reference=new_reference(db), started_at=draft.created_at, answers=answers,
        topics=[t.as_dict() for t in summary.topics], rules_version=ruleset.version,
        rules_sha256=ruleset.sha256, catalogue_version=questionnaire.version,
        highest_severity=summary.highest_severity,
        urgent_count=counts["urgent"], discuss_count=counts["discuss"], mention_count=counts["mention"],
        resume_hash=draft.resume_hash, resume_until=draft.expires_at, submitted_at=now,
        invitation_id=draft.invitation_id, language=language, patient_topics=patient_topics, **identity_of(answers),
    )
    submission.name_keys = [NameKey(key=k) for k in keys_of(submission.first_name, submission.last_name)]
    # Send pressed twice: only the request that deletes the draft stores a submission; the other finds that one.
    resume_hash = draft.resume_hash  # read before a rollback expires the draft that is gone
    if not db.execute(delete(Draft).where(Draft.id == draft.id)).rowcount:
        db.rollback()
        return by_resume_hash(db, resume_hash)
    db.add(submission)
    invitation = db.get(Invitation, draft.invitation_id) if draft.invitation_id else None
    if invitation is not None and invitation.revoked_at is None:
        invitation.completed_at, invitation.submission_reference = now, submission.reference
    if summary.alert:
        outbox.raise_for_submission(db, submission, summary, alert_channels)
    db.commit()
    return submission


# Every identity question has a Submission column of the same name (tests/records/test_submissions.py).
IDENTITY_COLUMNS = tuple(q.id for q in QUESTIONNAIRE.catalogue.asked if q.identity)


def identity_of(answers: dict) -> dict:
    """The identity answers as the submission's columns; a column without an answer stays empty."""
    columns = {name: answers.get(name) if isinstance(answers.get(name), str) else None for name in IDENTITY_COLUMNS}
    for question in QUESTIONNAIRE.catalogue.asked:
        if question.identity and question.type == DATE:
            columns[question.id] = parse_iso(columns[question.id])
    return columns


def keep_rules_text(db: Session, ruleset: RuleSet) -> None:
    """Keep the text of the rules that made a summary, once per version.

    Workers sending at the same moment on a version none has kept yet all insert it: the insert skips a row
    that exists by then, rather than fail one patient's Send with a duplicate key.
    """
    if db.get(RulesVersion, ruleset.sha256) is not None:
        return
    insert = _INSERTS[db.get_bind().dialect.name]
    db.execute(insert(RulesVersion)
               .values(sha256=ruleset.sha256, label=ruleset.version, text=ruleset.text, first_used_at=utcnow())
               .on_conflict_do_nothing(index_elements=[RulesVersion.sha256]))


def by_reference(db: Session, reference: str) -> Submission | None:
    return db.scalar(select(Submission).where(Submission.reference == reference))


def by_resume_hash(db: Session, resume_hash: str | None) -> Submission | None:
    """The submission a resume code was sent as, whether or not the code has lapsed since."""
    if resume_hash is None:
        return None
    return db.scalar(select(Submission).where(Submission.resume_hash == resume_hash))


def resume_lapsed(submission: Submission) -> bool:
    """Past the day its draft would have expired: the code no longer opens it."""
    return submission.resume_until is None or aware(submission.resume_until) <= utcnow()


def summary_of(submission: Submission, language: str = ENGLISH) -> Summary:
    """The stored summary: the clinic's, in English, or as a patient reads it in `language`."""
    stored = (submission.patient_topics or {}).get(language, submission.topics)
    topics = tuple(
        Topic(**{**t, "because": tuple(Because(**b) for b in t["because"])}) for t in stored
    )
    return Summary(submission.rules_version, submission.rules_sha256, topics)
