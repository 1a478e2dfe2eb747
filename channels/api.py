"""The JSON API: POST /api/v1/chat and GET /healthz."""

from __future__ import annotations

import json

from flask import Blueprint, current_app, jsonify, request

from channels.conversation import check_conversation_id, clean_text, take_turn
from channels.errors import ApiError
from channels.store import escalations

bp = Blueprint("api", __name__)


def _json_body() -> dict:
    if request.mimetype != "application/json":
        raise ApiError(415, "unsupported_media_type", "Send the message as JSON (Content-Type: application/json).")
    try:
        body = json.loads(request.get_data().decode("utf-8"))
    except UnicodeDecodeError as err:
        raise ApiError(400, "invalid_encoding", "The request body must be UTF-8 text.") from err
    except json.JSONDecodeError as err:
        raise ApiError(400, "invalid_json", "The request body is not valid JSON.") from err
    if not isinstance(body, dict):
        raise ApiError(400, "invalid_json", "The request body must be a JSON object.")
    return body


@bp.post("/api/v1/chat")
def chat():
    body = _json_body()
    conversation_id = check_conversation_id(body.get("conversation_id"))
    text = body.get("text")
    if not isinstance(text, str):
        raise ApiError(400, "invalid_text", "text must be a string.")
    text = clean_text(text, current_app.config["SETTINGS"].max_text_chars)
    return jsonify(take_turn(current_app.extensions["rasa"], conversation_id, text).as_json())


@bp.get("/healthz")
def healthz():
    parts = {"gateway": True, **current_app.extensions["rasa"].health()}
    down = [name for name, ok in parts.items() if not ok]
    body = {"status": "ok" if not down else "unavailable", "parts": parts, "down": down}
    return jsonify(body), (200 if not down else 503)


@bp.get("/api/v1/chat/<conversation_id>/updates")
def updates(conversation_id: str):
    """Nurse replies not yet shown in this web chat (the page polls every few seconds)."""
    check_conversation_id(conversation_id)
    texts = escalations.undelivered(conversation_id)
    return jsonify({"messages": [{"text": f"A CareLine nurse replied: {t}", "buttons": []} for t in texts]})
