"""The JSON API: POST /api/v1/chat, the nurse replies a web chat polls for, GET /healthz and GET /api/openapi.json.

A conversation id is not a secret (it may be guessed or seen), so every
request after the first turn must carry the conversation_token that turn
returned, as `Authorization: Bearer <token>`.
"""

from __future__ import annotations

import json

from flask import Blueprint, current_app, jsonify, request

from channels import conversation_tokens, limits
from channels.conversation import check_conversation_id, take_turn
from channels.errors import ApiError
from channels.openapi import AckRequest, ChatRequest, document, parse
from channels.rasa_client import RasaClient
from nursing import nurse_replies

bp = Blueprint("api", __name__)
# The identity vault's patient ids (SMS and portal patients): the web API never opens one; a portal
# patient's page gets its token from the launch.
VAULT_PREFIX = "p_"
NURSE_PREFIX = "A CareLine nurse replied: "


def _json_body() -> dict:
    if request.mimetype != "application/json":
        raise ApiError(415, "unsupported_media_type", "Send the message as JSON (Content-Type: application/json).")
    try:
        body = json.loads(request.get_data().decode("utf-8"))
    except UnicodeDecodeError as err:
        raise ApiError(400, "invalid_encoding", "The request body must be UTF-8 text.") from err
    except (ValueError, RecursionError) as err:  # not JSON, too deeply nested, an integer of too many digits
        raise ApiError(400, "invalid_json", "The request body is not valid JSON.") from err
    if not isinstance(body, dict):
        raise ApiError(400, "invalid_json", "The request body must be a JSON object.")
    return body


def _refused() -> ApiError:
    """One answer for a missing, wrong or unknown token, so it tells nothing about the conversation."""
    return ApiError(401, "invalid_conversation_token",
                    "This conversation needs the conversation_token of its first answer, "
                    "sent as 'Authorization: Bearer <conversation_token>'.")


def _authorize(conversation_id: str) -> None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not conversation_tokens.matches(conversation_id, token.strip()):
        raise _refused()


def _start(rasa: RasaClient, conversation_id: str) -> str:
    """The token of a new conversation; an id with a past (Rasa history, the vault) is not new to whoever asks."""
    if conversation_id.startswith(VAULT_PREFIX) or (rasa.tracker(conversation_id).get("latest_message") or {}).get("text"):
        raise _refused()
    try:
        return conversation_tokens.issue(conversation_id)
    except conversation_tokens.AlreadyIssued as err:
        raise _refused() from err


@bp.post("/api/v1/chat")
def chat():
    body = parse(ChatRequest, _json_body(), max_text_chars=current_app.config["SETTINGS"].max_text_chars)
    conversation_id = body.conversation_id or limits.conversation_key()  # named before the limiter counted it
    text = body.text
    rasa = current_app.extensions["rasa"]
    if "Authorization" in request.headers:
        _authorize(conversation_id)
        return jsonify({**take_turn(rasa, conversation_id, text).as_json(), "conversation_id": conversation_id})
    token = _start(rasa, conversation_id)
    try:
        turn = take_turn(rasa, conversation_id, text)
    except Exception:
        conversation_tokens.revoke(conversation_id)  # the patient never got the token: let them start again
        raise
    return jsonify({**turn.as_json(), "conversation_id": conversation_id, "conversation_token": token})


@bp.get("/healthz")
def healthz():
    parts = {"gateway": True, **current_app.extensions["rasa"].health()}
    down = [name for name, ok in parts.items() if not ok]
    body = {"status": "ok" if not down else "unavailable", "parts": parts, "down": down}
    return jsonify(body), (200 if not down else 503)


@bp.get("/api/v1/chat/<conversation_id>/updates")
def updates(conversation_id: str):
    """Nurse replies this web chat has not acknowledged yet (the page polls every few seconds)."""
    _authorize(check_conversation_id(conversation_id))
    replies = nurse_replies.undelivered(conversation_id)
    return jsonify({"messages": [{"id": r.id, "text": NURSE_PREFIX + r.text, "buttons": []} for r in replies]})


@bp.post("/api/v1/chat/<conversation_id>/updates/ack")
def acknowledge(conversation_id: str):
    """The page showed these replies: only now are they delivered."""
    _authorize(check_conversation_id(conversation_id))
    ids = parse(AckRequest, _json_body()).ids
    return jsonify({"acknowledged": nurse_replies.acknowledge(conversation_id, ids)})


@bp.get("/api/openapi.json")
def openapi():
    """The OpenAPI 3 document of the public API, built from the models that validate its bodies."""
    return jsonify(document())
