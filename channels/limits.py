"""Rate limits (Flask-Limiter): per conversation on POST /api/v1/chat and on its pictures, per client address on
every /api/ path.

In memory by default (one process); RATE_LIMIT_STORAGE_URI (e.g. redis://127.0.0.1:6379) shares the counts
between the workers and instances of the scaled configuration. If that store is down, requests are let through
on per-process in-memory counts rather than refused: a patient's message matters more than the limit.
A breach is a 429 in the API's error shape, with Retry-After. Messages refused for a missing or wrong
conversation token do not count towards that conversation's limit.
"""

from __future__ import annotations

import json
import math
import time

from flask import Flask, current_app, g, request
from flask_limiter import ApplicationLimit, Limiter, RateLimitExceeded
from limits import parse
from werkzeug.exceptions import HTTPException

from channels.conversation import CONVERSATION_ID
from channels.errors import error_response
from channels.settings import Settings

CHAT_ENDPOINT = "api.chat"
KEY_PREFIX = "careline"
CONVERSATION_SCOPE = "conversation"
LIMITED_PREFIX = "/api/"
RETRY_MESSAGE = ("You are sending messages faster than CareLine can answer them. Please wait {seconds} seconds and "
                 "send your message again. If this is an emergency, call 911 now.")


def client_address() -> str:
    """The peer's address. Behind a reverse proxy this is the proxy's, unless the proxy is trusted (ProxyFix)."""
    return request.remote_addr or "unknown"


def conversation_key() -> str | None:
    """The conversation_id of a chat body, read without failing: a bad body is the view's to refuse."""
    if "conversation_key" not in g:
        g.conversation_key = None
        if request.mimetype == "application/json" and (request.content_length or 0) <= (
                request.max_content_length or math.inf):
            try:
                body = json.loads(request.get_data(cache=True).decode("utf-8"))
            except (ValueError, RecursionError, HTTPException):  # HTTPException: a streamed body over the limit
                body = None
            sent = body.get("conversation_id") if isinstance(body, dict) else None
            if isinstance(sent, str) and CONVERSATION_ID.fullmatch(sent):
                g.conversation_key = sent
    return g.conversation_key


def picture_conversation() -> str:
    """The conversation a picture is posted to, from its URL (checked by the view, not here)."""
    return str((request.view_args or {}).get("conversation_id", ""))


def init_app(app: Flask, settings: Settings) -> Limiter:
    limiter = Limiter(
        client_address,
        app=app,
        storage_uri=settings.rate_limit_storage_uri or "memory://",
        strategy="moving-window",
        key_prefix=KEY_PREFIX,
        swallow_errors=True,
        in_memory_fallback_enabled=True,
        application_limits=[ApplicationLimit(f"{settings.client_rate_per_minute}/minute", scope="client",
                                             exempt_when=lambda: not request.path.startswith(LIMITED_PREFIX))],
        headers_enabled=False,
    )
    limiter.limit(f"{settings.chat_rate_per_minute}/minute", key_func=lambda: conversation_key() or "",
                  exempt_when=lambda: request.endpoint != CHAT_ENDPOINT or conversation_key() is None,
                  deduct_when=_not_refused_entry, scope=CONVERSATION_SCOPE,
                  override_defaults=False)(app.blueprints["api"])
    limiter.limit(f"{settings.image_rate_per_minute}/minute", key_func=picture_conversation,
                  scope="pictures", override_defaults=False)(app.blueprints["images"])

    @app.errorhandler(RateLimitExceeded)
    def _too_many(err: RateLimitExceeded):
        seconds = _retry_after(limiter)
        response, status = error_response(429, "rate_limited", RETRY_MESSAGE.format(seconds=seconds))
        response.headers["Retry-After"] = str(seconds)
        return response, status

    app.extensions["careline_limiter"] = limiter
    app.extensions["careline_conversation_limit"] = parse(f"{settings.chat_rate_per_minute}/minute")
    return limiter


def count_opening_message(conversation_id: str) -> None:
    """Count the message that opened a conversation the server named (it came without an id, so the limiter
    could not count it): its 31st message in a minute, not its 32nd, meets the limit. The key is the one
    Flask-Limiter gives the per-conversation limit; a dead store is let through, as for every limit."""
    limiter = current_app.extensions["careline_limiter"]
    try:
        limiter.limiter.hit(current_app.extensions["careline_conversation_limit"], KEY_PREFIX, conversation_id,
                            f"{CHAT_ENDPOINT}:{CONVERSATION_SCOPE}")
    except Exception:  # noqa: BLE001 - the store's own errors differ by backend (Redis, memory)
        current_app.logger.warning("rate-limit store unavailable; the opening message was not counted")


def _not_refused_entry(response) -> bool:
    """Only messages the conversation's own holder sent use up its allowance: someone who knows a conversation's
    id but not its token is refused (401/403) without locking the patient out."""
    return response.status_code not in (401, 403)


def _retry_after(limiter: Limiter) -> int:
    """Seconds until the breached limit lets the next message through (at least 1)."""
    breached = [limit for limit in limiter.current_limits if limit.breached] or limiter.current_limits
    if not breached:
        return 60
    return max(1, max(min(limit.limit.get_expiry(), math.ceil(limit.reset_at - time.time())) for limit in breached))
