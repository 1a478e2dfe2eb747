"""Red flags win at every turn: every custom action checks them first."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.replies import NEXT_STEPS, triage_text
from actions.triage import engine, lexicon
from actions.triage.facts import facts_from_slots


def emergency_events(dispatcher: CollectingDispatcher, tracker: Tracker, text: str) -> list[EventType] | None:
    """If this message (with what we know) holds a red flag: say so first and set the level."""
    facts = facts_from_slots(tracker.slots, extra_text=text)
    if not engine.red_flags(facts):
        return None
    from actions.escalate import escalate

    triage = engine.assess(facts)
    dispatcher.utter_message(text=triage_text(triage), buttons=NEXT_STEPS)
    findings = sorted(set(tracker.get_slot("findings") or []) | lexicon.present(text))
    return [SlotSet("findings", findings), SlotSet("triage", triage.as_state())] + \
        escalate(dispatcher, tracker, "emergency", triage.as_state())


class SafeAction:
    """Mixin for actions that first check the latest message for red flags.

    Not an Action itself: rasa-sdk registers every Action subclass it finds.
    """

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        text = tracker.latest_message.get("text") or ""
        urgent = emergency_events(dispatcher, tracker, text)
        if urgent is not None:
            return urgent
        return await self.respond(dispatcher, tracker, domain)

    async def respond(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        raise NotImplementedError
