"""Every table: drafts in progress, submissions, the rules versions that produced them, staff accounts
and the audit trail. The schema's history is in screening/records/migrations; a change here needs a revision."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from screening.clock import aware, utcnow

from screening.records.database import Base


class Draft(Base):
    """Answers in progress, keyed by an unguessable id that only the patient's cookie holds."""

    __tablename__ = "draft"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    resume_hash: Mapped[str] = mapped_column(String(64), unique=True)
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    # Ids of the questions that have been on the patient's screen: one revealed but never shown is asked
    # before the step is left, and a shown optional one left blank is a real "Not answered".
    presented: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Opened from a clinic's invitation: its name and date of birth are filled in and cannot be changed.
    invitation_id: Mapped[int | None] = mapped_column(
        ForeignKey("invitation.id", ondelete="SET NULL", name="fk_draft_invitation"), index=True)
    # When an answer that raises an alert was first saved, and when the unsent-draft sweep alerted the clinic
    # about it: a patient who saw the crisis message and closed the page is not forgotten.
    urgent_since: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    alerted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The language the patient reads the questionnaire in (screening.language), kept for a resume elsewhere.
    language: Mapped[str] = mapped_column(String(8), default="en", server_default="en")


class RulesVersion(Base):
    """The exact text of a rules file that produced at least one submission."""

    __tablename__ = "rules_version"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    label: Mapped[str] = mapped_column(String(100))
    text: Mapped[str] = mapped_column(Text)
    first_used_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Submission(Base):
    __tablename__ = "submission"
    # The staff list filters on status and highest severity, ranges on submitted_at and reads newest first
    # (submitted_at, then id): one index per filter combination keeps every list query off a table scan.
    # id is spelled out for PostgreSQL; SQLite keeps it in every index anyway. Checked by
    # tests/staff/test_submission_list.py (EXPLAIN QUERY PLAN) and tests/perf/measure_submission_list.py.
    __table_args__ = (
        Index("ix_submission_status_submitted", "status", "submitted_at", "id"),
        Index("ix_submission_severity_submitted", "highest_severity", "submitted_at", "id"),
        Index("ix_submission_status_severity_submitted", "status", "highest_severity", "submitted_at", "id"),
        Index("ix_submission_birth_submitted", "date_of_birth", "submitted_at", "id"),
        Index("ix_submission_record_submitted", "record_number", "submitted_at", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    submitted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)
    topics: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    rules_version: Mapped[str] = mapped_column(String(100))
    rules_sha256: Mapped[str] = mapped_column(ForeignKey("rules_version.sha256"))
    # The question catalogue the patient was asked (Questionnaire.version in screening.questionnaire).
    catalogue_version: Mapped[str] = mapped_column(String(16), default="")
    highest_severity: Mapped[str | None] = mapped_column(String(10))
    urgent_count: Mapped[int] = mapped_column(Integer, default=0)
    discuss_count: Mapped[int] = mapped_column(Integer, default=0)
    mention_count: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(10), default="new")
    # Set once, by the clinician who marked it reviewed; the answers themselves never change.
    reviewed_by: Mapped[str | None] = mapped_column(String(254))
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The draft's resume code (as its sha256) and how long it would have lasted: typed again after Send,
    # it opens this summary, read-only, instead of saying the answers are lost.
    resume_hash: Mapped[str | None] = mapped_column(String(64), index=True, unique=True)
    resume_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Who the patient is, copied from the identity answers when sent, for the list and its search. None on a
    # submission made before identity was asked: pages show "Not recorded".
    first_name: Mapped[str | None] = mapped_column(String(100))
    last_name: Mapped[str | None] = mapped_column(String(100))
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    record_number: Mapped[str | None] = mapped_column(String(30))
    phone: Mapped[str | None] = mapped_column(String(30))
    email: Mapped[str | None] = mapped_column(String(254))
    invitation_id: Mapped[int | None] = mapped_column(
        ForeignKey("invitation.id", ondelete="SET NULL", name="fk_submission_invitation"), index=True)
    name_keys: Mapped[list["NameKey"]] = relationship(cascade="all, delete-orphan", passive_deletes=True)
    # A clinician saw an urgent submission's alert: who and when. Separate from being reviewed.
    acknowledged_by: Mapped[str | None] = mapped_column(String(254))
    acknowledged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The language the patient used; staff read everything in English ("Patient's language: Spanish").
    language: Mapped[str] = mapped_column(String(8), default="en", server_default="en")
    # The topics as the patient's summary shows them in each language but English, {"es": [...]}: `topics`, the
    # clinic's copy, is the English one. None before languages were kept.
    patient_topics: Mapped[dict[str, list[dict[str, Any]]] | None] = mapped_column(JSON)


class NameKey(Base):
    """One word of a submission's patient name, folded (lower case, accents dropped), for the staff search.

    "Ana María Díaz-López" is kept as ana, maria, diaz, lopez: a search for any start of any of them finds it,
    through the (key, submission_id) index. Made with the submission, deleted with it.
    """

    __tablename__ = "name_key"
    __table_args__ = (Index("ix_name_key_key_submission", "key", "submission_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submission.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(100))


class Invitation(Base):
    """A personal link a clinic sends one patient. The link's token is kept only as its sha256.

    Opening it asks for the date of birth; then the questionnaire starts with the name and date of birth
    filled in, and the submission made is tied to it. A new link for the same patient replaces the old one.
    """

    __tablename__ = "invitation"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    date_of_birth: Mapped[date] = mapped_column(Date)
    record_number: Mapped[str | None] = mapped_column(String(30))
    appointment_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    created_by: Mapped[str | None] = mapped_column(String(254))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    opened_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    submission_reference: Mapped[str | None] = mapped_column(String(20))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # "revoked" by staff, or "replaced" by a new link for the same patient.
    revoked_reason: Mapped[str | None] = mapped_column(String(10))
    # The questionnaire in progress from this link: opening the link again carries on with it.
    draft_id: Mapped[str | None] = mapped_column(String(64))


class StaffUser(Base):
    __tablename__ = "staff_user"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role_names: Mapped[str] = mapped_column("roles", String(100), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    @validates("email")
    def _lower_email(self, _key: str, email: str) -> str:
        # Lower-cased once here, so the unique constraint is case-insensitive on every database.
        return email.strip().lower()

    @property
    def roles(self) -> frozenset[str]:
        return frozenset(r for r in self.role_names.split(",") if r)

    @roles.setter
    def roles(self, roles: Iterable[str]) -> None:
        self.role_names = ",".join(sorted(set(roles)))

    def locked(self, now: datetime) -> bool:
        return self.locked_until is not None and aware(self.locked_until) > now


class AuditEvent(Base):
    """One thing done, by whom, from where. Append-only; `detail` never holds a patient's answers."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    actor_email: Mapped[str | None] = mapped_column(String(254))
    action: Mapped[str] = mapped_column(String(32), index=True)
    submission_reference: Mapped[str | None] = mapped_column(String(20), index=True)
    detail: Mapped[str] = mapped_column(String(500), default="")
    source_ip: Mapped[str | None] = mapped_column(String(45))


class AuditIsAppendOnly(RuntimeError):
    pass


@event.listens_for(AuditEvent, "before_update")
@event.listens_for(AuditEvent, "before_delete")
def _refuse_change(_mapper, _connection, target: AuditEvent) -> None:
    # A trail that the app can rewrite proves nothing; changes are refused, not just avoided.
    raise AuditIsAppendOnly(f"audit event {target.id} cannot be changed or deleted")


class StaffSession(Base):
    """A signed-in staff session. The cookie holds a random token; only its sha256 is kept here.

    Sign-out, idle expiry, disabling the account and a password reset set `ended_at`, so a copy of the
    cookie taken before is refused afterwards, by every worker and machine.
    """

    __tablename__ = "staff_session"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Attempt(Base):
    """One try at something an attacker would repeat: a staff sign-in from an address, a resume code.

    A row per try, counted in one statement, so a limit holds across workers, restarts and machines.
    `key` is a sha256 (of an address), never the address itself.
    """

    __tablename__ = "attempt"
    __table_args__ = (Index("ix_attempt_kind_key_at", "kind", "key", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    key: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)


class Alert(Base):
    """The clinic must hear of urgent answers: written in the same transaction as the submission (or by the
    unsent-draft sweep), then sent by the deliverer through every channel configured, one Delivery each.

    Holds no patient data: a reference, the kind, a count and times. A draft is named by its id, never shown.
    """

    __tablename__ = "alert"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # "sent" (a submission), "unsent" (a draft left with an urgent answer) or "test" (`alerts test`).
    kind: Mapped[str] = mapped_column(String(10))
    submission_reference: Mapped[str | None] = mapped_column(String(20), index=True)
    draft_id: Mapped[str | None] = mapped_column(String(64))
    # The draft's resume code, as its sha256: finds the submission an unsent draft later became.
    resume_hash: Mapped[str | None] = mapped_column(String(64))
    urgent_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    deliveries: Mapped[list["Delivery"]] = relationship(back_populates="alert", cascade="all, delete-orphan",
                                                        passive_deletes=True, order_by="Delivery.id")


class Delivery(Base):
    """One alert through one channel ("email" or "webhook"): pending until delivered, retried with backoff,
    "failed" once retries are given up. A deliverer claims a row (claimed_by, claimed_until) before sending, so
    with several deliverers each is sent once."""

    __tablename__ = "delivery"
    __table_args__ = (Index("ix_delivery_status_next", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alert.id", ondelete="CASCADE"), index=True)
    channel: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    claimed_by: Mapped[str | None] = mapped_column(String(32))
    claimed_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(String(500))
    alert: Mapped[Alert] = relationship(back_populates="deliveries")
    tries: Mapped[list["DeliveryAttempt"]] = relationship(cascade="all, delete-orphan", passive_deletes=True,
                                                          order_by="DeliveryAttempt.id")


class DeliveryAttempt(Base):
    """One try at a delivery: when, how long, and what the server answered (never patient data)."""

    __tablename__ = "delivery_attempt"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    delivery_id: Mapped[int] = mapped_column(ForeignKey("delivery.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    ok: Mapped[bool] = mapped_column(Boolean)
    detail: Mapped[str] = mapped_column(String(500), default="")
    duration_ms: Mapped[int] = mapped_column(Integer, default=0)
