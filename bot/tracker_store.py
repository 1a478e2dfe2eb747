"""Rasa's SQL tracker store, made to survive PostgreSQL sessions that end under it (bot/endpoints-scaled.yml).

Rasa wraps every tracker store in its FailSafeTrackerStore: a save that fails goes to an in-memory store and the
turn is answered as if stored; a read that fails starts the conversation over. Rasa 3.6's SQL store builds its
engine without `pool_pre_ping` and endpoints.yml cannot ask for it, so a pooled connection whose session was
terminated (a failover, a restart, an administrator) failed the next turn. This store checks each pooled connection
before use and replaces a dead one, and does a read or a save once more when the connection dies during it (a save
stores only the events the database lacks, so doing it again stores nothing twice; an event broker, which the
scaled stack does not configure, would be sent the events again). A save that still fails is
noticed by the gateway (channels/conversation.py), which answers a retryable 503.

Rasa imports it by module path (`type: bot.tracker_store.ReconnectingSQLTrackerStore`); the Rasa server runs from
the repository root, which Rasa puts on sys.path. It runs in Rasa's environment (.venv-rasa, SQLAlchemy 1.4).
"""

from __future__ import annotations

import logging

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from sqlalchemy.exc import DBAPIError

log = logging.getLogger(__name__)


class ReconnectingSQLTrackerStore(SQLTrackerStore):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        built = self.engine
        self.engine = sa.create_engine(built.url, pool_pre_ping=True, **create_engine_kwargs(built.url))
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
        built.dispose()

    async def retrieve(self, sender_id):
        return await _once_more_if_disconnected(super().retrieve, sender_id)

    async def retrieve_full_tracker(self, conversation_id):
        return await _once_more_if_disconnected(super().retrieve_full_tracker, conversation_id)

    async def save(self, tracker) -> None:
        await _once_more_if_disconnected(super().save, tracker)


async def _once_more_if_disconnected(call, argument):
    try:
        return await call(argument)
    except DBAPIError as err:
        _raise_unless_disconnected(err)
        return await call(argument)


def _raise_unless_disconnected(err: DBAPIError) -> None:
    """A connection that died in use is worth one more try on a fresh one (SQLAlchemy has already discarded
    the pool's connections of that age); any other database error is not."""
    if not err.connection_invalidated:
        raise err
    log.warning("tracker store connection lost; trying once more on a new one")
