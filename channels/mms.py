"""Pictures sent by MMS: fetched from Twilio's MediaUrl0..MediaUrl9 for channels/sms.py, then checked like web uploads.

Twilio serves media behind HTTP basic auth (account SID and auth token). Those credentials only ever go to the
configured Twilio API origin: a media URL anywhere else is not fetched. Each download is capped at the web upload's
size limit and given a whole-request deadline, because Twilio waits only 15 s for the webhook's answer; the
pictures of one message are fetched side by side, so ten slow ones still take about one deadline, not ten.

Twilio sends at most 10 media per message (MAX_MEDIA), so no more than 10 URLs are ever fetched, whatever NumMedia
says: a NumMedia of 500 takes MediaUrl0..MediaUrl9 and ignores the rest, and a NumMedia that is not a plain number is
0. A NumMedia above the URLs present counts the missing ones as pictures that could not be fetched.
"""

from __future__ import annotations

import logging
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import requests

from channels.errors import ApiError
from channels.images import MAX_IMAGE_BYTES, too_large
from channels.openapi import MAX_MEDIA
from nursing.settings import Settings as NursingSettings

MEDIA_TIMEOUT_S = 8.0
CHUNK_BYTES = 64 * 1024
log = logging.getLogger(__name__)


class MediaUnavailable(Exception):
    """The picture could not be fetched (refused, missing, slow, or not at Twilio's address)."""


def media_urls(form: dict[str, str]) -> list[str]:
    """MediaUrl0.. for the message's NumMedia, at most MAX_MEDIA of them ("" where Twilio gave none)."""
    count = (form.get("NumMedia") or "0").lstrip("0") or "0"
    if not (count.isascii() and count.isdigit()):
        return []  # as before: a NumMedia we cannot read means no picture, and the text is handled alone
    if len(count) > 2 or int(count) > MAX_MEDIA:  # never Twilio: a forged or broken webhook
        log.warning("NumMedia %.10s is over Twilio's %d: only the first %d are fetched", count, MAX_MEDIA, MAX_MEDIA)
        count = str(MAX_MEDIA)
    return [form.get(f"MediaUrl{i}", "") for i in range(int(count))]


def fetch_all(urls: list[str], settings: NursingSettings) -> list[bytes | MediaUnavailable | ApiError]:
    """Each URL's bytes, or why it has none, in the URLs' order: one picture's failure never costs the others.

    All are held until the caller has checked them: at worst MAX_MEDIA x MAX_IMAGE_BYTES (100 MB) for one message.
    """
    if not urls:
        return []
    with ThreadPoolExecutor(max_workers=len(urls), thread_name_prefix="mms") as pool:
        return list(pool.map(lambda url: _fetch_or_why(url, settings), urls))


def _fetch_or_why(url: str, settings: NursingSettings) -> bytes | MediaUnavailable | ApiError:
    try:
        return fetch(url, settings)
    except (MediaUnavailable, ApiError) as err:
        return err


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
