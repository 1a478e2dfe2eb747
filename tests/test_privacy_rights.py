"""'What do you know about me?' and 'forget me', across every store."""

import sqlite3

from sqlalchemy import select

from nursing.db import session
from nursing.models import Escalation
from tests.conftest import all_text


def test_what_do_you_know_about_me_names_what_is_stored_without_repeating_it(chat):
    chat("hi", "yes", "I have a sore throat", "34")
    text = all_text(chat("what do you know about me?"))
    assert text.startswith("Here is what CareLine holds about you:")
    assert "what brought you here" in text and "your age" in text
    assert "sore throat" not in text and "34" not in text
    assert "Say \"forget me\" to erase it all." in text


def test_forget_me_asks_first_then_erases_every_store(chat, stack):
    chat("hi", "yes", "crushing chest pain and sweating")
    conversation = chat.conversation_id
    with session() as db:
        assert db.scalar(select(Escalation).where(Escalation.conversation_id == conversation))
    assert "Reply \"yes, forget me\"" in all_text(chat("forget me"))
    reply = chat("yes, forget me")
    assert "erased" in all_text(reply)
    rows = sqlite3.connect(stack.data_dir / "tracker.db").execute(
        "select count(*) from events where sender_id = ?", (conversation,)).fetchone()[0]
    assert rows == 0
    with session() as db:
        assert db.scalar(select(Escalation).where(Escalation.conversation_id == conversation)) is None
    assert reply["state"]["triage"] is None


def test_yes_without_a_pending_forget_me_is_an_ordinary_answer(chat):
    reply = chat("hi", "yes")
    assert reply["state"]["requested_slot"] == "chief_complaint"
