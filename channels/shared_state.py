"""Per-conversation state the gateway keeps between requests (SMS options, pending "forget me", placeholders).

In this process's memory by default, as `make run` needs; with SHARED_STATE_URL (redis://...) in Redis, so that
every gunicorn worker and gateway instance of the scaled configuration sees what another one stored. Values are
JSON; every key expires, so a conversation that is never finished does not stay forever.
"""

from __future__ import annotations

import json
import threading
import time
from collections import OrderedDict
from functools import lru_cache
from typing import Any

from flask import current_app

KEY_PREFIX = "careline:state:"
MAX_MEMORY_ENTRIES = 30_000  # the oldest go first: one process's memory stays bounded


class MemoryState:
    """One process's state; what `make run` (one gateway process) has always done."""

    def __init__(self, max_entries: int = MAX_MEMORY_ENTRIES):
        self.max_entries = max_entries
        self._entries: OrderedDict[str, tuple[float, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> Any | None:
        with self._lock:
            return self._live(key)

    def set(self, key: str, value: Any, ttl_s: float) -> None:
        with self._lock:
            self._entries[key] = (time.monotonic() + ttl_s, json.loads(json.dumps(value)))
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def pop(self, key: str) -> Any | None:
        with self._lock:
            value = self._live(key)
            self._entries.pop(key, None)
            return value

    def _live(self, key: str) -> Any | None:
        expires, value = self._entries.get(key, (0.0, None))
        if expires < time.monotonic():
            self._entries.pop(key, None)
            return None
        return value


class RedisState:
    """State every worker and instance shares; Redis expires the keys."""

    def __init__(self, url: str):
        import redis

        self.redis = redis.Redis.from_url(url)

    def get(self, key: str) -> Any | None:
        return _loads(self.redis.get(KEY_PREFIX + key))

    def set(self, key: str, value: Any, ttl_s: float) -> None:
        self.redis.set(KEY_PREFIX + key, json.dumps(value), px=max(1, int(ttl_s * 1000)))

    def pop(self, key: str) -> Any | None:
        return _loads(self.redis.getdel(KEY_PREFIX + key))


SharedState = MemoryState | RedisState


def _loads(raw: bytes | None) -> Any | None:
    return None if raw is None else json.loads(raw)


@lru_cache(maxsize=4)
def open_state(url: str) -> SharedState:
    """The store for SHARED_STATE_URL ("" = this process's memory), one per process and URL."""
    return RedisState(url) if url else MemoryState()


def current() -> SharedState:
    """The running gateway's store, chosen by its settings."""
    return open_state(current_app.config["SETTINGS"].shared_state_url)
