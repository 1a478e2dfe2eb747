"""Rate limits (Flask-Limiter): per conversation on POST /api/v1/chat and on its pictures, per client address on
every /api/ path.

In memory by default (one process); RATE_LIMIT_STORAGE_URI (e.g. redis://127.0.0.1:6379) shares the counts
between the workers and instances of the scaled configuration. If that store is down, requests are let through
on per-process in-memory counts rather than refused: a patient's message matters more than the limit.
A breach is a 429 in the API's error shape, with Retry-After. The message that opens a conversation counts, also
when CareLine names the conversation; messages refused for a missing or wrong conversation token do not count.
"""

from __future__ import annotations

import json
import math
import time

from flask import Flask, g, request
from flask_limiter import ApplicationLimit, Limiter, RateLimitExceeded
from werkzeug.exceptions import HTTPException

from channels.conversation import CONVERSATION_ID, new_conversation_id
from channels.errors import error_response
from channels.settings import Settings

CHAT_ENDPOINT = "api.chat"
LIMITED_PREFIX = "/api/"
RETRY_MESSAGE = ("You are sending messages faster than CareLine can answer them. Please wait {seconds} seconds and "
                 "send your message again. If this is an emergency, call 911 now.")


def client_address() -> str:
    """The peer's address. Behind a reverse proxy this is the proxy's, unless the proxy is trusted (ProxyFix)."""
    return request.remote_addr or "unknown"


def conversation_key() -> str | None:
    """The conversation_id of a chat body, read without failing: a bad body is the view's to refuse.

    A chat body without one opens a conversation that CareLine names, here, before the limiter counts the message,
    so the opening message counts like every other; the view takes the same id from here."""
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
            elif isinstance(body, dict) and sent is None and request.endpoint == CHAT_ENDPOINT:
                g.conversation_key = new_conversation_id()
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
        key_prefix="careline",
        swallow_errors=True,
        in_memory_fallback_enabled=True,
        application_limits=[ApplicationLimit(f"{settings.client_rate_per_minute}/minute", scope="client",
                                             exempt_when=lambda: not request.path.startswith(LIMITED_PREFIX))],
        headers_enabled=False,
    )
    limiter.limit(f"{settings.chat_rate_per_minute}/minute", key_func=lambda: conversation_key() or "",
                  exempt_when=lambda: request.endpoint != CHAT_ENDPOINT or conversation_key() is None,
                  deduct_when=_not_refused_entry, scope="conversation",
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
    return limiter


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
