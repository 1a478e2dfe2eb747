"""Console accounts: scrypt password hashes (werkzeug), lock-out after repeated failures, roles."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from werkzeug.security import check_password_hash, generate_password_hash

from channels.store.db import session
from channels.store.models import User

MAX_FAILURES = 5
LOCK_MINUTES = 15
DEV_USER, DEV_PASSWORD = "nurse", "nurse-dev-password"


class LockedOut(Exception):
    pass


def create(username: str, password: str, role: str = "nurse") -> None:
    if role not in ("nurse", "admin"):
        raise ValueError("role must be nurse or admin")
    if len(password) < 12:
        raise ValueError("passwords need at least 12 characters")
    with session() as db:
        db.merge(User(username=username, password_hash=generate_password_hash(password, "scrypt"), role=role))
        db.commit()


def authenticate(username: str, password: str) -> User | None:
    with session() as db:
        user = db.get(User, username)
        if user is None:
            check_password_hash(generate_password_hash("x", "scrypt"), password)  # same cost either way
            return None
        if user.locked_until and user.locked_until.replace(tzinfo=UTC) > datetime.now(UTC):
            raise LockedOut(username)
        if check_password_hash(user.password_hash, password):
            user.failed_logins, user.locked_until = 0, None
            db.commit()
            return user
        user.failed_logins += 1
        if user.failed_logins >= MAX_FAILURES:
            user.locked_until = datetime.now(UTC) + timedelta(minutes=LOCK_MINUTES)
        db.commit()
        return None


def has_default_password() -> bool:
    with session() as db:
        user = db.get(User, DEV_USER)
        return bool(user and check_password_hash(user.password_hash, DEV_PASSWORD))


def ensure_development_user() -> None:
    """Development only: a known nurse account so `make run` can be tried at once (README says so)."""
    with session() as db:
        if db.get(User, DEV_USER) is None:
            create(DEV_USER, DEV_PASSWORD)
