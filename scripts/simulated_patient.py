"""A simulated patient who answers CareLine's questions from a vignette.

It behaves like the outside checker: "hi", yes to consent, the complaint in
its own words, then whatever `requested_slot` names, or "not sure".
"""

from __future__ import annotations

import uuid

import requests

from actions import red_flags
from actions.intake import PARSERS
from actions.triage.facts import UNKNOWN

MAX_TURNS = 30


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


def play(base_url: str, vignette: dict, session: requests.Session | None = None) -> dict | None:
    """Play one vignette; returns the final triage state (None if it never came)."""
    http = session or requests.Session()
    conversation_id = f"sim-{vignette['id']}-{uuid.uuid4().hex[:6]}"
    text = "hi"
    for _ in range(MAX_TURNS):
        reply = http.post(f"{base_url}/api/v1/chat", json={"conversation_id": conversation_id, "text": text},
                          timeout=120).json()
        state = reply["state"]
        if state["triage"]:
            return state["triage"]
        buttons = [b for m in reply["messages"] for b in m["buttons"]]
        text = answer(state["requested_slot"], vignette, buttons)
    return None
