"""Answer a health question from trusted documents (knowledge/), never a diagnosis."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.replies import NEXT_STEPS
from actions.safety import SafeAction


class ActionAnswerQuestion(SafeAction, Action):
    def name(self) -> str:
        return "action_answer_question"

    async def respond(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        dispatcher.utter_message(response="utter_cannot_answer_yet", buttons=NEXT_STEPS)
        return []
