"""Console accounts: scrypt password hashes (werkzeug), roles, and sign-in throttling instead of a lock."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache

from sqlalchemy import delete, func, select
from werkzeug.security import check_password_hash, generate_password_hash

from channels.settings import Settings
from nursing.db import session
from nursing.escalations import audit
from nursing.models import SignInFailure, User

ROLES = ("nurse", "admin")
FREE_FAILURES = 3  # recent failures before each further try has to wait
DEV_USER, DEV_PASSWORD = "nurse", "nurse-dev-password"


@dataclass(frozen=True)
class Account:
    username: str
    role: str
    recent_failures: int


def create(username: str, password: str, role: str = "nurse", replace: bool = True) -> None:
    if role not in ROLES:
        raise ValueError("role must be nurse or admin")
    if len(password) < 12:
        raise ValueError("passwords need at least 12 characters")
    if not 0 < len(username) <= 80:
        raise ValueError("usernames have 1 to 80 characters")
    with session() as db:
        if not replace and db.get(User, username):
            raise ValueError("that username is taken")
        db.merge(User(username=username, password_hash=generate_password_hash(password, "scrypt"), role=role))
        db.commit()


@cache
def _dummy_hash() -> str:
    """Unknown usernames are checked against this, once hashed per process: the same scrypt work as a real check."""
    return generate_password_hash(secrets.token_urlsafe(32), "scrypt")


def authenticate(username: str, password: str, address: str, settings: Settings) -> User | None:
    """The account, or None; unknown, wrong and throttled look alike (one hash check each, one answer).

    A try that has to wait is refused without being counted, so nobody can push an account into a lock.
    """
    username, address = username[:80], address[:64]
    with session() as db:
        user = db.get(User, username)
        matches = check_password_hash(user.password_hash if user else _dummy_hash(), password)
        waiting = _must_wait(db, username, address, settings)
        if user and matches and not waiting:
            db.execute(delete(SignInFailure).where(SignInFailure.username == username,
                                                   SignInFailure.address == address))
            db.commit()
            return user
        if not waiting:
            db.add(SignInFailure(username=username, address=address))
            db.commit()
    audit(username, "sign_in_throttled" if waiting else "sign_in_failed", detail=f"from {address}")
    return None


def _must_wait(db, username: str, address: str, settings: Settings) -> bool:
    """Growing delays per account at one client address, and per client address: past FREE_FAILURES failures
    within the window, each try waits twice as long after the last failure as the one before (at most the
    window). Not per account alone: then anyone who knows a username could keep its nurse out from anywhere."""
    now = datetime.now(UTC)
    for where in ((SignInFailure.username == username) & (SignInFailure.address == address),
                  SignInFailure.address == address):
        count, last = db.execute(select(func.count(), func.max(SignInFailure.created_at)).where(
            where, SignInFailure.created_at >= now - timedelta(seconds=settings.console_sign_in_window_s))).one()
        if count >= FREE_FAILURES:
            delay = min(settings.console_sign_in_backoff_s * 2 ** (count - FREE_FAILURES), settings.console_sign_in_window_s)
            if (last if last.tzinfo else last.replace(tzinfo=UTC)) + timedelta(seconds=delay) > now:
                return True
    return False


def accounts(settings: Settings) -> list[Account]:
    since = datetime.now(UTC) - timedelta(seconds=settings.console_sign_in_window_s)
    with session() as db:
        failures = dict(db.execute(select(SignInFailure.username, func.count()).where(
            SignInFailure.created_at >= since).group_by(SignInFailure.username)).all())
        return [Account(user.username, user.role, failures.get(user.username, 0))
                for user in db.scalars(select(User).order_by(User.username))]


def reset_throttling(username: str) -> None:
    with session() as db:
        db.execute(delete(SignInFailure).where(SignInFailure.username == username))
        db.commit()


def has_default_password() -> bool:
    with session() as db:
        user = db.get(User, DEV_USER)
        return bool(user and check_password_hash(user.password_hash, DEV_PASSWORD))


def ensure_development_user() -> None:
    """Development only: a known nurse account so `make run` can be tried at once (README says so)."""
    with session() as db:
        if db.get(User, DEV_USER) is None:
            create(DEV_USER, DEV_PASSWORD)
