"""Answer a health question from trusted documents (knowledge/), never a diagnosis.

The answering chain loads its models once and answers one question at a time
(llama.cpp is not re-entrant). When the action server imports this module (before
it listens), a background thread loads every model a turn needs (warm_up): the
triage's MiniLM examples and medspaCy pipeline, the second opinion, the answering
chain (embeddings, Chroma, llama.cpp) and the image model; a part that fails to
load is logged and left to the turn that needs it, and the server starts anyway.

The action server also serves its own Prometheus metrics on ACTIONS_METRICS_PORT (the gateway's /metrics cannot see
inside a turn's answer): careline_stage_seconds{stage="retrieval"|"llm"} and careline_guard_drops_total, in a
registry of their own (a process that imports both the gateway and the actions, such as the tests, registers each
name once per registry).
"""

from __future__ import annotations

import asyncio
import logging
import re
import sys
import threading
from collections.abc import Callable

from prometheus_client import (
    CollectorRegistry,
    Counter,
    GCCollector,
    Histogram,
    PlatformCollector,
    ProcessCollector,
    start_http_server,
)
from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import settings
from actions.replies import NEXT_STEPS
from actions.triage import findings

log = logging.getLogger(__name__)
QUESTION = re.compile(
    r"\?\s*$|^\s*(?:what|whats|what's|how|why|when|where|which|who|is|are|can|could|should|does|do|will|would)\b",
    re.I)
BARE_REQUEST = re.compile(r"^\W*(?:/ask_question|i have a question|can i ask (?:you )?a question|question)\W*$", re.I)
# A particular person: the patient, someone they care for, or a child of a given age ("my son", "a 3-month-old").
SOMEONE = re.compile(
    r"\b(?:i|i'm|im|i've|ive|me|my|we|our|us|he|she|him|his|her|they|them|their|baby|infant|newborn|toddler|"
    r"child|kid|son|daughter|husband|wife|partner|mum|mom|dad|father|mother|grandma|grandpa|"
    r"\d+[- ]?(?:day|week|month|year|yr)s?[- ]?old|\d+\s*(?:yo|y/o|yrs?))\b", re.I)
# Findings that describe the context of a question, not a symptom ("with my blood thinner", "my diabetes").
CONTEXT_FINDINGS = ("cond_", "med_", "child")

_answerer = None
_lock = threading.Lock()

METRICS = CollectorRegistry()
for _collector in (ProcessCollector, PlatformCollector, GCCollector):
    _collector(registry=METRICS)
STAGE_SECONDS = Histogram("careline_stage_seconds",
                          "Time of each stage of an answer in the action server (retrieval: search and the answering "
                          "sentences; llm: the rephrasing, within its budget)", ["stage"],
                          buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60), registry=METRICS)
GUARD_DROPS = Counter("careline_guard_drops", "Sentences of a rephrasing the guard refused to show (unsupported by "
                      "the documents; the document's own sentences are shown instead)", registry=METRICS)


def answerer():
    global _answerer
    with _lock:
        if _answerer is None:
            from knowledge.chain import Answerer

            _answerer = Answerer()
            _answerer.warm()
    return _answerer


def _warm_triage() -> None:
    """The triage's lexicon, MiniLM examples and medspaCy ConText pipeline, through the one door a turn uses."""
    findings.extract("I have had chest pain and no fever since this morning")


def _warm_second_opinion() -> None:
    from actions.triage import second_opinion

    second_opinion.opinion("I have had chest pain since this morning")


def _warm_image_model() -> None:
    from actions import image_check

    image_check.load()


# In the order a first patient needs them: the triage of the complaint, then a question, then a picture.
WARM_UP_PARTS: tuple[tuple[str, Callable[[], object]], ...] = (
    ("triage", _warm_triage), ("second_opinion", _warm_second_opinion), ("answering", lambda: answerer()),
    ("image_model", _warm_image_model))
# Each part's state: "loading", "ready" or "failed: <error>"; empty before the warm-up starts.
warmed: dict[str, str] = {}


def warm_up(parts: tuple[tuple[str, Callable[[], object]], ...] | None = None) -> dict[str, str]:
    """Load each part once; a part that fails (a model missing) is logged and the rest still load."""
    for name, load in parts or WARM_UP_PARTS:
        warmed[name] = "loading"
        try:
            load()
        except Exception as error:  # the turn that needs it will report it; the rest of the bot still works
            log.warning("warm-up: could not load %s (%s: %s); it is left to the first turn that needs it",
                        name, type(error).__name__, error, exc_info=True)
            warmed[name] = f"failed: {type(error).__name__}"
        else:
            warmed[name] = "ready"
    log.info("warm-up finished: %s", ", ".join(f"{name} {state}" for name, state in warmed.items()))
    return dict(warmed)


def warm_in_background() -> threading.Thread:
    thread = threading.Thread(target=warm_up, name="careline-warm-up", daemon=True)
    thread.start()
    return thread


def looks_like_question(text: str) -> bool:
    return bool(QUESTION.search(text)) and not BARE_REQUEST.match(text)


def is_general_question(text: str, triaged: bool = False) -> bool:
    """A health question to answer from documents, not a description of symptoms phrased as a question.

    Before a triage, a question naming a symptom of a particular person, even one they fear ("is it
    normal for a 3-month-old to have a temp of 38.5?", "my son has a rash, is it contagious?", "what
    should I do if I get chest pain? I have high bp") is a symptom check: under-triage is the worst
    error, and a needless intake costs a minute. "what is shingles and is it contagious?"
    and "can I take ibuprofen with my blood thinner?" are answered. After a triage every question is
    answered. Red flags are checked before this, so an alarming question never gets here.
    """
    if not looks_like_question(text):
        return False
    symptoms = [c for c in findings.extract(text) if not c.startswith(CONTEXT_FINDINGS)]  # "what if I get chest pain?" too
    return triaged or not (symptoms and SOMEONE.search(text))


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
        result = model.answer(question)
    observe(result)
    return result


def observe(result) -> None:
    """An answer's stage times and guard drops (knowledge.chain.Answer), in the action server's metrics."""
    for stage, seconds in result.timings.items():
        STAGE_SECONDS.labels(stage).observe(seconds)
    if result.dropped:
        GUARD_DROPS.inc(result.dropped)


def serving_actions() -> bool:
    """True in the action server (`python -m rasa_sdk`), false in a process that imports the actions (tests)."""
    main = sys.modules.get("__main__")
    return (getattr(getattr(main, "__spec__", None), "name", None) or "").startswith("rasa_sdk")


def serve_metrics(port: int, host: str = "127.0.0.1") -> bool:
    """The metrics on http://host:port/ (any path), in a daemon thread; a port in use is logged, not fatal."""
    try:
        start_http_server(port, addr=host, registry=METRICS)
    except OSError as error:
        log.warning("action server metrics: cannot listen on port %s (%s); not served", port, error)
        return False
    log.info("action server metrics on http://127.0.0.1:%s/metrics", port)
    return True


if settings.WARM_UP:  # the action server imports the actions before it listens (rasa_sdk's register_package)
    warm_in_background()
if settings.METRICS_PORT and serving_actions():
    serve_metrics(settings.METRICS_PORT, settings.METRICS_HOST)
