"""Escalations: create, find, claim (one nurse only), reply, close; every nurse action audited."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import case, select, update

from channels.store.db import session
from channels.store.models import AuditEntry, Escalation, NurseMessage

PRIORITY_ORDER = ("emergency", "urgent", "uncertain", "request")


class AlreadyClaimed(Exception):
    pass


def create(conversation_id: str, priority: str, channel: str, triage: dict | None, slots: dict,
           transcript: list[dict], category: str = "", age_band: str = "") -> Escalation:
    """One open escalation per conversation: a second hand-off raises the priority instead of duplicating."""
    with session() as db:
        current = db.scalar(select(Escalation).where(Escalation.conversation_id == conversation_id,
                                                     Escalation.status.in_(("open", "claimed"))))
        if current:
            if PRIORITY_ORDER.index(priority) < PRIORITY_ORDER.index(current.priority):
                current.priority = priority
            current.triage, current.slots, current.transcript = triage or current.triage, slots, transcript
            db.commit()
            return current
        escalation = Escalation(id="esc_" + secrets.token_hex(8), conversation_id=conversation_id, priority=priority,
                                channel=channel, triage=triage, slots=slots, transcript=transcript,
                                category=category, age_band=age_band)
        db.add(escalation)
        db.commit()
        return escalation


def get(escalation_id: str) -> Escalation | None:
    with session() as db:
        return db.get(Escalation, escalation_id)


def queue(statuses: tuple[str, ...] = ("open", "claimed")) -> list[Escalation]:
    rank = case({p: i for i, p in enumerate(PRIORITY_ORDER)}, value=Escalation.priority)
    with session() as db:
        return list(db.scalars(select(Escalation).where(Escalation.status.in_(statuses))
                               .order_by(rank, Escalation.created_at)))


def claim(escalation_id: str, nurse: str) -> None:
    """Atomic: the UPDATE only matches an open escalation, so of two nurses only one wins."""
    with session() as db:
        result = db.execute(update(Escalation).where(Escalation.id == escalation_id, Escalation.status == "open")
                            .values(status="claimed", claimed_by=nurse))
        if result.rowcount != 1:
            db.rollback()
            raise AlreadyClaimed(escalation_id)
        db.add(AuditEntry(actor=nurse, action="claim", escalation_id=escalation_id))
        db.commit()


def reply(escalation_id: str, nurse: str, text: str) -> NurseMessage:
    with session() as db:
        escalation = db.get(Escalation, escalation_id)
        message = NurseMessage(escalation_id=escalation_id, conversation_id=escalation.conversation_id, text=text)
        escalation.status = "answered"
        db.add(message)
        db.add(AuditEntry(actor=nurse, action="reply", escalation_id=escalation_id))
        db.commit()
        return message


def close(escalation_id: str, nurse: str, outcome: str) -> None:
    with session() as db:
        db.get(Escalation, escalation_id).status = "closed"
        db.add(AuditEntry(actor=nurse, action="close", escalation_id=escalation_id, detail=outcome))
        db.commit()


def audit(actor: str, action: str, escalation_id: str | None = None, detail: str = "") -> None:
    with session() as db:
        db.add(AuditEntry(actor=actor, action=action, escalation_id=escalation_id, detail=detail))
        db.commit()


def undelivered(conversation_id: str) -> list[str]:
    """Nurse replies the patient's web chat has not shown yet (marked delivered as they are read)."""
    with session() as db:
        messages = list(db.scalars(select(NurseMessage).where(NurseMessage.conversation_id == conversation_id,
                                                              NurseMessage.delivered.is_(False))
                                   .order_by(NurseMessage.id)))
        for message in messages:
            message.delivered = True
        db.commit()
        return [m.text for m in messages]


def mark_alerted(escalation_id: str) -> None:
    with session() as db:
        row = db.get(Escalation, escalation_id)
        if row:
            row.alerted_at = datetime.now(UTC)
            db.commit()


def alert_due(delay_s: float, priorities: tuple[str, ...]) -> list[Escalation]:
    """Open (unclaimed) escalations whose last alert is older than delay_s."""
    cutoff = datetime.now(UTC) - timedelta(seconds=delay_s)
    with session() as db:
        rows = db.scalars(select(Escalation).where(Escalation.status == "open", Escalation.priority.in_(priorities),
                                                   Escalation.alerted_at.is_not(None)))
        return [r for r in rows if r.alerted_at.replace(tzinfo=r.alerted_at.tzinfo or UTC) < cutoff]
