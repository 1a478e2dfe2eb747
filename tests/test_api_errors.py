"""Bad input gets a clear JSON error, never a stack trace, and loses nothing."""

import pytest

from channels.app import create_app
from channels.settings import Settings


def error_of(response) -> dict:
    body = response.get_json()
    assert set(body) == {"error"} and {"code", "message"} <= set(body["error"])
    return body["error"]


@pytest.mark.parametrize("body, status, code", [
    ({"conversation_id": "", "text": "hi"}, 400, "invalid_conversation_id"),
    ({"conversation_id": "has space", "text": "hi"}, 400, "invalid_conversation_id"),
    ({"conversation_id": "x" * 65, "text": "hi"}, 400, "invalid_conversation_id"),
    ({"conversation_id": 42, "text": "hi"}, 400, "invalid_conversation_id"),
    ({"conversation_id": "ok"}, 400, "invalid_text"),
    ({"conversation_id": "ok", "text": 7}, 400, "invalid_text"),
    ({"conversation_id": "ok", "text": "   "}, 400, "empty_text"),
    ({"conversation_id": "ok", "text": "\x00\x01"}, 400, "empty_text"),
    ({"conversation_id": "ok", "text": "a" * 2001}, 413, "text_too_long"),
    (["not", "an", "object"], 400, "invalid_json"),
])
def test_bad_fields_get_a_json_error(client, body, status, code):
    response = client.post("/api/v1/chat", json=body)
    assert response.status_code == status
    assert error_of(response)["code"] == code


def test_body_that_is_not_json_is_rejected(client):
    response = client.post("/api/v1/chat", data="hello", content_type="application/json")
    assert response.status_code == 400 and error_of(response)["code"] == "invalid_json"


def test_body_that_is_not_utf8_is_rejected(client):
    response = client.post("/api/v1/chat", data=b'{"text": "\xff\xfe"}', content_type="application/json")
    assert response.status_code == 400 and error_of(response)["code"] == "invalid_encoding"


def test_wrong_content_type_is_415(client):
    response = client.post("/api/v1/chat", data="conversation_id=a&text=hi")
    assert response.status_code == 415 and error_of(response)["code"] == "unsupported_media_type"


def test_huge_body_is_413(client):
    response = client.post("/api/v1/chat", data=b"{" + b" " * 200_000 + b"}", content_type="application/json")
    assert response.status_code == 413
    error_of(response)


def test_unknown_path_is_a_json_404(client):
    response = client.get("/nope")
    assert response.status_code == 404
    error_of(response)


def test_exactly_2000_characters_is_accepted(chat):
    assert chat("a" * 2000)["messages"]


def test_rasa_down_is_503_with_emergency_advice():
    app = create_app(Settings(rasa_url="http://127.0.0.1:9", actions_url="http://127.0.0.1:9"))
    response = app.test_client().post("/api/v1/chat", json={"conversation_id": "down", "text": "hi"})
    assert response.status_code == 503
    assert "911" in error_of(response)["message"]


def test_healthz_is_503_naming_the_parts_that_are_down():
    app = create_app(Settings(rasa_url="http://127.0.0.1:9", actions_url="http://127.0.0.1:9"))
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert set(response.get_json()["down"]) == {"rasa", "actions"}


def test_healthz_is_200_when_everything_answers(client):
    assert client.get("/healthz").status_code == 200


def test_action_server_down_then_up_loses_no_message(stack, client):
    stack.stop_process("actions")
    try:
        down = client.post("/api/v1/chat", json={"conversation_id": "retry-me", "text": "hi"})
        assert down.status_code == 503
        assert "911" in error_of(down)["message"]
        assert "actions" in client.get("/healthz").get_json()["down"]
    finally:
        stack.start_actions()
        stack.wait_ready(gateway=False)
    again = client.post("/api/v1/chat", json={"conversation_id": "retry-me", "text": "hi"})
    assert again.status_code == 200
    assert again.get_json()["state"]["requested_slot"] == "consent"
