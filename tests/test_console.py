"""The nurse console: sign-in, CSRF, claims, replies by web and SMS, audit (sessions: test_console_sessions.py)."""

import dataclasses
import re
import uuid

import pytest
from sqlalchemy import select

from channels.app import create_app
from channels.console import users
from nursing import escalations, nurse_replies, vault
from nursing.db import session
from nursing.models import AuditEntry
from tests.conftest import claim_at_once

PASSWORD = "correct horse battery staple"


@pytest.fixture
def nurse(app):
    name = f"nurse-{uuid.uuid4().hex[:6]}"
    users.create(name, PASSWORD)
    return name


def csrf(client, path="/console/login") -> str:
    return re.search(r'name="csrf" value="([^"]+)"', client.get(path).get_data(as_text=True)).group(1)


def login(client, name, password=PASSWORD):
    return client.post("/console/login", data={"username": name, "password": password, "csrf": csrf(client)})


def new_escalation(priority="urgent", channel="web", conversation=None) -> str:
    return escalations.create(conversation or f"c-{uuid.uuid4().hex[:8]}", priority, channel,
                              {"level": priority, "reasons": ["Test reason."], "advice": "x"},
                              {"chief_complaint": "sore throat"}, [{"from": "patient", "text": "sore throat"}]).id


def test_console_without_a_session_redirects_to_login(client):
    response = client.get("/console/")
    assert response.status_code == 302 and "/console/login" in response.headers["Location"]
    assert "Escalations" not in response.get_data(as_text=True)


def test_login_shows_the_queue_ordered_by_priority(client, nurse):
    new_escalation("request")
    new_escalation("emergency")
    assert login(client, nurse).status_code == 302
    page = client.get("/console/").get_data(as_text=True)
    assert page.index("emergency") < page.index("request")


def test_a_post_without_the_csrf_token_is_refused(client, nurse):
    response = client.post("/console/login", data={"username": nurse, "password": PASSWORD})
    assert response.status_code == 400


def test_two_nurses_cannot_claim_the_same_escalation(app, nurse):
    assert sorted(claim_at_once(new_escalation(), 2)) == ["lost", "won"]


def test_a_reply_reaches_the_web_chat(client, nurse, chat):
    chat("hi")
    escalation_id = new_escalation(conversation=chat.conversation_id)
    login(client, nurse)
    token = csrf(client, f"/console/escalations/{escalation_id}")
    client.post(f"/console/escalations/{escalation_id}/claim", data={"csrf": token})
    client.post(f"/console/escalations/{escalation_id}/reply", data={"csrf": token, "text": "Please rest and drink."})
    updates_url = f"/api/v1/chat/{chat.conversation_id}/updates"
    updates = client.get(updates_url, headers=chat.headers).get_json()["messages"]
    assert updates[0]["text"].endswith("Please rest and drink.")
    client.post(f"{updates_url}/ack", json={"ids": [updates[0]["id"]]}, headers=chat.headers)
    assert client.get(updates_url, headers=chat.headers).get_json()["messages"] == []


def test_a_reply_reaches_an_sms_patient_through_twilio(client, nurse, fake_twilio):
    patient = vault.patient_for("phone", "+15553334444")
    escalation_id = new_escalation(channel="sms", conversation=patient)
    login(client, nurse)
    token = csrf(client, f"/console/escalations/{escalation_id}")
    client.post(f"/console/escalations/{escalation_id}/claim", data={"csrf": token})
    client.post(f"/console/escalations/{escalation_id}/reply", data={"csrf": token, "text": "Call us at 9."})
    assert fake_twilio.sent[-1]["To"] == "+15553334444" and "Call us at 9." in fake_twilio.sent[-1]["Body"]


def test_a_reply_the_sms_service_could_not_send_is_not_recorded_as_answered(app, nurse):
    patient = vault.patient_for("phone", "+15553335555")
    escalation_id = new_escalation(channel="sms", conversation=patient)
    settings = app.config["SETTINGS"]
    offline = create_app(dataclasses.replace(settings, nursing=dataclasses.replace(
        settings.nursing, twilio_api_base_url="http://127.0.0.1:9")))
    client = offline.test_client()
    login(client, nurse)
    token = csrf(client, f"/console/escalations/{escalation_id}")
    client.post(f"/console/escalations/{escalation_id}/claim", data={"csrf": token})
    response = client.post(f"/console/escalations/{escalation_id}/reply", data={"csrf": token, "text": "Call us."})
    assert response.status_code == 502 and "not saved" in response.get_data(as_text=True)
    assert escalations.get(escalation_id).status == "claimed"
    assert not nurse_replies.undelivered(patient)


def test_showing_contact_details_is_audited(client, nurse):
    patient = vault.patient_for("phone", "+15556667777")
    escalation_id = new_escalation(channel="sms", conversation=patient)
    login(client, nurse)
    page = client.get(f"/console/escalations/{escalation_id}").get_data(as_text=True)
    assert "+15556667777" not in page
    token = csrf(client, f"/console/escalations/{escalation_id}")
    shown = client.post(f"/console/escalations/{escalation_id}/contact", data={"csrf": token})
    assert "+15556667777" in shown.get_data(as_text=True)
    with session() as db:
        actions = list(db.scalars(select(AuditEntry.action).where(AuditEntry.escalation_id == escalation_id)))
    assert {"view", "show_contact"} <= set(actions)


def test_production_refuses_the_development_password(data_dir):
    from channels.app import create_app
    from channels.settings import Settings
    from nursing.settings import Settings as NursingSettings

    users.ensure_development_user()
    with pytest.raises(RuntimeError, match="development nurse password"):
        create_app(Settings(environment="production", nursing=NursingSettings(public_base_url="https://careline.example")))


def test_create_user_cli(data_dir):
    import subprocess
    import sys

    from channels.settings import Settings

    done = subprocess.run([sys.executable, "-m", "channels.console", "create-user", "cli-nurse"],
                          input="a long enough password\n", capture_output=True, text=True)
    assert done.returncode == 0 and users.authenticate("cli-nurse", "a long enough password", "127.0.0.1", Settings())
