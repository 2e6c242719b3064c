"""Staff accounts and the audit trail of what staff (and the command line) did."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timezone

from sqlalchemy import Boolean, DateTime, Integer, String, event
from sqlalchemy.orm import Mapped, mapped_column, validates

from screening.database import Base
from screening.models import utcnow


def aware(moment: datetime | None) -> datetime | None:
    # SQLite hands back naive datetimes; everything stored is UTC.
    return moment.replace(tzinfo=timezone.utc) if moment and moment.tzinfo is None else moment


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
