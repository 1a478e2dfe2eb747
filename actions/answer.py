"""Answer a health question from trusted documents (knowledge/), never a diagnosis.

The answering chain loads its models once, in the background when the action
server starts, and answers one question at a time (llama.cpp is not re-entrant).
"""

from __future__ import annotations

import asyncio
import logging
import re
import threading

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.replies import NEXT_STEPS
from actions.triage import findings

log = logging.getLogger(__name__)
QUESTION = re.compile(
    r"\?\s*$|^\s*(?:what|whats|what's|how|why|when|where|which|who|is|are|can|could|should|does|do|will|would)\b",
    re.I)
BARE_REQUEST = re.compile(r"^\W*(?:/ask_question|i have a question|can i ask (?:you )?a question|question)\W*$", re.I)
# Someone telling what they (or the person they care for) have or feel: "my son has", "I've been", "my knee hurts".
OWN_SYMPTOMS = re.compile(
    r"\b(?:i|i'm|im|i've|ive|i am|we|he|she|they|he's|she's|my|our|his|her|their)\s+(?:\w+\s+){0,2}?"
    r"(?:have|has|had|having|got|getting|am|is|are|was|were|feel|feels|felt|feeling|been|keep|keeps|can't|cannot|"
    r"hurts?|hurting|aches?|aching|woke|started|developed|noticed)\b", re.I)

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


def is_general_question(text: str) -> bool:
    """A health question to answer from documents, not a description of symptoms phrased as a question.

    "is shingles contagious to my grandkids?" is answered; "my son has a rash, is it contagious?"
    is a symptom check. Red flags are checked before this, so an alarming question never gets here.
    """
    return looks_like_question(text) and not (OWN_SYMPTOMS.search(text) and findings.present(text))


async def answer_question(dispatcher: CollectingDispatcher, tracker: Tracker,
                          buttons: list[dict] | None = NEXT_STEPS) -> list[EventType]:
    """Answers the latest message; `buttons` None while an intake is waiting for its next question."""
    question = tracker.latest_message.get("text") or ""
    try:
        result = await asyncio.to_thread(_answer, question)
    except Exception:
        log.exception("answering failed")
        dispatcher.utter_message(response="utter_answer_unavailable", buttons=buttons or [])
        return [SlotSet("awaiting_question", False)]
    dispatcher.utter_message(text=result.text, buttons=buttons or [])
    state = {**result.state(), "message_id": tracker.latest_message.get("message_id")}
    return [SlotSet("answer", state), SlotSet("awaiting_question", False)]


def _answer(question: str):
    model = answerer()
    with _lock:
        return model.answer(question)


warm_in_background()
