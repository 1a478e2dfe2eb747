"""Escalations: create, find, and the nurses' workflow (WORKFLOW below); every nurse action audited."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import case, false, func, select, update

from nursing.db import session
from nursing.models import AuditEntry, Escalation, NurseMessage

PRIORITY_ORDER = ("emergency", "urgent", "uncertain", "request")


@dataclass(frozen=True)
class Step:
    sources: tuple[str, ...]
    target: str | None  # None: the status stays as it is
    by: str  # "any nurse", "the claimer" or "an admin"


# The whole workflow: open -> claimed -> answered -> closed. Nothing else changes a status.
WORKFLOW = {
    "claim": Step(("open",), "claimed", "any nurse"),
    "reply": Step(("claimed", "answered"), "answered", "the claimer"),
    "close": Step(("claimed", "answered"), "closed", "the claimer"),
    "take_over": Step(("claimed", "answered"), None, "an admin"),
    "reopen": Step(("closed",), "open", "any nurse"),
}
WAITING_FOR_NURSES = ("open", "claimed")
WAITING_FOR_THE_PATIENT = ("answered",)


class NotAllowed(Exception):
    """The workflow refuses the action; status is the HTTP status the console answers with."""

    def __init__(self, message: str, status: int = 409):
        super().__init__(message)
        self.message, self.status = message, status


class AlreadyClaimed(NotAllowed):
    pass


def create(conversation_id: str, priority: str, channel: str, triage: dict | None, slots: dict,
           transcript: list[dict], category: str = "", age_band: str = "") -> Escalation:
    """One open escalation per conversation: a second hand-off raises the priority instead of duplicating.

    The same hand-off again (a patient re-sending a message after a 503 for a turn whose action server died after
    this committed) finds the open escalation and updates it. The look-up and the insert run under the
    conversation's lock (_lock_conversation), so two hand-offs at once (a killed Rasa server's action still running
    while the other server takes the retry) cannot both insert.
    """
    with session() as db:
        _lock_conversation(db, conversation_id)
        current = db.scalar(select(Escalation).where(Escalation.conversation_id == conversation_id,
                                                     Escalation.status.in_(WAITING_FOR_NURSES))
                            .order_by(Escalation.created_at).limit(1))
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


def _lock_conversation(db, conversation_id: str) -> None:
    """Serialise creating this conversation's escalation until the transaction ends: PostgreSQL's transaction-scoped
    advisory lock on the conversation id; SQLite's write lock, taken by an UPDATE that changes nothing."""
    if db.get_bind().dialect.name == "postgresql":
        db.execute(select(func.pg_advisory_xact_lock(func.hashtextextended(conversation_id, 0))))
    else:
        db.execute(update(Escalation).where(false()).values(status=Escalation.status))


def get(escalation_id: str) -> Escalation | None:
    with session() as db:
        return db.get(Escalation, escalation_id)


def queue(statuses: tuple[str, ...] = WAITING_FOR_NURSES) -> list[Escalation]:
    rank = case({p: i for i, p in enumerate(PRIORITY_ORDER)}, value=Escalation.priority)
    with session() as db:
        return list(db.scalars(select(Escalation).where(Escalation.status.in_(statuses))
                               .order_by(rank, Escalation.created_at)))


def claim(escalation_id: str, nurse: str) -> None:
    with session() as db:
        _step(db, escalation_id, "claim", nurse, claimed_by=nurse)
        db.commit()


def reply(escalation_id: str, nurse: str, text: str) -> NurseMessage:
    with session() as db:
        row = _step(db, escalation_id, "reply", nurse)
        message = NurseMessage(escalation_id=escalation_id, conversation_id=row.conversation_id, text=text)
        db.add(message)
        db.commit()
        return message


def close(escalation_id: str, nurse: str, outcome: str) -> None:
    with session() as db:
        _step(db, escalation_id, "close", nurse, detail=outcome)
        db.commit()


def take_over(escalation_id: str, admin: str, role: str) -> None:
    """An admin takes a claimed escalation from its nurse (who may be off shift); the audit names both."""
    with session() as db:
        previous = db.get(Escalation, escalation_id)
        _step(db, escalation_id, "take_over", admin, role=role, claimed_by=admin,
              detail=f"from {previous.claimed_by}" if previous else "")
        db.commit()


def reopen(escalation_id: str, nurse: str) -> None:
    """Back to the queue, unclaimed: the only way out of closed, so a late reply never reopens silently."""
    with session() as db:
        _step(db, escalation_id, "reopen", nurse, claimed_by=None)
        db.commit()


def allowed(row: Escalation, actor: str, role: str) -> set[str]:
    """What this user may do to this escalation now; the console shows only these buttons."""
    return {action for action, step in WORKFLOW.items() if row.status in step.sources
            and (step.by != "the claimer" or row.claimed_by == actor) and (step.by != "an admin" or role == "admin")}


def _step(db, escalation_id: str, action: str, actor: str, role: str = "nurse", detail: str = "",
          **values) -> Escalation:
    """One conditional UPDATE, so the check and the change are atomic (two nurses cannot both win a claim)."""
    step = WORKFLOW[action]
    if step.by == "an admin" and role != "admin":
        raise NotAllowed("Only an admin can do that.", 403)
    conditions = [Escalation.id == escalation_id, Escalation.status.in_(step.sources)]
    if step.by == "the claimer":
        conditions.append(Escalation.claimed_by == actor)
    changes = {**values, **({"status": step.target} if step.target else {})}
    if db.execute(update(Escalation).where(*conditions).values(**changes)).rowcount != 1:
        db.rollback()
        raise _refusal(db.get(Escalation, escalation_id), action, actor)
    db.add(AuditEntry(actor=actor, action=action, escalation_id=escalation_id, detail=detail))
    return db.get(Escalation, escalation_id)


def _refusal(row: Escalation | None, action: str, actor: str) -> NotAllowed:
    if row is None:
        return NotAllowed("There is no such escalation.", 404)
    if action == "claim" and row.status != "closed":
        return AlreadyClaimed("Another nurse has already claimed this escalation.")
    if row.status not in WORKFLOW[action].sources:
        hint = " Claim it first." if row.status == "open" else " Reopen it first." if row.status == "closed" else ""
        return NotAllowed(f"This escalation is {row.status}: you cannot {action.replace('_', ' ')} it.{hint}")
    return NotAllowed(f"Only {row.claimed_by}, who claimed this escalation, can {action} it.", 403)


def audit(actor: str, action: str, escalation_id: str | None = None, detail: str = "") -> None:
    with session() as db:
        db.add(AuditEntry(actor=actor, action=action, escalation_id=escalation_id, detail=detail))
        db.commit()


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
