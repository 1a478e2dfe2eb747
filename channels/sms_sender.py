"""Every outbound SMS (nurse replies, on-call alerts) goes through here: Twilio's REST client.

TWILIO_API_BASE_URL points it at a local fake in tests, never the real cloud.
"""

from __future__ import annotations

from twilio.rest import Client

from channels.settings import Settings
from channels.sms_format import split


def client(settings: Settings) -> Client:
    twilio = Client(settings.twilio_account_sid, settings.twilio_auth_token or "unset")
    twilio.api.base_url = settings.twilio_api_base_url
    return twilio


def send(settings: Settings, to: str, text: str) -> list[str]:
    """Send a text, split into segments-friendly messages; returns the message SIDs."""
    twilio = client(settings)
    return [twilio.messages.create(to=to, from_=settings.twilio_from_number, body=piece).sid for piece in split(text)]
