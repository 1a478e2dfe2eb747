"""Rasa's Redis lock store, with tickets that cannot expire while they wait (bot/endpoints-scaled.yml).

Rasa serves a conversation's turns in ticket order; each ticket expires TICKET_LOCK_LIFETIME seconds after it is
issued, so a ticket held by a Rasa server that was killed mid-turn is given up. But a ticket that waits behind it
expires the same lifetime after its own issue, which is only a fraction of a second later, and Rasa checks every
second: most of the time the waiting ticket has expired before it is ever served, and Rasa then waits for a lock that
no ticket holds until the gateway gives up (RASA_TIMEOUT_S). Here a ticket's lifetime runs from when the tickets
ahead of it expire at the latest, so it is served, and then has the full lifetime for its turn.

Rasa imports it by module path (`type: bot.lock_store.QueueingRedisLockStore`), as it does bot/tracker_store.py.
"""

from __future__ import annotations

import time

from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig


class QueueingRedisLockStore(RedisLockStore):
    def __init__(self, endpoint_config: EndpointConfig) -> None:
        super().__init__(host=endpoint_config.url, **endpoint_config.kwargs)

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        try:
            lock = self.get_or_create_lock(conversation_id)
            lock.remove_expired_tickets()
            now = time.time()
            ahead_until = max((ticket.expires for ticket in lock.tickets), default=now)
            ticket = lock.issue_ticket(ahead_until - now + lock_lifetime)
            self.save_lock(lock)
            return ticket
        except Exception as err:  # as Rasa's own issue_ticket: the turn is refused, not taken unordered
            raise LockError(f"Error while acquiring lock. Error:\n{err}") from err
