"""Hardening of the public API, without the live stack (a fake Rasa answers over the client's HTTP session):
the OpenAPI document, bad bodies, rate limits and the Prometheus metrics."""

from __future__ import annotations

import dataclasses
import io
import json
import os
import re
import socket
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import requests
from gunicorn.config import Config
from openapi_spec_validator import validate
from prometheus_client import REGISTRY
from sqlalchemy import update
from sqlalchemy.exc import DBAPIError
from twilio.request_validator import RequestValidator

from channels import api as api_module
from channels.__main__ import GunicornLogger, log_formatter, share_metrics
from channels.app import create_app
from channels.console import users
from channels.conversation import CONVERSATION_ID
from channels.openapi import ChatReply, ChatRequest, Error
from channels.privacy.logging import JsonFormatter, ScrubbingFormatter
from channels.settings import Settings
from nursing import escalations
from nursing.db import session as nursing_session
from nursing.models import Escalation
from nursing.settings import Settings as NursingSettings
from tests.conftest import TWILIO_TOKEN

DEFAULT_MAX_BODY = 64 * 1024


class FakeResponse:
    def __init__(self, body, status: int = 200):
        self.body, self.status_code = body, status
        self.ok = status < 400

    def raise_for_status(self) -> None:
        assert self.ok

    def json(self):
        return self.body


class FakeRasa:
    """Rasa's REST webhook and tracker API in memory: 'chest pain' triages as an emergency, 'nurse' escalates."""

    def __init__(self):
        self.slots: dict[str, dict] = {}
        self.latest: dict[str, dict] = {}

    def get(self, url: str, params=None, timeout=None) -> FakeResponse:
        if "/conversations/" not in url:
            return FakeResponse({})  # /status, /health
        sender = url.split("/conversations/")[1].split("/")[0]
        return FakeResponse({"sender_id": sender, "slots": dict(self.slots.get(sender, {})),
                             "latest_message": self.latest.get(sender, {}), "active_loop": {}})

    def post(self, url: str, json=None, timeout=None) -> FakeResponse:
        sender, text = json["sender"], json["message"]
        slots = self.slots.setdefault(sender, {})
        if "chest pain" in text:
            slots["triage"] = {"level": "emergency", "reasons": ["chest pain"], "advice": "Call 911 now."}
        if "nurse" in text:
            slots["escalation"] = {"id": f"esc_{uuid.uuid4().hex[:8]}", "priority": "urgent", "status": "open"}
        self.latest[sender] = {"text": text, "message_id": uuid.uuid4().hex}
        return FakeResponse([{"text": f"You said: {text}", "buttons": [{"title": "Yes", "payload": "/affirm"}]}])


@pytest.fixture(scope="module")
def hardening_data(tmp_path_factory):
    """Own data dir (tokens, secret key, nurse account) for this module's apps."""
    path = tmp_path_factory.mktemp("hardening")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CARELINE_DATA_DIR", str(path))
        yield path


def make_app(data_dir, **changes):
    settings = dataclasses.replace(Settings(nursing=NursingSettings(data_dir=data_dir)), **changes)
    app = create_app(settings)
    app.extensions["rasa"].http = FakeRasa()
    return app


@pytest.fixture(scope="module")
def fake_app(hardening_data):
    return make_app(hardening_data)


@pytest.fixture
def api(fake_app):
    return fake_app.test_client()


def new_id() -> str:
    return f"h-{uuid.uuid4().hex[:12]}"


def talk(client, conversation_id: str, texts, **kwargs):
    """Send texts in one conversation (the token of the first answer on the others); the responses."""
    headers, responses = {}, []
    for text in texts:
        response = client.post("/api/v1/chat", json={"conversation_id": conversation_id, "text": text},
                               headers=headers, **kwargs)
        responses.append(response)
        token = (response.get_json() or {}).get("conversation_token")
        if token:
            headers = {"Authorization": f"Bearer {token}"}
    return responses


def assert_clean_error(response) -> dict:
    assert 400 <= response.status_code < 500, (response.status_code, response.data[:300])
    assert response.mimetype == "application/json"
    raw = response.get_data(as_text=True)
    assert "Traceback" not in raw and 'File "' not in raw
    Error.model_validate(response.get_json())
    return response.get_json()["error"]


# 1. The OpenAPI document


def test_openapi_document_is_valid_and_lists_the_public_api(api):
    response = api.get("/api/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    spec = response.get_json()
    validate(spec)
    assert spec["openapi"].startswith("3.")
    for path in ("/api/v1/chat", "/api/v1/chat/{conversation_id}/updates",
                 "/api/v1/chat/{conversation_id}/updates/ack", "/healthz", "/sms/twilio",
                 "/fhir/Questionnaire/careline-intake", "/fhir/QuestionnaireResponse/{escalation_id}",
                 "/fhir/Flag/{escalation_id}-flag", "/metrics"):
        assert path in spec["paths"], path
    chat = spec["paths"]["/api/v1/chat"]["post"]
    assert chat["requestBody"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ChatRequest"}
    assert "Retry-After" in chat["responses"]["429"]["headers"]


def test_the_chat_schema_is_the_model_that_validates_the_body(api):
    published = api.get("/api/openapi.json").get_json()["components"]["schemas"]["ChatRequest"]
    assert published == ChatRequest.model_json_schema(ref_template="#/components/schemas/{model}")
    assert published["required"] == ["text"]
    pattern = published["properties"]["conversation_id"]["anyOf"][0]["pattern"]
    assert pattern == f"^{CONVERSATION_ID.pattern}$"
    assert published["properties"]["text"]["maxLength"] == Settings().max_text_chars


def test_a_chat_reply_matches_its_published_model(api):
    first = api.post("/api/v1/chat", json={"text": "hello"})
    assert first.status_code == 200, first.get_json()
    reply = ChatReply.model_validate(first.get_json())
    assert reply.conversation_token and reply.messages[0].buttons[0].payload == "/affirm"
    later = api.post("/api/v1/chat", json={"conversation_id": reply.conversation_id, "text": "again"},
                     headers={"Authorization": f"Bearer {reply.conversation_token}"})
    assert later.status_code == 200
    assert ChatReply.model_validate(later.get_json()).conversation_token is None


# 2. Bad bodies: a clean 4xx in the error shape, never a 5xx or a traceback

NESTED = "[" * 30_000 + "]" * 30_000  # under the 64 KiB body limit, far over the parser's depth
BAD_BODIES = {
    "non-utf8": (b'{"text": "\xff\xfe\xfa"}', "application/json", 400, "invalid_encoding"),
    "latin-1 text": ('{"text": "caf\xe9"}'.encode("latin-1"), "application/json", 400, "invalid_encoding"),
    "number for text": (b'{"conversation_id": "abc", "text": 12}', "application/json", 400, "invalid_text"),
    "object for text": (b'{"text": {"a": 1}}', "application/json", 400, "invalid_text"),
    "null text": (b'{"text": null}', "application/json", 400, "invalid_text"),
    "bool for text": (b'{"text": true}', "application/json", 400, "invalid_text"),
    "NaN for text": (b'{"text": NaN}', "application/json", 400, "invalid_text"),
    "list for conversation_id": (b'{"conversation_id": ["a"], "text": "hi"}', "application/json", 400,
                                 "invalid_conversation_id"),
    "number for conversation_id": (b'{"conversation_id": 7, "text": "hi"}', "application/json", 400,
                                   "invalid_conversation_id"),
    "newline in conversation_id": (b'{"conversation_id": "ab\\n", "text": "hi"}', "application/json", 400,
                                   "invalid_conversation_id"),
    "json array": (b'["conversation_id", "text"]', "application/json", 400, "invalid_json"),
    "json string": (b'"hello"', "application/json", 400, "invalid_json"),
    "json null": (b"null", "application/json", 400, "invalid_json"),
    "deeply nested array": (NESTED.encode(), "application/json", 400, "invalid_json"),
    "deeply nested field": (b'{"text": ' + ("[" * 20_000 + "]" * 20_000).encode() + b"}", "application/json", 400,
                            "invalid_json"),
    "nested objects": (('{"a":' * 10_000 + "1" + "}" * 10_000).encode(), "application/json", 400, "invalid_json"),
    "integer of 50000 digits": (b'{"text": ' + b"9" * 50_000 + b"}", "application/json", 400, "invalid_json"),
    "empty body": (b"", "application/json", 400, "invalid_json"),
    "truncated json": (b'{"text": "hi"', "application/json", 400, "invalid_json"),
    "form body": (b"conversation_id=a&text=hi", "application/x-www-form-urlencoded", 415, "unsupported_media_type"),
    "text/plain": (b'{"text": "hi"}', "text/plain", 415, "unsupported_media_type"),
    "no content type": (b'{"text": "hi"}', None, 415, "unsupported_media_type"),
    "huge body": (b'{"text": "' + b"a" * 200_000 + b'"}', "application/json", 413, "request_entity_too_large"),
    "huge text": (json.dumps({"text": "a" * 5000}).encode(), "application/json", 413, "text_too_long"),
    "control characters only": (b'{"text": "\\u0000\\u0001 "}', "application/json", 400, "empty_text"),
}


@pytest.mark.parametrize("name", list(BAD_BODIES))
def test_bad_chat_bodies_get_a_clean_4xx(api, name):
    data, content_type, status, code = BAD_BODIES[name]
    headers = {"Content-Type": content_type} if content_type else {}
    response = api.post("/api/v1/chat", data=data, headers=headers)
    error = assert_clean_error(response)
    assert (response.status_code, error["code"]) == (status, code)


def test_bad_ack_bodies_get_a_clean_4xx(api):
    conversation_id = new_id()
    token = talk(api, conversation_id, ["hello"])[0].get_json()["conversation_token"]
    url, auth = f"/api/v1/chat/{conversation_id}/updates/ack", {"Authorization": f"Bearer {token}"}
    for body in ({"ids": "1"}, {"ids": [True]}, {"ids": [2**80]}, {"ids": [-1]}, {}, [1, 2]):
        assert_clean_error(api.post(url, json=body, headers=auth))
    assert api.post(url, json={"ids": []}, headers=auth).get_json() == {"acknowledged": 0}


# 3. Rate limits


def test_default_rate_limits():
    assert Settings().chat_rate_per_minute == 30
    assert Settings().image_rate_per_minute == 10
    assert Settings().client_rate_per_minute >= 1000  # one clinic's NAT must not trip it
    assert Settings().rate_limit_storage_uri == ""  # in memory


def test_rate_limits_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("CHAT_RATE_PER_MINUTE", "12")
    monkeypatch.setenv("CLIENT_RATE_PER_MINUTE", "900")
    monkeypatch.setenv("RATE_LIMIT_STORAGE_URI", "redis://127.0.0.1:6379")
    settings = Settings()
    assert (settings.chat_rate_per_minute, settings.client_rate_per_minute) == (12, 900)
    assert settings.rate_limit_storage_uri == "redis://127.0.0.1:6379"


def test_the_31st_message_of_a_conversation_in_a_minute_is_429_with_retry_after(hardening_data):
    client = make_app(hardening_data).test_client()  # the defaults: 30 a minute
    conversation_id = new_id()
    responses = talk(client, conversation_id, [f"message {i}" for i in range(40)])
    statuses = [r.status_code for r in responses]
    assert statuses[:30] == [200] * 30 and set(statuses[30:]) == {429}, statuses
    limited = responses[30]
    assert assert_clean_error(limited)["code"] == "rate_limited"
    assert "911" in limited.get_json()["error"]["message"]
    assert 1 <= int(limited.headers["Retry-After"]) <= 60
    assert limited.headers["X-Content-Type-Options"] == "nosniff"
    # Another conversation from the same address is not held back.
    assert talk(client, new_id(), ["hello"])[0].status_code == 200


def test_the_message_that_opens_a_conversation_without_an_id_counts_towards_its_limit(hardening_data):
    client = make_app(hardening_data, chat_rate_per_minute=3).test_client()
    opened = client.post("/api/v1/chat", json={"text": "hello"})
    assert opened.status_code == 200
    conversation_id, token = opened.get_json()["conversation_id"], opened.get_json()["conversation_token"]
    statuses = [client.post("/api/v1/chat", json={"conversation_id": conversation_id, "text": text},
                            headers={"Authorization": f"Bearer {token}"}).status_code for text in "abc"]
    assert statuses == [200, 200, 429]


def test_messages_without_the_conversations_token_do_not_use_up_its_limit(hardening_data):
    client = make_app(hardening_data, chat_rate_per_minute=3).test_client()
    conversation_id = new_id()
    [opened] = talk(client, conversation_id, ["hello"])
    forged = [client.post("/api/v1/chat", json={"conversation_id": conversation_id, "text": f"spam {i}"},
                          headers={"Authorization": "Bearer forged"}).status_code for i in range(10)]
    assert set(forged) == {401}
    token = opened.get_json()["conversation_token"]
    statuses = [client.post("/api/v1/chat", json={"conversation_id": conversation_id, "text": text},
                            headers={"Authorization": f"Bearer {token}"}).status_code for text in "abc"]
    assert statuses == [200, 200, 429]


def test_per_conversation_limit_is_configurable(hardening_data):
    client = make_app(hardening_data, chat_rate_per_minute=3).test_client()
    statuses = [r.status_code for r in talk(client, new_id(), ["a", "b", "c", "d"])]
    assert statuses == [200, 200, 200, 429]


def test_pictures_of_one_conversation_are_limited_apart_from_its_messages(hardening_data):
    client = make_app(hardening_data, image_rate_per_minute=3).test_client()
    conversation_id = new_id()
    url = f"/api/v1/chat/{conversation_id}/images"
    statuses = [client.post(url, data={"image": (io.BytesIO(b"x"), "a.png")}).status_code for _ in range(4)]
    assert statuses[:3] != [429] * 3 and statuses[3] == 429, statuses
    assert talk(client, conversation_id, ["hello"])[0].status_code == 200
    assert client.post(f"/api/v1/chat/{new_id()}/images", data={"image": (io.BytesIO(b"x"), "a.png")}).status_code != 429


def test_per_address_limit(hardening_data):
    client = make_app(hardening_data, client_rate_per_minute=5).test_client()
    statuses = [client.post("/api/v1/chat", json={"text": f"hi {i}"}).status_code for i in range(7)]
    assert statuses == [200] * 5 + [429] * 2
    assert client.get("/api/openapi.json").status_code == 429  # every /api/ path counts
    other = client.post("/api/v1/chat", json={"text": "hi"}, environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert other.status_code == 200
    assert client.get("/healthz").status_code == 200 and client.get("/metrics").status_code == 200


def _redis_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
        return True
    except OSError:
        return False


@pytest.mark.skipif(not _redis_up(), reason="no Redis on 127.0.0.1:6379")
def test_redis_shares_the_counts_between_workers(hardening_data):
    workers = [make_app(hardening_data, chat_rate_per_minute=4, rate_limit_storage_uri="redis://127.0.0.1:6379")
               .test_client() for _ in range(2)]
    conversation_id = new_id()
    token = talk(workers[0], conversation_id, ["hello"])[0].get_json()["conversation_token"]
    statuses = [workers[i % 2].post("/api/v1/chat", json={"conversation_id": conversation_id, "text": f"m{i}"},
                                    headers={"Authorization": f"Bearer {token}"}).status_code for i in range(5)]
    assert statuses == [200, 200, 200, 429, 429]


def test_a_dead_rate_limit_store_lets_messages_through(hardening_data):
    client = make_app(hardening_data, rate_limit_storage_uri="redis://127.0.0.1:9").test_client()
    assert talk(client, new_id(), ["hello"])[0].status_code == 200


# 4. Metrics


def sample(name: str, **labels) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_metrics_are_prometheus_text(api):
    before_turns = sample("careline_turns_total", channel="web")
    before_total = sample("careline_stage_seconds_count", stage="total")
    before_rasa = sample("careline_stage_seconds_count", stage="rasa")
    assert talk(api, new_id(), ["hello"])[0].status_code == 200
    assert sample("careline_turns_total", channel="web") == before_turns + 1
    assert sample("careline_stage_seconds_count", stage="total") == before_total + 1
    assert sample("careline_stage_seconds_count", stage="rasa") == before_rasa + 1
    response = api.get("/metrics")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    assert "version=" in response.headers["Content-Type"]
    text = response.get_data(as_text=True)
    for line in ("# TYPE careline_turns_total counter", "# TYPE careline_stage_seconds histogram",
                 'careline_stage_seconds_bucket{le="0.1",stage="rasa"}', 'careline_stage_seconds_count{stage="total"}',
                 'careline_stage_seconds_count{stage="rasa_tracker"}'):
        assert line in text, line


def test_metrics_count_triage_escalations_and_errors(api):
    emergency = sample("careline_triage_total", level="emergency")
    urgent = sample("careline_escalations_total", priority="urgent")
    bad = sample("careline_errors_total", status="400")
    responses = talk(api, new_id(), ["I have chest pain", "still chest pain", "I want a nurse", "thanks"])
    assert [r.status_code for r in responses] == [200] * 4
    assert responses[2].get_json()["state"]["escalation"]["priority"] == "urgent"
    assert sample("careline_triage_total", level="emergency") == emergency + 1  # set once, not once per turn
    assert sample("careline_escalations_total", priority="urgent") == urgent + 1
    api.post("/api/v1/chat", json=["junk"])
    assert sample("careline_errors_total", status="400") == bad + 1


def test_metrics_name_no_conversation_or_text(api):
    conversation_id = new_id()
    talk(api, conversation_id, ["my name is Zebulon Quartermaine"])
    text = api.get("/metrics").get_data(as_text=True)
    assert conversation_id not in text and "Zebulon" not in text


def test_the_scrub_is_timed_once_per_chat_and_sms_turn(hardening_data):
    app = make_app(hardening_data, nursing=NursingSettings(data_dir=hardening_data, twilio_auth_token=TWILIO_TOKEN))
    client = app.test_client()
    scrub = sample("careline_stage_seconds_count", stage="scrub")
    assert [r.status_code for r in talk(client, new_id(), ["hello", "my name is Zebulon"])] == [200, 200]
    assert sample("careline_stage_seconds_count", stage="scrub") == scrub + 2
    sms_turns = sample("careline_turns_total", channel="sms")
    form = {"From": "+1555" + str(uuid.uuid4().int)[:7], "To": "+15550000000", "Body": "hello there",
            "MessageSid": "SM" + uuid.uuid4().hex, "NumMedia": "0"}
    signature = RequestValidator(TWILIO_TOKEN).compute_signature("http://localhost/sms/twilio", form)
    response = client.post("/sms/twilio", data=form, headers={"X-Twilio-Signature": signature})
    assert response.status_code == 200, response.data[:300]
    assert sample("careline_turns_total", channel="sms") == sms_turns + 1
    assert sample("careline_stage_seconds_count", stage="scrub") == scrub + 3


def test_escalations_time_to_claim_is_observed_by_priority(fake_app):
    nurse = f"nurse-{uuid.uuid4().hex[:6]}"
    users.create(nurse, "correct horse battery staple")
    escalation_id = escalations.create(f"c-{uuid.uuid4().hex[:8]}", "urgent", "web",
                                       {"level": "urgent", "reasons": ["Test reason."], "advice": "x"},
                                       {"chief_complaint": "sore throat"}, []).id
    with nursing_session() as db:  # created two minutes ago
        db.execute(update(Escalation).where(Escalation.id == escalation_id)
                   .values(created_at=datetime.now(UTC) - timedelta(minutes=2)))
        db.commit()
    count = sample("careline_escalation_claim_seconds_count", priority="urgent")
    waited = sample("careline_escalation_claim_seconds_sum", priority="urgent")
    client = fake_app.test_client()

    def csrf(path: str) -> str:
        return re.search(r'name="csrf" value="([^"]+)"', client.get(path).get_data(as_text=True)).group(1)

    client.post("/console/login", data={"username": nurse, "password": "correct horse battery staple",
                                        "csrf": csrf("/console/login")})
    token = csrf(f"/console/escalations/{escalation_id}")
    assert client.post(f"/console/escalations/{escalation_id}/claim", data={"csrf": token}).status_code == 302
    assert escalations.get(escalation_id).status == "claimed"
    assert sample("careline_escalation_claim_seconds_count", priority="urgent") == count + 1
    assert 120 <= sample("careline_escalation_claim_seconds_sum", priority="urgent") - waited < 180
    assert sample("careline_escalation_claim_seconds_bucket", priority="urgent", le="300.0") >= count + 1
    # a claim the workflow refuses (already claimed) observes nothing
    assert client.post(f"/console/escalations/{escalation_id}/claim", data={"csrf": token}).status_code == 409
    assert sample("careline_escalation_claim_seconds_count", priority="urgent") == count + 1
    text = client.get("/metrics").get_data(as_text=True)
    assert "# TYPE careline_escalation_claim_seconds histogram" in text
    assert escalation_id not in text and nurse not in text


class UnstoredRasa(FakeRasa):
    """Answers the turn but keeps nothing: Rasa's save failed (its tracker store lost the database)."""

    def post(self, url: str, json=None, timeout=None) -> FakeResponse:
        return FakeResponse([{"text": "kept in memory only"}])


class DownRasa(FakeRasa):
    def post(self, url: str, json=None, timeout=None) -> FakeResponse:
        raise requests.ConnectionError("refused")


def lost_connection(*_args, **_kwargs):
    raise DBAPIError("select 1", {}, Exception("server closed the connection"), connection_invalidated=True)


@pytest.mark.parametrize("part", ["rasa", "tracker_store", "database"])
def test_every_service_down_503_is_counted_once(api, fake_app, monkeypatch, part):
    """The 503s of a part down (the Rasa client's, a turn the tracker store did not keep, the database's) each
    count once in careline_service_down_total."""
    if part == "database":
        monkeypatch.setattr(api_module.conversation_tokens, "issue", lost_connection)
    else:
        monkeypatch.setattr(fake_app.extensions["rasa"], "http", DownRasa() if part == "rasa" else UnstoredRasa())
    before = sample("careline_service_down_total", part=part)
    response = talk(api, new_id(), ["hello"])[0]
    assert (response.status_code, response.get_json()["error"]["code"]) == (503, "service_unavailable")
    assert sample("careline_service_down_total", part=part) == before + 1
    assert int(response.headers["Retry-After"]) > 0


def test_several_workers_share_their_counts_through_files(tmp_path, monkeypatch):
    """The folder the workers write to is emptied at start (a restart reports no old counts) and handed to
    prometheus_client; /metrics of several workers reads it."""
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", "")  # restored after the test: share_metrics sets it
    (tmp_path / "counter_1234.db").write_bytes(b"old counts")
    (tmp_path / "notes.txt").write_text("not ours")
    share_metrics(Settings(metrics_dir=str(tmp_path)))
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]
    assert os.environ["PROMETHEUS_MULTIPROC_DIR"] == str(tmp_path)
    assert Settings().prometheus_multiproc_dir == tmp_path
    assert Settings(metrics_dir="").prometheus_multiproc_dir == Settings().data_dir / "prometheus"


def test_the_log_format_follows_the_settings(monkeypatch):
    monkeypatch.setenv("LOG_FORMAT", "TEXT")
    assert Settings().log_format == "text"
    assert type(log_formatter(Settings())) is ScrubbingFormatter
    assert isinstance(log_formatter(dataclasses.replace(Settings(), log_format="json")), JsonFormatter)


def test_gunicorns_own_lines_go_through_the_gateways_handler():
    logger = GunicornLogger(Config())
    assert logger.error_log.handlers == [] and logger.error_log.propagate
    assert logger.access_log.handlers == []


# Against the live gateway (the real HTTP server, Rasa and the action server), as the check does


def test_live_gateway_openapi_metrics_bad_bodies_and_rate_limit(stack):
    url = stack.gateway_url
    assert "/api/v1/chat" in requests.get(f"{url}/api/openapi.json", timeout=10).json()["paths"]
    metrics = requests.get(f"{url}/metrics", timeout=10)
    assert metrics.status_code == 200 and metrics.headers["Content-Type"].startswith("text/plain")
    assert "# TYPE careline_turns_total counter" in metrics.text
    for name in ("non-utf8", "number for text", "list for conversation_id", "json array", "deeply nested array",
                 "nested objects", "empty body", "form body"):
        data, content_type, status, code = BAD_BODIES[name]
        response = requests.post(f"{url}/api/v1/chat", data=data, timeout=30,
                                 headers={"Content-Type": content_type} if content_type else {})
        assert (response.status_code, response.json()["error"]["code"]) == (status, code), name
        assert "Traceback" not in response.text
    # Every message the conversation's holder sends counts, the opening one included; messages refused for a
    # wrong token do not (they cannot lock the patient out); the 31st within the minute gets 429.
    opened = requests.post(f"{url}/api/v1/chat", json={"text": "hi"}, timeout=30).json()
    conversation_id, token = opened["conversation_id"], opened["conversation_token"]
    forged = [requests.post(f"{url}/api/v1/chat", json={"conversation_id": conversation_id, "text": "hi"},
                            headers={"Authorization": "Bearer wrong"}, timeout=30).status_code for _ in range(5)]
    assert forged == [401] * 5
    statuses = [requests.post(f"{url}/api/v1/chat", json={"conversation_id": conversation_id, "text": "hi"},
                              headers={"Authorization": f"Bearer {token}"}, timeout=30) for _ in range(31)]
    assert [r.status_code for r in statuses] == [200] * 29 + [429] * 2
    limited = statuses[29]  # the 31st message, counting the opening one
    assert limited.json()["error"]["code"] == "rate_limited" and int(limited.headers["Retry-After"]) >= 1
