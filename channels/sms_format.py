"""Bot messages as SMS: numbered options instead of buttons, long text split at sentence boundaries.

A segment holds 160 GSM-7 characters (153 when concatenated) or 70 UCS-2
characters (67); each <Message> is kept within MAX_SEGMENTS segments.
"""

from __future__ import annotations

import re

GSM7 = set("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§"
           "¿abcdefghijklmnopqrstuvwxyzäöñüà^{}\\[~]|€")
MAX_SEGMENTS = 3


def is_gsm7(text: str) -> bool:
    return all(ch in GSM7 for ch in text)


def units(text: str) -> int:
    """Length as the network counts it: UCS-2 counts UTF-16 code units (an emoji is two)."""
    return len(text) if is_gsm7(text) else len(text.encode("utf-16-le")) // 2


def segments(text: str) -> int:
    single, multi = (160, 153) if is_gsm7(text) else (70, 67)
    return 1 if units(text) <= single else -(-units(text) // multi)


def with_options(message: dict) -> str:
    text = message["text"].strip()
    buttons = message.get("buttons") or []
    if not buttons:
        return text
    options = ", ".join(f"{n} for {b['title']}" for n, b in enumerate(buttons, 1))
    return f"{text}\nReply {options}."


def split(text: str) -> list[str]:
    """Pieces of at most MAX_SEGMENTS segments each, cut between sentences (or words, if one is too long)."""
    limit = (153 if is_gsm7(text) else 67) * MAX_SEGMENTS
    pieces, current = [], ""
    for sentence in re.split(r"(?<=[.!?])\s+|\n+", text):
        for part in _words_within(sentence, limit):
            if current and units(current) + 1 + units(part) > limit:
                pieces.append(current)
                current = part
            else:
                current = f"{current} {part}".strip() if current else part
    if current:
        pieces.append(current)
    return pieces


def _words_within(sentence: str, limit: int) -> list[str]:
    if units(sentence) <= limit:
        return [sentence] if sentence else []
    parts, current = [], ""
    for word in sentence.split():
        if current and units(current) + 1 + units(word) > limit:
            parts.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    return parts + ([current] if current else [])
