"""Only the patient reaches their conversation: the first answer's token is needed for everything after it."""

import hashlib
import uuid

import pytest
from sqlalchemy import select

from channels import conversation_tokens
from channels.api import VAULT_PREFIX
from channels.app import create_app
from channels.settings import Settings
from nursing import escalations, vault
from nursing.db import session
from nursing.models import ConversationToken, Escalation
from tests.conftest import all_text, bearer
from tests.test_sms import new_phone
from tests.test_sms import post as post_sms


def refused(response) -> bool:
    return response.status_code == 401 and response.get_json()["error"]["code"] == "invalid_conversation_token"


def last_turn(app, conversation_id: str) -> tuple:
    tracker = app.extensions["rasa"].tracker(conversation_id)
    return tracker["latest_message"].get("text"), tracker["latest_event_time"]


def nurse_replies_to(conversation_id: str, text: str) -> None:
    escalation = escalations.create(conversation_id, "request", "web", None, {}, [])
    escalations.claim(escalation.id, "nurse-tokens")
    escalations.reply(escalation.id, "nurse-tokens", text)


def test_the_first_answer_carries_a_conversation_token_and_the_id_the_server_made(client):
    body = client.post("/api/v1/chat", json={"text": "hi"}).get_json()
    assert {"messages", "state", "conversation_id", "conversation_token"} <= set(body)
    assert body["conversation_id"].startswith("web-") and len(body["conversation_token"]) >= 43
    second = client.post("/api/v1/chat", json={"conversation_id": body["conversation_id"], "text": "yes"},
                         headers=bearer(body["conversation_token"]))
    assert second.status_code == 200 and "conversation_token" not in second.get_json()


def test_only_a_hash_of_the_token_is_stored(app):
    conversation_id = f"hash-{uuid.uuid4().hex[:8]}"
    token = conversation_tokens.issue(conversation_id)
    with session() as db:
        stored = db.get(ConversationToken, conversation_id).token_hash
    assert stored == hashlib.sha256(token.encode()).hexdigest() and token not in stored


def test_a_second_turn_without_the_token_gets_401_and_no_turn_happens(app, client, chat):
    chat("hi")
    before = last_turn(app, chat.conversation_id)
    response = client.post("/api/v1/chat", json={"conversation_id": chat.conversation_id, "text": "yes"})
    assert refused(response)
    assert last_turn(app, chat.conversation_id) == before


def test_a_second_turn_with_another_conversations_token_gets_401_and_no_turn_happens(app, client, chat, raw_chat):
    chat("hi")
    raw_chat("hi")
    before = last_turn(app, chat.conversation_id)
    response = client.post("/api/v1/chat", json={"conversation_id": chat.conversation_id, "text": "yes"},
                           headers=raw_chat.headers)
    assert refused(response)
    assert last_turn(app, chat.conversation_id) == before


def test_a_first_turn_for_an_id_that_already_has_a_token_gets_401(client, chat):
    chat("hi")
    assert refused(client.post("/api/v1/chat", json={"conversation_id": chat.conversation_id, "text": "hi"}))


def test_updates_without_the_token_get_401_and_the_nurse_reply_still_reaches_the_patient(client, chat, raw_chat):
    chat("hi")
    raw_chat("hi")
    nurse_replies_to(chat.conversation_id, "Please come in today.")
    updates = f"/api/v1/chat/{chat.conversation_id}/updates"
    assert refused(client.get(updates))
    assert refused(client.get(updates, headers=raw_chat.headers))
    assert refused(client.post(f"{updates}/ack", json={"ids": [1, 2, 3]}, headers=raw_chat.headers))
    shown = client.get(updates, headers=chat.headers).get_json()["messages"]
    assert [m["text"] for m in shown] == ["A CareLine nurse replied: Please come in today."]


def test_reading_updates_twice_shows_the_reply_twice_until_the_page_acknowledges_it(client, chat):
    chat("hi")
    nurse_replies_to(chat.conversation_id, "Drink plenty of water.")
    updates = f"/api/v1/chat/{chat.conversation_id}/updates"
    first = client.get(updates, headers=chat.headers).get_json()["messages"]
    assert client.get(updates, headers=chat.headers).get_json()["messages"] == first
    acknowledged = client.post(f"{updates}/ack", json={"ids": [first[0]["id"]]}, headers=chat.headers)
    assert acknowledged.get_json() == {"acknowledged": 1}
    assert client.get(updates, headers=chat.headers).get_json()["messages"] == []


def test_acknowledging_another_conversations_reply_changes_nothing(client, chat, raw_chat):
    chat("hi")
    raw_chat("hi")
    nurse_replies_to(chat.conversation_id, "Rest your ankle.")
    reply_id = client.get(f"/api/v1/chat/{chat.conversation_id}/updates", headers=chat.headers).get_json()[
        "messages"][0]["id"]
    stray = client.post(f"/api/v1/chat/{raw_chat.conversation_id}/updates/ack", json={"ids": [reply_id]},
                        headers=raw_chat.headers)
    assert stray.get_json() == {"acknowledged": 0}
    assert client.get(f"/api/v1/chat/{chat.conversation_id}/updates", headers=chat.headers).get_json()["messages"]


def test_forget_me_without_the_token_erases_nothing(app, client, chat):
    chat("hi")
    nurse_replies_to(chat.conversation_id, "Call us back.")
    for text in ("forget me", "yes, forget me"):
        assert refused(client.post("/api/v1/chat", json={"conversation_id": chat.conversation_id, "text": text}))
    with session() as db:
        assert db.scalar(select(Escalation).where(Escalation.conversation_id == chat.conversation_id))
    assert last_turn(app, chat.conversation_id)[0] == "hi"


def test_an_sms_patients_id_is_refused_on_the_web_api(client, chat):
    phone = new_phone()
    post_sms(client, "hi", phone=phone)
    patient = vault.patient_for("phone", phone)
    chat("hi")
    for headers in ({}, chat.headers):
        response = client.post("/api/v1/chat", json={"conversation_id": patient, "text": "what do you know about me"},
                               headers=headers)
        assert refused(response)
        assert refused(client.get(f"/api/v1/chat/{patient}/updates", headers=headers))


def test_the_vault_namespace_is_refused_even_for_a_first_turn(client):
    unused = VAULT_PREFIX + uuid.uuid4().hex[:24]
    response = client.post("/api/v1/chat", json={"conversation_id": unused, "text": "hi"})
    assert refused(response)


def test_a_conversation_with_history_but_no_token_is_refused(app, client):
    conversation_id = f"before-tokens-{uuid.uuid4().hex[:8]}"
    app.extensions["rasa"].send(conversation_id, "hi")
    response = client.post("/api/v1/chat", json={"conversation_id": conversation_id, "text": "what do you know about me"})
    assert refused(response)


@pytest.mark.parametrize("request_for", [
    lambda client: client.post("/api/v1/chat", json={"conversation_id": "demo-1\n", "text": "hi"}),
    lambda client: client.get("/api/v1/chat/demo-1%0A/updates"),
])
def test_an_id_with_a_trailing_newline_is_refused(client, request_for):
    response = request_for(client)
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "invalid_conversation_id"


def test_the_chat_title_comes_from_configuration_not_the_query_string(data_dir):
    client = create_app(Settings(chat_title="Riverside Clinic")).test_client()
    page = client.get("/chat?title=Free+prizes+here").get_data(as_text=True)
    assert "Free prizes" not in page and "<h1>Riverside Clinic</h1>" in page


def test_what_do_you_know_about_me_needs_the_token_like_any_turn(client, chat):
    chat("hi")
    assert "Here is what CareLine holds" in all_text(chat("what do you know about me?"))
    response = client.post("/api/v1/chat", json={"conversation_id": chat.conversation_id,
                                                 "text": "what do you know about me?"})
    assert refused(response)
