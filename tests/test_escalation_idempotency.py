"""A hand-off sent again (the patient re-sends a message after a 503 for a turn whose action server died mid-turn)
updates the conversation's open escalation; it never creates a second one (nursing/escalations.create)."""

from __future__ import annotations

import threading
import uuid

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import func, select

from actions import handoff
from nursing import escalations
from nursing.db import session
from nursing.models import Escalation

OTHER_LOOKUP_WAIT_S = 2  # how long the first hand-off waits for the second to look too (it never does when locked)


def rows_of(conversation_id: str) -> int:
    with session() as db:
        return db.scalar(select(func.count()).select_from(Escalation).where(Escalation.conversation_id == conversation_id))


def tracker(conversation_id: str) -> Tracker:
    """The tracker the retried turn sees: the first attempt's SlotSet("escalation") died with its action server."""
    return Tracker(conversation_id, {"escalation": None, "age": 40, "chief_complaint": "chest pain"},
                   {"text": "I want a nurse", "metadata": {"channel": "web"}},
                   [{"event": "user", "text": "I want a nurse"}], False, None, None, "action_listen")


@pytest.fixture
def hand_off(monkeypatch):
    """actions.handoff.escalate as the action server runs it, with the on-call SMS recorded instead of sent."""
    pages: list[str] = []
    monkeypatch.setenv("ON_CALL_NUMBERS", "+15550001111")
    monkeypatch.setattr(handoff, "complaint_category", lambda _tracker: "chest pain")  # no MiniLM in this test
    monkeypatch.setattr(handoff.alerts.sms, "send", lambda _settings, number, body: pages.append(body) or ["SM1"])

    def run(conversation_id: str):
        return handoff.escalate(CollectingDispatcher(), tracker(conversation_id), "urgent")

    run.pages = pages
    return run


def test_the_retried_hand_off_updates_the_open_escalation(database, hand_off):
    conversation_id = f"c-{uuid.uuid4().hex}"
    first = hand_off(conversation_id)  # committed, then the action server died: Rasa never stored these events
    again = hand_off(conversation_id)  # the patient's message sent again after the 503
    assert first == again and rows_of(conversation_id) == 1
    assert escalations.get(first[0]["value"]["id"]).transcript == [{"from": "patient", "text": "I want a nurse"}]


def test_the_retried_hand_off_pages_the_on_call_nurse_once(database, hand_off):
    conversation_id = f"c-{uuid.uuid4().hex}"
    hand_off(conversation_id)
    hand_off(conversation_id)
    assert len(hand_off.pages) == 1


def test_two_hand_offs_at_once_make_one_escalation(database, monkeypatch):
    """The first hand-off waits after its look-up for the second to look too: without the conversation's lock both
    find nothing and both insert; with it the second looks only after the first has committed."""
    conversation_id = f"c-{uuid.uuid4().hex}"
    first_looked, second_looked = threading.Event(), threading.Event()
    real_session = escalations.session

    def pausing_session():
        db = real_session()
        lookup = db.scalar

        def scalar(*args, **kwargs):
            found = lookup(*args, **kwargs)
            if not first_looked.is_set():
                first_looked.set()
                second_looked.wait(OTHER_LOOKUP_WAIT_S)
            else:
                second_looked.set()
            return found

        db.scalar = scalar
        return db

    monkeypatch.setattr(escalations, "session", pausing_session)
    ids: list[str] = []

    def create():
        ids.append(escalations.create(conversation_id, "urgent", "web", None, {}, []).id)

    first = threading.Thread(target=create)
    first.start()
    assert first_looked.wait(30)
    second = threading.Thread(target=create)
    second.start()
    first.join(60)
    second.join(60)
    assert len(ids) == 2 and ids[0] == ids[1]
    assert rows_of(conversation_id) == 1
