"""The store behaves the same on SQLite (default) and PostgreSQL (the scaled configuration, on loopback)."""

import uuid

from nursing import escalations, nurse_replies, vault
from tests.conftest import claim_at_once


def create(priority="urgent", conversation=None):
    return escalations.create(conversation or f"c-{uuid.uuid4().hex}", priority, "web",
                              {"level": priority, "reasons": ["r"], "advice": "a"}, {"age": 40}, [])


def test_escalation_lifecycle(database):
    row = create()
    escalations.claim(row.id, "nurse-a")
    escalations.reply(row.id, "nurse-a", "Please come in today.")
    assert escalations.get(row.id).status == "answered"
    assert [m.text for m in nurse_replies.undelivered(row.conversation_id)] == ["Please come in today."]
    escalations.close(row.id, "nurse-a", "booked_appointment")
    assert escalations.get(row.id).status == "closed"


def test_a_second_hand_off_raises_the_priority_instead_of_duplicating(database):
    conversation = f"c-{uuid.uuid4().hex}"
    first = create("request", conversation)
    second = create("emergency", conversation)
    assert first.id == second.id and escalations.get(first.id).priority == "emergency"


def test_concurrent_claims_have_one_winner(database):
    assert sorted(claim_at_once(create().id, 4)) == ["lost", "lost", "lost", "won"]


def test_the_vault_encrypts_and_finds_identities(database):
    phone = f"+1555{uuid.uuid4().int % 10**7:07d}"
    patient = vault.patient_for("phone", phone)
    assert vault.patient_for("phone", phone) == patient
    assert vault.reveal(patient, "phone") == phone


def test_queue_orders_by_priority_then_age(database):
    ids = [create(p).id for p in ("request", "uncertain", "emergency", "urgent")]
    order = [r.id for r in escalations.queue() if r.id in ids]
    assert [escalations.get(i).priority for i in order] == ["emergency", "urgent", "uncertain", "request"]
