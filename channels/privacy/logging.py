"""A log formatter that scrubs: a second line of defence if message text ever reaches a log."""

import logging
import threading

from channels.privacy.scrubber import scrub

_inside = threading.local()


class ScrubbingFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        if getattr(_inside, "scrubbing", False):
            return line  # a log line from the scrubber's own libraries, written while it runs
        _inside.scrubbing = True
        try:
            return scrub(line).text
        finally:
            _inside.scrubbing = False
