"""Answer a health question from trusted documents (knowledge/), never a diagnosis.

The answering chain loads its models once, in the background when the action
server starts, and answers one question at a time (llama.cpp is not re-entrant).
"""

from __future__ import annotations

import asyncio
import logging
import re
import threading
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.replies import NEXT_STEPS
from actions.safety import SafeAction

log = logging.getLogger(__name__)
QUESTION = re.compile(
    r"\?\s*$|^\s*(?:what|whats|what's|how|why|when|where|which|who|is|are|can|could|should|does|do|will|would)\b",
    re.I)
BARE_REQUEST = re.compile(r"^\W*(?:/ask_question|i have a question|can i ask (?:you )?a question|question)\W*$", re.I)

_answerer = None
_lock = threading.Lock()


def answerer():
    global _answerer
    with _lock:
        if _answerer is None:
            from knowledge.chain import Answerer

            _answerer = Answerer()
            _answerer.warm()
    return _answerer


def warm_in_background() -> None:
    threading.Thread(target=_try_warm, daemon=True).start()


def _try_warm() -> None:
    try:
        answerer()
    except Exception:  # the first question will report it; the rest of the bot still works
        log.exception("could not load the answering models")


def looks_like_question(text: str) -> bool:
    return bool(QUESTION.search(text)) and not BARE_REQUEST.match(text)


async def answer_question(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    question = tracker.latest_message.get("text") or ""
    try:
        result = await asyncio.to_thread(_answer, question)
    except Exception:
        log.exception("answering failed")
        dispatcher.utter_message(response="utter_answer_unavailable", buttons=NEXT_STEPS)
        return [SlotSet("awaiting_question", False)]
    dispatcher.utter_message(text=result.text, buttons=NEXT_STEPS)
    state = {**result.state(), "message_id": tracker.latest_message.get("message_id")}
    return [SlotSet("answer", state), SlotSet("awaiting_question", False)]


def _answer(question: str):
    model = answerer()
    with _lock:
        return model.answer(question)


class ActionAnswerQuestion(SafeAction, Action):
    def name(self) -> str:
        return "action_answer_question"

    async def respond(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                      domain: dict[str, Any]) -> list[EventType]:
        if BARE_REQUEST.match(tracker.latest_message.get("text") or ""):
            dispatcher.utter_message(response="utter_ask_question")
            return [SlotSet("awaiting_question", True)]
        return await answer_question(dispatcher, tracker)


warm_in_background()
