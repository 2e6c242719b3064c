"""The stored records: drafts in progress, submissions, and every rules version that produced one."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from screening.database import Base


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Draft(Base):
    """Answers in progress, keyed by an unguessable id that only the patient's cookie holds."""

    __tablename__ = "draft"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    resume_hash: Mapped[str] = mapped_column(String(64), unique=True)
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


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
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    submitted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)
    topics: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    rules_version: Mapped[str] = mapped_column(String(100))
    rules_sha256: Mapped[str] = mapped_column(ForeignKey("rules_version.sha256"))
    # The question catalogue the patient was asked (Questionnaire.version in screening.answers).
    catalogue_version: Mapped[str] = mapped_column(String(16), default="")
    highest_severity: Mapped[str | None] = mapped_column(String(10))
    urgent_count: Mapped[int] = mapped_column(Integer, default=0)
    discuss_count: Mapped[int] = mapped_column(Integer, default=0)
    mention_count: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(10), default="new")
    # Set once, by the clinician who marked it reviewed; the answers themselves never change.
    reviewed_by: Mapped[str | None] = mapped_column(String(254))
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
