"""What every channel does to inbound text before anything downstream sees it."""

from __future__ import annotations

import secrets
from collections import OrderedDict

from channels.privacy.scrubber import Placeholders, scrub
from channels.privacy.structured import age_answer

MAX_CONVERSATIONS = 10_000
_SALT = secrets.token_hex(16)
_placeholders: OrderedDict[str, Placeholders] = OrderedDict()


def placeholders_for(conversation_id: str) -> Placeholders:
    """Per-conversation placeholder numbering, in memory only (values are held as salted hashes)."""
    if conversation_id not in _placeholders:
        _placeholders[conversation_id] = Placeholders(salt=f"{_SALT}:{conversation_id}")
        if len(_placeholders) > MAX_CONVERSATIONS:
            _placeholders.popitem(last=False)
    _placeholders.move_to_end(conversation_id)
    return _placeholders[conversation_id]


def prepare(conversation_id: str, text: str, requested_slot: str | None) -> str:
    if requested_slot == "age":
        structured = age_answer(text)
        if structured is not None:
            return structured
    return scrub(text, placeholders_for(conversation_id)).text
