"""One turn of a conversation: the single function every channel goes through."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from sqlalchemy.exc import DBAPIError

from channels.errors import ApiError, ServiceDown
from channels.metrics import STAGE_SECONDS
from channels.privacy import edge, rights
from channels.rasa_client import RasaClient
from nursing import escalations

CONVERSATION_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
INTAKE_FORM = "intake_form"


@dataclass(frozen=True)
class Turn:
    messages: list[dict]
    state: dict

    def as_json(self) -> dict:
        return {"messages": self.messages, "state": self.state}


def clean_text(text: str, max_chars: int) -> str:
    text = CONTROL_CHARS.sub("", text).strip()
    if not text:
        raise ApiError(400, "empty_text", "The message is empty. Please type what you want to say.")
    if len(text) > max_chars:
        raise ApiError(413, "text_too_long", f"The message is longer than {max_chars} characters. Please shorten it.")
    return text


def check_conversation_id(conversation_id: object) -> str:
    if not isinstance(conversation_id, str) or not CONVERSATION_ID.fullmatch(conversation_id):
        raise ApiError(400, "invalid_conversation_id",
                       "conversation_id must be 1-64 characters: letters, digits, '_' or '-'.")
    return conversation_id


def new_conversation_id() -> str:
    """A web conversation CareLine opens for a client that sent no id of its own."""
    return "web-" + secrets.token_hex(16)


def take_turn(rasa: RasaClient, conversation_id: str, text: str, channel: str = "web") -> Turn:
    """Scrub at the edge, then one Rasa turn; Rasa, the actions and the logs only see scrubbed text."""
    before = rasa.tracker(conversation_id)
    if rights.handles(conversation_id, text):
        reply = rights.respond(conversation_id, text, before, rasa.settings.tracker_url)
        return Turn(messages=[{"text": reply, "buttons": []}], state=state_from_tracker(rasa.tracker(conversation_id)))
    asked = state_from_tracker(before)["requested_slot"]
    return send_turn(rasa, conversation_id, scrub(conversation_id, text, asked), channel, before)


def scrub(conversation_id: str, text: str, asked: str | None) -> str:
    """The PHI scrub at the edge, timed as the "scrub" stage wherever a patient's words come in."""
    with STAGE_SECONDS.labels("scrub").time():
        return edge.prepare(conversation_id, text, asked)


def send_turn(rasa: RasaClient, conversation_id: str, message: str, channel: str, before: dict | None = None) -> Turn:
    """One Rasa turn with an already scrubbed message (or a payload such as an upload's), and what it showed.

    `before` is the tracker before the turn (read here when not given). A turn after which the tracker store's
    latest message is still the one before was not stored: Rasa answers 200 even when its save fails (it keeps
    the turn in memory), so the patient is told to send it again rather than shown a reply nobody kept.
    """
    before = rasa.tracker(conversation_id) if before is None else before
    replies = rasa.send(conversation_id, message, channel)
    tracker = rasa.tracker(conversation_id)
    if _latest_message_id(tracker) == _latest_message_id(before):
        raise ServiceDown("tracker_store")
    return Turn(messages=[_message(r) for r in replies if r.get("text") or r.get("buttons")],
                state=state_from_tracker(tracker))


def state_from_tracker(tracker: dict) -> dict:
    slots = tracker.get("slots") or {}
    in_form = (tracker.get("active_loop") or {}).get("name") == INTAKE_FORM
    state = {
        "requested_slot": slots.get("requested_slot") if in_form else None,
        "triage": slots.get("triage"),
        "escalation": _current(slots.get("escalation")),
    }
    answer = slots.get("answer")
    latest = _latest_message_id(tracker)
    if answer and answer.get("message_id") == latest:
        state["answer"] = {"citations": answer.get("citations", []), "grounded": bool(answer.get("grounded"))}
    return state


def _latest_message_id(tracker: dict) -> str | None:
    return (tracker.get("latest_message") or {}).get("message_id")


def _current(escalation: dict | None) -> dict | None:
    """The escalation as the nurses have left it (the slot holds its state when it was created, shown when the
    database cannot be read: the turn is taken by then, and a 503 would have the patient send it twice)."""
    if not escalation:
        return None
    try:
        row = escalations.get(escalation["id"])
    except DBAPIError:
        row = None
    return {"id": escalation["id"], "priority": row.priority if row else escalation["priority"],
            "status": row.status if row else escalation["status"]}


def _message(reply: dict) -> dict:
    buttons = [{"title": b.get("title", ""), "payload": b.get("payload", "")} for b in reply.get("buttons") or []]
    return {"text": reply.get("text") or "", "buttons": buttons}
