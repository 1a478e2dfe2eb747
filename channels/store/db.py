"""The database: DATABASE_URL (PostgreSQL in the scaled configuration), else SQLite under the data dir."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

ROOT = Path(__file__).resolve().parent.parent.parent


class Base(DeclarativeBase):
    pass


def database_url() -> str:
    data_dir = Path(os.environ.get("CARELINE_DATA_DIR", ROOT / "var"))
    data_dir.mkdir(parents=True, exist_ok=True)
    return os.environ.get("DATABASE_URL") or f"sqlite:///{data_dir / 'careline.db'}"


def engine(url: str | None = None) -> Engine:
    return _engine(url or database_url())


@lru_cache(maxsize=4)
def _engine(url: str) -> Engine:
    from channels.store import models  # noqa: F401 - registers the tables

    created = create_engine(url, pool_pre_ping=True)
    Base.metadata.create_all(created)
    return created


def session(url: str | None = None) -> Session:
    return sessionmaker(engine(url), expire_on_commit=False)()
