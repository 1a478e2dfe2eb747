"""Bot messages as SMS: numbered options instead of buttons (splitting and segment counts: nursing.sms)."""

from __future__ import annotations


def with_options(message: dict) -> str:
    text = message["text"].strip()
    buttons = message.get("buttons") or []
    if not buttons:
        return text
    options = ", ".join(f"{n} for {b['title']}" for n, b in enumerate(buttons, 1))
    return f"{text}\nReply {options}."
