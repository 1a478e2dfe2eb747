"""A picture sent by MMS: fetched from Twilio's MediaUrl0 for channels/sms.py, then checked like a web upload.

Twilio serves media behind HTTP basic auth (account SID and auth token). Those credentials only ever go to the
configured Twilio API origin: a media URL anywhere else is not fetched. The download is capped at the web upload's
size limit and given a whole-request deadline, because Twilio waits only 15 s for the webhook's answer.
"""

from __future__ import annotations

import time
from urllib.parse import urlsplit

import requests

from channels.images import MAX_IMAGE_BYTES, too_large
from nursing.settings import Settings as NursingSettings

MEDIA_TIMEOUT_S = 8.0
CHUNK_BYTES = 64 * 1024


class MediaUnavailable(Exception):
    """The picture could not be fetched (refused, missing, slow, or not at Twilio's address)."""


def fetch(url: str, settings: NursingSettings) -> bytes:
    """The media's bytes; raises MediaUnavailable, or the web upload's 413 ApiError when it is over the size limit."""
    if not _at_twilio(url, settings.twilio_api_base_url):
        raise MediaUnavailable("the media URL is not Twilio's")
    deadline = time.monotonic() + MEDIA_TIMEOUT_S
    try:
        with requests.get(url, auth=(settings.twilio_account_sid, settings.twilio_auth_token),
                          timeout=MEDIA_TIMEOUT_S, stream=True) as response:
            if response.status_code != 200:
                raise MediaUnavailable(f"Twilio answered {response.status_code}")
            return _read_capped(response, deadline)
    except requests.RequestException as err:
        raise MediaUnavailable(err.__class__.__name__) from err


def _at_twilio(url: str, api_base_url: str) -> bool:
    """Same scheme and host as the Twilio API we are configured for: the auth token goes nowhere else."""
    sent, ours = urlsplit(url), urlsplit(api_base_url)
    return bool(sent.netloc) and (sent.scheme, sent.netloc) == (ours.scheme, ours.netloc)


def _read_capped(response: requests.Response, deadline: float) -> bytes:
    """The body, refused as too large as soon as it passes the limit (a missing or false Content-Length included)."""
    if int(response.headers.get("Content-Length") or 0) > MAX_IMAGE_BYTES:
        raise too_large()
    data = bytearray()
    for chunk in response.iter_content(CHUNK_BYTES):
        data += chunk
        if len(data) > MAX_IMAGE_BYTES:
            raise too_large()
        if time.monotonic() > deadline:
            raise MediaUnavailable("the download took too long")
    return bytes(data)
