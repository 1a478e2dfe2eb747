"""Log formatters that scrub: a second line of defence if message text ever reaches a log.

Only what a caller wrote is scrubbed (the message and any traceback): the time, level, logger and the request
fields are the formatter's own, and scrubbing them turned the timestamp into <DATE>.
"""

from __future__ import annotations

import json
import logging
import threading
from datetime import UTC, datetime
from functools import lru_cache

from channels.privacy.scrubber import scrub

# Stamped on a record by the gateway (channels.app.RequestFields, the access line); JSON lines carry them.
REQUEST_FIELDS = ("request_id", "method", "path", "status", "duration_ms")

_inside = threading.local()


@lru_cache(maxsize=512)
def _scrubbed(text: str) -> str:
    """Cached: most messages are the same few lines (the access line), and a scrub takes about 10 ms."""
    return scrub(text).text


def scrub_text(text: str) -> str:
    if getattr(_inside, "scrubbing", False):
        return text  # a log line from the scrubber's own libraries, written while it runs
    _inside.scrubbing = True
    try:
        return _scrubbed(text)
    finally:
        _inside.scrubbing = False


class ScrubbingFormatter(logging.Formatter):
    """LOG_FORMAT=text: the classic line, its message and traceback scrubbed."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        record.message = scrub_text(record.message)
        return super().formatMessage(record)

    def formatException(self, ei) -> str:
        return scrub_text(super().formatException(ei))

    def formatStack(self, stack_info: str) -> str:
        return scrub_text(super().formatStack(stack_info))


class JsonFormatter(ScrubbingFormatter):
    """One JSON object a line (the default): time, level, logger, message, and the request's fields when set."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {"time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
                 "level": record.levelname, "logger": record.name, "message": scrub_text(record.getMessage())}
        entry.update({name: getattr(record, name) for name in REQUEST_FIELDS if hasattr(record, name)})
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)
