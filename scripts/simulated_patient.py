"""A simulated patient who answers CareLine's questions from a vignette.

It behaves like the outside checker: "hi", yes to consent, the complaint in
its own words, then whatever `requested_slot` names, or "not sure".
"""

from __future__ import annotations

import time

import requests

from actions import red_flags
from actions.intake import PARSERS
from actions.triage.facts import UNKNOWN

MAX_TURNS = 30
RETRIES = 3


def slots_from_vignette(vignette: dict) -> dict:
    """What the intake form would store if the patient answered every question."""
    slots: dict = {"chief_complaint": vignette["complaint"]}
    for slot, parser in PARSERS.items():
        if slot in vignette:
            value = parser(vignette[slot])
            slots[slot] = UNKNOWN if value is None else value
        elif slot != "pregnant":
            slots[slot] = UNKNOWN
    return slots


def answer(slot: str | None, vignette: dict, buttons: list[dict]) -> str:
    if slot == "consent" or (slot is None and any(b["payload"] == "/affirm" for b in buttons)):
        return "yes"
    if slot == "chief_complaint":
        return vignette["complaint"]
    if slot in red_flags.SLOTS:
        return "no"  # the narrative told everything the patient knows
    return vignette.get(slot or "", "not sure")


class Conversation:
    """One conversation through the chat API, as its patient: the first answer's token goes with every later turn."""

    def __init__(self, base_url: str, http: requests.Session):
        self.url, self.http = f"{base_url}/api/v1/chat", http
        self.id: str | None = None
        self.headers: dict[str, str] = {}

    def send(self, text: str) -> dict:
        """A 503 means the turn was not taken (a part was down or busy) and says when to try again; a patient's
        app retries it, up to RETRIES times."""
        message = {"text": text} if self.id is None else {"conversation_id": self.id, "text": text}
        for _ in range(RETRIES):
            reply = self.http.post(self.url, json=message, headers=self.headers, timeout=120)
            if reply.status_code != 503:
                break
            time.sleep(float(reply.headers.get("Retry-After") or 1))
        reply.raise_for_status()
        body = reply.json()
        if "conversation_token" in body:
            self.id, self.headers = body["conversation_id"], {"Authorization": f"Bearer {body['conversation_token']}"}
        return body


def play(base_url: str, vignette: dict, session: requests.Session | None = None) -> dict | None:
    """Play one vignette; returns the final triage state (None if it never came)."""
    conversation = Conversation(base_url, session or requests.Session())
    text = "hi"
    for _ in range(MAX_TURNS):
        reply = conversation.send(text)
        state = reply["state"]
        if state["triage"]:
            return state["triage"]
        buttons = [b for m in reply["messages"] for b in m["buttons"]]
        text = answer(state["requested_slot"], vignette, buttons)
    return None
