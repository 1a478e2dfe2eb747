"""Nurse replies waiting for a web chat: read as often as asked, delivered only when the page says it showed them.

Marking a reply delivered as it was read let any reader swallow it before the
patient's page saw it.
"""

from __future__ import annotations

from sqlalchemy import select, update

from nursing.db import session
from nursing.models import NurseMessage


def undelivered(conversation_id: str) -> list[NurseMessage]:
    with session() as db:
        return list(db.scalars(select(NurseMessage).where(NurseMessage.conversation_id == conversation_id,
                                                          NurseMessage.delivered.is_(False))
                               .order_by(NurseMessage.id)))


def acknowledge(conversation_id: str, message_ids: list[int]) -> int:
    """Mark this conversation's replies delivered; ids of other conversations' replies change nothing."""
    with session() as db:
        result = db.execute(update(NurseMessage).where(NurseMessage.conversation_id == conversation_id,
                                                       NurseMessage.id.in_(message_ids),
                                                       NurseMessage.delivered.is_(False))
                            .values(delivered=True))
        db.commit()
        return result.rowcount
