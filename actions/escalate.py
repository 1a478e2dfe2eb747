"""Hand-off to a nurse. The queue itself is the nurses' issue; this is its hook."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.safety import SafeAction


def escalate(dispatcher: CollectingDispatcher, tracker: Tracker, priority: str) -> list[EventType]:
    dispatcher.utter_message(response="utter_nurse_handoff")
    return []


class ActionEscalate(SafeAction, Action):
    def name(self) -> str:
        return "action_escalate"

    async def respond(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        return escalate(dispatcher, tracker, "request")
