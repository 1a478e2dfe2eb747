"""What every channel does to inbound text before anything downstream sees it."""

from __future__ import annotations

import hashlib
import hmac

from flask import current_app

from channels import shared_state
from channels.privacy.scrubber import Placeholders, scrub
from channels.privacy.structured import age_answer

PLACEHOLDERS_KEPT_S = 7 * 24 * 3600  # how long a paused conversation keeps its numbering (<PERSON>, <PERSON_2>)


def placeholders_for(conversation_id: str) -> Placeholders:
    """The conversation's placeholder numbering so far, from the shared state (any worker may take its next turn).

    The values are held only as hashes salted with a key derived from the gateway's secret key, which every worker
    shares and the shared state never holds.
    """
    salt = hmac.new(current_app.secret_key.encode(), f"placeholders:{conversation_id}".encode(),
                    hashlib.sha256).hexdigest()
    return Placeholders(salt=salt, seen=shared_state.current().get(_key(conversation_id)) or {})


def prepare(conversation_id: str, text: str, requested_slot: str | None) -> str:
    if requested_slot == "age":
        structured = age_answer(text)
        if structured is not None:
            return structured
    placeholders = placeholders_for(conversation_id)
    scrubbed = scrub(text, placeholders).text
    shared_state.current().set(_key(conversation_id), placeholders.seen, PLACEHOLDERS_KEPT_S)
    return scrubbed


def _key(conversation_id: str) -> str:
    return f"placeholders:{conversation_id}"
