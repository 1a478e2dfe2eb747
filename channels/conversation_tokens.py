"""Conversation tokens: the one credential of a web conversation, handed to the patient's browser once.

A conversation id travels in URLs and logs and may be guessed; the token
never does. The first turn issues it, every later request must present it.
"""

from __future__ import annotations

import hmac
import secrets

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError

from nursing.db import digest, session
from nursing.models import ConversationToken


class AlreadyIssued(Exception):
    """The conversation has a token already: whoever asks again is not its patient."""


def issue(conversation_id: str) -> str:
    """A token for a new conversation; atomic, so of two first turns racing for one id only one gets it."""
    token = secrets.token_urlsafe(32)
    with session() as db:
        db.add(ConversationToken(conversation_id=conversation_id, token_hash=digest(token)))
        try:
            db.commit()
        except IntegrityError as err:
            db.rollback()
            raise AlreadyIssued(conversation_id) from err
    return token


def reissue(conversation_id: str) -> str:
    """A fresh token for a conversation the server vouches for (a portal launch); the previous one stops working."""
    token = secrets.token_urlsafe(32)
    with session() as db:
        row = db.get(ConversationToken, conversation_id)
        if row:
            row.token_hash = digest(token)
        else:
            db.add(ConversationToken(conversation_id=conversation_id, token_hash=digest(token)))
        db.commit()
    return token


def revoke(conversation_id: str) -> None:
    with session() as db:
        db.execute(delete(ConversationToken).where(ConversationToken.conversation_id == conversation_id))
        db.commit()


def matches(conversation_id: str, token: str) -> bool:
    with session() as db:
        row = db.get(ConversationToken, conversation_id)
    return hmac.compare_digest(row.token_hash if row else "", digest(token))
