"""A patient's rights at the edge: "what do you know about me?" and "forget me" (with confirmation).

Handled by the gateway before Rasa, because only the gateway reaches every
store: Rasa's tracker store, escalations and nurse replies, and the vault.
"""

from __future__ import annotations

import re
import time

from sqlalchemy import create_engine, delete, select, text

from channels import shared_state
from nursing import images
from nursing.db import session
from nursing.models import Escalation, Identity, NurseMessage

WHAT_WE_KNOW = re.compile(r"(?i)^\W*(?:what do you know about me|what (?:do you|have you) (?:store|stored|keep|have) "
                          r"(?:about|on) me|my data)\W*$")
FORGET = re.compile(r"(?i)^\W*(?:forget me|delete (?:my|all my) (?:data|information|conversation)|erase my data)\W*$")
CONFIRM = re.compile(r"(?i)^\W*(?:yes|yes,? forget me|confirm|yes please|/affirm)\W*$")
CONFIRM_WINDOW_S = 300
PENDING_KEPT_S = 24 * 3600  # a "yes" after the window still hears that it came too late
SLOT_WORDS = {"chief_complaint": "what brought you here", "age": "your age", "sex": "your sex",
              "pregnant": "whether you might be pregnant", "duration": "how long it has lasted",
              "severity": "how bad it is", "conditions": "your health conditions", "medications": "your medicines",
              "allergies": "your allergies", "triage": "the advice level we gave"}
IDENTITY_WORDS = {"phone": "your phone number (to text you)", "portal": "your patient portal id"}


def handles(conversation_id: str, message: str) -> bool:
    return bool(WHAT_WE_KNOW.match(message) or FORGET.match(message)
                or (CONFIRM.match(message) and shared_state.current().get(_pending_key(conversation_id))))


def respond(conversation_id: str, message: str, tracker: dict, tracker_url: str) -> str:
    if WHAT_WE_KNOW.match(message):
        return describe(conversation_id, tracker)
    if FORGET.match(message):
        shared_state.current().set(_pending_key(conversation_id), time.time(), PENDING_KEPT_S)
        return ("I can erase everything CareLine holds about you: this conversation, any request to the nurses "
                "and your contact details. This can't be undone. Reply \"yes, forget me\" to confirm.")
    if time.time() - (shared_state.current().pop(_pending_key(conversation_id)) or 0) > CONFIRM_WINDOW_S:
        return "That confirmation came too late. Say \"forget me\" again if you want your data erased."
    return forget(conversation_id, tracker_url)


def _pending_key(conversation_id: str) -> str:
    """When "forget me" was asked, in the shared state: the "yes" may reach another worker."""
    return f"forget-me:{conversation_id}"


def describe(conversation_id: str, tracker: dict) -> str:
    slots = tracker.get("slots") or {}
    held = [words for name, words in SLOT_WORDS.items() if slots.get(name) not in (None, [], "")]
    with session() as db:
        kinds = set(db.scalars(select(Identity.kind).where(Identity.patient_id == conversation_id)))
        requests = db.scalar(select(Escalation.id).where(Escalation.conversation_id == conversation_id))
    held += [IDENTITY_WORDS.get(k, k) for k in sorted(kinds)]
    if requests:
        held.append("a request you made to our nurses, with this conversation")
    if not held and not (tracker.get("latest_message") or {}).get("text"):
        return "I don't hold anything about you beyond this message."
    listed = "; ".join(held) if held else "only the messages of this conversation"
    return (f"Here is what CareLine holds about you: {listed}. Names, numbers and addresses you typed were removed "
            f"before anything was stored. Say \"forget me\" to erase it all.")


def forget(conversation_id: str, tracker_url: str) -> str:
    erased = []
    with session() as db:
        found = db.execute(delete(Escalation).where(Escalation.conversation_id == conversation_id)).rowcount
        db.execute(delete(NurseMessage).where(NurseMessage.conversation_id == conversation_id))
        identities = db.execute(delete(Identity).where(Identity.patient_id == conversation_id)).rowcount
        db.commit()
    images.erase(conversation_id)  # the pictures sent with those requests: encrypted files and rows
    events = _erase_tracker(conversation_id, tracker_url)
    if events:
        erased.append(f"this conversation ({events} stored events)")
    if found:
        erased.append(f"{found} request(s) to our nurses, with their notes")
    if identities:
        erased.append("your contact details")
    if not erased:
        return "There was nothing stored about you to erase."
    return "Done. I have erased " + "; ".join(erased) + ". If you need care, say hi to start again, or call 911."


def _erase_tracker(conversation_id: str, tracker_url: str) -> int:
    engine = create_engine(tracker_url)
    with engine.begin() as connection:
        return connection.execute(text("delete from events where sender_id = :id"), {"id": conversation_id}).rowcount
