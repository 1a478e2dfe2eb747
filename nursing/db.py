"""The database: DATABASE_URL (PostgreSQL in the scaled configuration), else SQLite under the data dir."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from nursing.settings import Settings


class Base(DeclarativeBase):
    pass


def database_url(settings: Settings | None = None) -> str:
    settings = settings or Settings()
    if settings.database_url:
        return settings.database_url
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{settings.data_dir / 'careline.db'}"


def engine(url: str | None = None) -> Engine:
    return _engine(url or database_url())


@lru_cache(maxsize=4)
def _engine(url: str) -> Engine:
    created = create_engine(url, pool_pre_ping=True)
    migrate(created)
    return created


def alembic_config():
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    return config


def migrate(target: Engine) -> None:
    """Bring the schema to the newest Alembic revision (idempotent)."""
    from alembic import command

    config = alembic_config()
    with target.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def session(url: str | None = None) -> Session:
    return sessionmaker(engine(url), expire_on_commit=False)()


def digest(secret: str) -> str:
    """How a random secret (a conversation token, a console session id, a launch link) is stored: its SHA-256.
    The secrets carry 256 random bits, so a fast hash is enough, and a copy of the database opens nothing."""
    return hashlib.sha256(secret.encode()).hexdigest()
