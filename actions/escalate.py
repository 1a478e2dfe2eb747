"""The patient asks for a nurse (action_escalate): a new hand-off, or word that the nurses already have it."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.handoff import config, escalate, priority_with_nurses
from actions.safety import SafeAction


def already_with_nurses(dispatcher: CollectingDispatcher, tracker: Tracker, priority: str) -> list[EventType]:
    """Asking again adds no second escalation and never lowers the priority: the nurses
    get the latest transcript and the patient hears that they already have it."""
    events = escalate(dispatcher, tracker, "request", say=False)
    if priority == "emergency":
        dispatcher.utter_message(response="utter_nurses_have_it_emergency")
    else:
        dispatcher.utter_message(response="utter_nurses_have_it", minutes=config()["service_levels"][priority])
    return events


class ActionEscalate(SafeAction, Action):
    def name(self) -> str:
        return "action_escalate"

    async def respond(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                      domain: dict[str, Any]) -> list[EventType]:
        priority = priority_with_nurses(tracker)
        if priority is not None:
            return already_with_nurses(dispatcher, tracker, priority)
        return escalate(dispatcher, tracker, "request")
