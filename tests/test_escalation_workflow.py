"""The escalation workflow the console enforces: open -> claimed -> answered -> closed, reopened only on purpose."""

import uuid

import pytest
from sqlalchemy import select

from channels.console import users
from nursing import escalations
from nursing.db import session
from nursing.models import AuditEntry, NurseMessage
from tests.test_console import PASSWORD, csrf, login, new_escalation


@pytest.fixture
def console(app):
    """A signed-in browser for a new account: console("nurse") or console("admin")."""

    def signed_in(role: str = "nurse"):
        name = f"{role}-{uuid.uuid4().hex[:6]}"
        users.create(name, PASSWORD, role=role)
        client = app.test_client()
        assert login(client, name).status_code == 302
        client.name = name
        return client
    return signed_in


def act(client, escalation_id: str, action: str, **form):
    token = csrf(client, f"/console/escalations/{escalation_id}")
    return client.post(f"/console/escalations/{escalation_id}/{action}", data={"csrf": token, **form})


def replies_to(escalation_id: str) -> list[str]:
    with session() as db:
        return list(db.scalars(select(NurseMessage.text).where(NurseMessage.escalation_id == escalation_id)))


def audit_of(escalation_id: str) -> list[tuple[str, str, str]]:
    with session() as db:
        rows = db.execute(select(AuditEntry.actor, AuditEntry.action, AuditEntry.detail)
                          .where(AuditEntry.escalation_id == escalation_id).order_by(AuditEntry.id))
        return [tuple(row) for row in rows]


def test_a_reply_without_a_claim_is_refused(console):
    nurse, escalation_id = console(), new_escalation()
    response = act(nurse, escalation_id, "reply", text="Please rest.")
    assert response.status_code == 409 and "Claim it first" in response.get_json()["error"]["message"]
    assert replies_to(escalation_id) == [] and escalations.get(escalation_id).status == "open"


def test_only_the_nurse_who_claimed_replies_or_closes(console):
    claimer, other, escalation_id = console(), console(), new_escalation()
    act(claimer, escalation_id, "claim")
    assert act(other, escalation_id, "reply", text="I am not the claimer.").status_code == 403
    assert act(other, escalation_id, "close", outcome="other").status_code == 403
    assert replies_to(escalation_id) == [] and escalations.get(escalation_id).status == "claimed"
    assert "Send reply" not in other.get(f"/console/escalations/{escalation_id}").get_data(as_text=True)


def test_a_reply_to_a_closed_escalation_is_refused_and_does_not_reopen_it(console):
    nurse, escalation_id = console(), new_escalation()
    act(nurse, escalation_id, "claim")
    act(nurse, escalation_id, "reply", text="Please come in today.")
    act(nurse, escalation_id, "close", outcome="booked_appointment")
    response = act(nurse, escalation_id, "reply", text="One more thing.")
    assert response.status_code == 409 and "Reopen it first" in response.get_json()["error"]["message"]
    assert replies_to(escalation_id) == ["Please come in today."]
    assert escalations.get(escalation_id).status == "closed"


def test_claiming_a_closed_escalation_says_to_reopen_it(console):
    nurse, escalation_id = console(), new_escalation()
    act(nurse, escalation_id, "claim")
    act(nurse, escalation_id, "close", outcome="other")
    response = act(nurse, escalation_id, "claim")
    assert response.status_code == 409 and "Reopen it first" in response.get_json()["error"]["message"]


def test_reopening_is_an_explicit_audited_action_that_returns_it_to_the_queue(console):
    nurse, escalation_id = console(), new_escalation()
    act(nurse, escalation_id, "claim")
    act(nurse, escalation_id, "close", outcome="no_response")
    assert act(nurse, escalation_id, "reopen").status_code == 302
    row = escalations.get(escalation_id)
    assert row.status == "open" and row.claimed_by is None
    assert (nurse.name, "reopen", "") in audit_of(escalation_id)


def test_an_open_escalation_cannot_be_reopened_to_steal_a_claim(console):
    claimer, other, escalation_id = console(), console(), new_escalation()
    act(claimer, escalation_id, "claim")
    assert act(other, escalation_id, "reopen").status_code == 409
    assert escalations.get(escalation_id).claimed_by == claimer.name


def test_an_admin_takes_over_a_claim_and_the_take_over_is_audited(console):
    claimer, admin, escalation_id = console(), console("admin"), new_escalation()
    act(claimer, escalation_id, "claim")
    assert act(admin, escalation_id, "take-over").status_code == 302
    assert act(admin, escalation_id, "reply", text="The on-call admin here.").status_code == 302
    assert act(claimer, escalation_id, "reply", text="Too late.").status_code == 403
    assert replies_to(escalation_id) == ["The on-call admin here."]
    assert (admin.name, "take_over", f"from {claimer.name}") in audit_of(escalation_id)


def test_a_nurse_cannot_take_over_a_claim(console):
    claimer, other, escalation_id = console(), console(), new_escalation()
    act(claimer, escalation_id, "claim")
    assert act(other, escalation_id, "take-over").status_code == 403
    assert escalations.get(escalation_id).claimed_by == claimer.name


def test_answered_escalations_stay_visible_as_waiting_for_the_patient(console):
    nurse, escalation_id = console(), new_escalation()
    act(nurse, escalation_id, "claim")
    act(nurse, escalation_id, "reply", text="Please send a photo of the rash.")
    page = nurse.get("/console/").get_data(as_text=True)
    waiting = page[page.index("Waiting for the patient"):]
    assert escalation_id in waiting
    assert escalation_id not in page[:page.index("Waiting for the patient")]

