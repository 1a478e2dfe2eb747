"""Server-side console sessions: the cookie carries a random id, the database holds the session.

Deleting a row ends the session for every copy of its cookie, which a signed client-side cookie cannot do.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask_login import UserMixin
from sqlalchemy import delete, select

from nursing.db import digest, session
from nursing.models import ConsoleSession, User


@dataclass(frozen=True)
class Nurse(UserMixin):
    """Flask-Login's user: its id is the session's, so loading it checks the session first."""

    session_id: str
    username: str
    role: str

    def get_id(self) -> str:
        return self.session_id

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def start(user: User, idle_timeout_s: float) -> Nurse:
    session_id = secrets.token_urlsafe(32)
    with session() as db:
        db.execute(delete(ConsoleSession).where(ConsoleSession.last_seen < _idle_since(idle_timeout_s)))
        db.add(ConsoleSession(id_hash=digest(session_id), username=user.username))
        db.commit()
    return Nurse(session_id, user.username, user.role)


def load(session_id: str, idle_timeout_s: float, activity: bool) -> Nurse | None:
    """The signed-in nurse, or None once the session has ended or idled out.

    Only activity renews the session: a background refresh must not keep an unattended console open.
    """
    with session() as db:
        row = db.scalar(select(ConsoleSession).where(ConsoleSession.id_hash == digest(session_id),
                                                     ConsoleSession.last_seen >= _idle_since(idle_timeout_s)))
        user = row and db.get(User, row.username)
        if user is None:
            db.execute(delete(ConsoleSession).where(ConsoleSession.id_hash == digest(session_id)))
            db.commit()
            return None
        if activity:
            row.last_seen = datetime.now(UTC)
            db.commit()
        return Nurse(session_id, user.username, user.role)


def end(session_id: str) -> None:
    with session() as db:
        db.execute(delete(ConsoleSession).where(ConsoleSession.id_hash == digest(session_id)))
        db.commit()


def _idle_since(idle_timeout_s: float) -> datetime:
    return datetime.now(UTC) - timedelta(seconds=idle_timeout_s)
