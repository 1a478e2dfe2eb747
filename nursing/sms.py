"""Every outbound SMS (nurse replies, on-call alerts) goes through here: Twilio's REST client, with long text
split at sentence boundaries.

A segment holds 160 GSM-7 characters (153 when concatenated) or 70 UCS-2
characters (67); each message is kept within MAX_SEGMENTS segments.
TWILIO_API_BASE_URL points the sender at a local fake in tests, never the real cloud.

Each request has a time limit (TWILIO_TIMEOUT_S), so a slow Twilio cannot hold a nurse's reply or an alert for
ever; a message Twilio refused with a 5xx, or whose connection failed, was not sent and is tried again up to
TWILIO_RETRIES times. A read timeout is not retried: Twilio may have sent that one, and a page sent twice is worse
than one the alerts re-sender (ALERT_RESEND_S) sends again.
"""

from __future__ import annotations

import re
import time

import requests
from twilio.base.exceptions import TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from nursing.settings import Settings

GSM7 = set("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§"
           "¿abcdefghijklmnopqrstuvwxyzäöñüà^{}\\[~]|€")
MAX_SEGMENTS = 3
FIRST_BACKOFF_S = 0.5


def client(settings: Settings) -> Client:
    twilio = Client(settings.twilio_account_sid, settings.twilio_auth_token or "unset",
                    http_client=TwilioHttpClient(timeout=settings.twilio_timeout_s))
    twilio.api.base_url = settings.twilio_api_base_url
    return twilio


def send(settings: Settings, to: str, text: str) -> list[str]:
    """Send a text, split into segments-friendly messages; returns the message SIDs."""
    twilio = client(settings)
    return [_create(settings, twilio, to, piece) for piece in split(text)]


def _create(settings: Settings, twilio: Client, to: str, body: str) -> str:
    """One message's SID, tried again (with backoff) while Twilio refuses it with a 5xx or cannot be reached."""
    def create() -> str:
        return twilio.messages.create(to=to, from_=settings.twilio_from_number, body=body).sid

    for retry in range(settings.twilio_retries):
        try:
            return create()
        except (TwilioRestException, requests.ConnectionError) as err:
            if not _not_sent(err):
                raise
            time.sleep(FIRST_BACKOFF_S * 2**retry)
    return create()


def _not_sent(err: Exception) -> bool:
    return isinstance(err, requests.ConnectionError) or (isinstance(err, TwilioRestException) and err.status >= 500)


def is_gsm7(text: str) -> bool:
    return all(ch in GSM7 for ch in text)


def units(text: str) -> int:
    """Length as the network counts it: UCS-2 counts UTF-16 code units (an emoji is two)."""
    return len(text) if is_gsm7(text) else len(text.encode("utf-16-le")) // 2


def segments(text: str) -> int:
    single, multi = (160, 153) if is_gsm7(text) else (70, 67)
    return 1 if units(text) <= single else -(-units(text) // multi)


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
