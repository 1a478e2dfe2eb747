"""Red flags win at every turn: every custom action checks them first.

Once an episode has had its emergency advice, the stored findings still hold that
red flag. Re-finding it would answer every later message with the same advice and
leave the patient stuck, so within that episode only a red flag the patient has not
been told about brings the full advice again; every other reply gets a one-line
reminder on top and is handled as usual.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.handoff import escalate
from actions.replies import NEXT_STEPS, triage_text
from actions.triage import engine, findings
from actions.triage.facts import facts_from_slots


def emergency_events(dispatcher: CollectingDispatcher, tracker: Tracker, text: str) -> list[EventType] | None:
    """If this message brings a red flag the patient has not been told about: say so first, set the level."""
    if not red_flag_is_news(tracker, text):
        return None
    triage = engine.assess(facts_from_slots(tracker.slots, extra_text=text))
    dispatcher.utter_message(text=triage_text(triage), buttons=NEXT_STEPS)
    found = sorted(set(tracker.get_slot("findings") or []) | findings.present(text))
    return [SlotSet("findings", found), SlotSet("triage", triage.as_state())] + \
        escalate(dispatcher, tracker, "emergency", triage.as_state())


def red_flag_is_news(tracker: Tracker, text: str) -> bool:
    """A red flag holds, and (after an emergency) this message added one of its findings."""
    before = facts_from_slots(tracker.slots)
    after = facts_from_slots(tracker.slots, extra_text=text)
    flags = engine.red_flags(after)
    if not emergency_shown(tracker):
        return bool(flags)
    added = after.concepts - before.concepts
    return any(added & rule.findings for rule in flags)


def emergency_shown(tracker: Tracker) -> bool:
    """The episode's result is an emergency: the patient has had the full advice."""
    return (tracker.get_slot("triage") or {}).get("level") == "emergency"


def remind(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """Keep the emergency advice in sight without repeating all of it (988 where that was the advice)."""
    advice = (tracker.get_slot("triage") or {}).get("advice") or ""
    dispatcher.utter_message(response="utter_crisis_reminder" if "988" in advice else "utter_emergency_reminder")


class SafeAction:
    """Mixin for actions that first check the latest message for red flags.

    Not an Action itself: rasa-sdk registers every Action subclass it finds.
    """

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        urgent = emergency_events(dispatcher, tracker, self.patient_text(tracker))
        if urgent is not None:
            return self.in_emergency(dispatcher, tracker, urgent)
        if emergency_shown(tracker):
            remind(dispatcher, tracker)
        return await self.respond(dispatcher, tracker, domain)

    def patient_text(self, tracker: Tracker) -> str:
        """What the patient wrote in this turn: the message, unless an action knows better."""
        return tracker.latest_message.get("text") or ""

    def in_emergency(self, dispatcher: CollectingDispatcher, tracker: Tracker, events: list[EventType]) -> list[EventType]:
        """The emergency advice has been given (`events`); an action may add what else this turn brought."""
        return events

    async def respond(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        raise NotImplementedError
