"""Tables. Identities hold encrypted values only; nothing else holds raw PHI."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import JSON, DateTime, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from nursing.db import Base


def now() -> datetime:
    return datetime.now(UTC)


class Identity(Base):
    """The identity vault: who a patient id belongs to (phone, portal id, name), encrypted at rest."""

    __tablename__ = "identities"
    __table_args__ = (UniqueConstraint("kind", "lookup"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[str] = mapped_column(String(40), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    lookup: Mapped[str] = mapped_column(String(64))
    secret: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)


class ConversationToken(Base):
    """A web conversation's bearer token. Only its SHA-256 is kept (the token is 256 random bits, so a fast hash
    is enough): a copy of this table opens no conversation."""

    __tablename__ = "conversation_tokens"
    conversation_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)


class UsedLaunch(Base):
    """Portal launch links already opened. A link seen later in browser history, a proxy log or over a shoulder
    is spent: it cannot take the conversation from the patient. Only a hash of the link (or its jti) is kept."""

    __tablename__ = "used_launches"
    launch_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)


class ProcessedMessage(Base):
    """Inbound SMS already handled (Twilio retries webhooks)."""

    __tablename__ = "processed_messages"
    sid: Mapped[str] = mapped_column(String(64), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)


class OptOut(Base):
    __tablename__ = "sms_opt_outs"
    lookup: Mapped[str] = mapped_column(String(64), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)


class Escalation(Base):
    """A hand-off to nurses. Transcript and slots are scrubbed text: no raw PHI."""

    __tablename__ = "escalations"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    conversation_id: Mapped[str] = mapped_column(String(64), index=True)
    priority: Mapped[str] = mapped_column(String(20), index=True)
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)
    channel: Mapped[str] = mapped_column(String(20), default="web")
    triage: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    slots: Mapped[dict] = mapped_column(JSON, default=dict)
    transcript: Mapped[list] = mapped_column(JSON, default=list)
    claimed_by: Mapped[str | None] = mapped_column(String(80), nullable=True)
    alerted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    category: Mapped[str] = mapped_column(String(120), default="")
    age_band: Mapped[str] = mapped_column(String(20), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now, index=True)


class NurseMessage(Base):
    """A nurse's reply to a patient, delivered by the patient's channel."""

    __tablename__ = "nurse_messages"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    escalation_id: Mapped[str] = mapped_column(String(40), index=True)
    conversation_id: Mapped[str] = mapped_column(String(64), index=True)
    text: Mapped[str] = mapped_column(Text)
    delivered: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)


class AuditEntry(Base):
    """Append-only: every read and write by a nurse."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    actor: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(40))
    escalation_id: Mapped[str | None] = mapped_column(String(40), nullable=True, index=True)
    detail: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)


class User(Base):
    __tablename__ = "console_users"
    username: Mapped[str] = mapped_column(String(80), primary_key=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20), default="nurse")


class ConsoleSession(Base):
    """A signed-in console session. The cookie holds the random id; only its hash is kept, so a copy of
    this table opens no session, and deleting the row ends every copy of the cookie."""

    __tablename__ = "console_sessions"
    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    username: Mapped[str] = mapped_column(String(80), index=True)
    last_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)


class SignInFailure(Base):
    """A failed console sign-in, counted per account and per client address while it is recent."""

    __tablename__ = "console_sign_in_failures"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(80), index=True)
    address: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now, index=True)


class StoredImage(Base):
    """An image a patient uploaded: re-encoded PNG, encrypted with the vault key in a file under the data dir
    (`file` names it). The row carries no pixels; `check` holds the model's verdict for the nurse."""

    __tablename__ = "images"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    conversation_id: Mapped[str] = mapped_column(String(64), index=True)
    escalation_id: Mapped[str | None] = mapped_column(String(40), nullable=True, index=True)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    check: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)
