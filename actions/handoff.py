"""Hand-off to a nurse: an escalation row with the scrubbed transcript, slots and triage reasons.

Priorities: emergency (with the 911 advice already shown), urgent, uncertain, request.
The patient is told what happens next and when (actions/escalation_config.yml).
No action lives here, so the red-flag check (safety.py) and every action can hand off without an import cycle.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml
from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.triage import engine, findings
from nursing import alerts, escalations, fhir
from nursing.settings import Settings

INTAKE_SLOTS = ("chief_complaint", "age", "sex", "pregnant", "duration", "severity", "conditions", "medications",
                "allergies", "findings")


@lru_cache(maxsize=1)
def config() -> dict:
    return yaml.safe_load((Path(__file__).parent / "escalation_config.yml").read_text())


def transcript(tracker: Tracker) -> list[dict]:
    return [{"from": "patient" if e["event"] == "user" else "careline", "text": e.get("text") or ""}
            for e in tracker.events if e.get("event") in ("user", "bot") and e.get("text")]


def escalate(dispatcher: CollectingDispatcher, tracker: Tracker, priority: str,
             triage: dict | None = None, say: bool = True) -> list[EventType]:
    channel = (tracker.latest_message.get("metadata") or {}).get("channel", "web")
    slots = {name: tracker.get_slot(name) for name in INTAKE_SLOTS if tracker.get_slot(name) is not None}
    previous = tracker.get_slot("escalation")
    band, category = alerts.age_band(tracker.get_slot("age")), complaint_category(tracker)
    row = escalations.create(tracker.sender_id, priority, channel, triage or tracker.get_slot("triage"), slots,
                             transcript(tracker), category, band)
    if _needs_paging(row, previous):
        alerts.send_on_call(row.priority, band, category, row.id)
    fhir_server_url = Settings().fhir_server_url
    if fhir_server_url:
        fhir.deliver(row, fhir_server_url)
    if say:
        minutes = config()["service_levels"][row.priority]
        dispatcher.utter_message(text=config()["messages"][row.priority].format(minutes=minutes))
    return [SlotSet("escalation", {"id": row.id, "priority": row.priority, "status": row.status})]


def _needs_paging(row, previous: dict | None) -> bool:
    """Page for an escalation never paged, or whose priority this hand-off raised; not again for the same hand-off
    retried after a turn that died before its escalation slot was stored (the row remembers it was paged)."""
    raised = previous is not None and previous.get("priority") != row.priority
    return row.alerted_at is None or raised


def complaint_category(tracker: Tracker) -> str:
    found = set(tracker.get_slot("findings") or []) | findings.present(tracker.get_slot("chief_complaint") or "")
    return " / ".join(f.title.lower() for f in engine.families_for(found))


def priority_for(level: str, nurse_suggested: bool, rule_ids: tuple[str, ...]) -> str | None:
    """Which triage results go to a nurse without being asked."""
    if level in ("emergency", "urgent"):
        return level
    if nurse_suggested or any(rule.endswith(".default") for rule in rule_ids):
        return "uncertain"
    return None


def priority_with_nurses(tracker: Tracker) -> str | None:
    """The priority of the episode's escalation while the nurses still have it (open or claimed)."""
    current = tracker.get_slot("escalation")
    row = escalations.get(current["id"]) if current else None
    return row.priority if row is not None and row.status in ("open", "claimed") else None
