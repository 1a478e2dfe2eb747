"""The scaled configuration (`make run-scaled`): gunicorn workers, two Rasa and two action servers, PostgreSQL and
Redis, a Chroma server. Real processes on loopback, on ports apart from the ordinary test stack's."""

from __future__ import annotations

import json
import os
import threading
import uuid

import pytest
import redis
import requests
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import create_engine, text

from channels.rasa_client import instance_order
from scripts.fault_test import terminate_sessions, tracker_events
from scripts.stack_scaled import POSTGRES, ScaledSettings, ScaledStack
from tests.conftest import FIXTURE_DOCS, ON_CALL, TWILIO_TOKEN, _conversation, all_text, bearer
from tests.test_sms import messages, new_phone, signed_form

OFFSET = int(os.environ.get("CARELINE_TEST_PORT_OFFSET", "0")) + 500  # never the ordinary test stack's ports
PORTS = {"gateway_port": 18000 + OFFSET, "rasa_port": 15005 + OFFSET, "actions_port": 15055 + OFFSET}
REDIS = "redis://127.0.0.1:6379"
REDIS_DBS = {"rate_limit_storage_uri": 13, "shared_state_url": 14, "lock_store_url": 15}
CHAT_RATE = 30
REQUEST_TIMEOUT_S = 120


class GatewayClient:
    """The Flask test client's post() over HTTP to the running gateway, so conftest's conversation helper works.

    A new connection per request: gunicorn hands each to whichever worker accepts it."""

    def __init__(self, url: str):
        self.url = url

    def post(self, path: str, json: dict, headers: dict | None = None) -> GatewayReply:
        return GatewayReply(requests.post(self.url + path, json=json, headers={**(headers or {}), "Connection": "close"},
                                          timeout=REQUEST_TIMEOUT_S))


class GatewayReply:
    def __init__(self, response: requests.Response):
        self.status_code = response.status_code
        self.get_json = response.json


@pytest.fixture(scope="module")
def schemas():
    """Fresh PostgreSQL schemas for CareLine's tables and Rasa's tracker, dropped afterwards."""
    name = f"careline_scaled_{uuid.uuid4().hex[:8]}"
    yield {"app": name, "tracker": f"{name}_tracker"}
    admin = create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"drop schema if exists {name} cascade"))
        connection.execute(text(f"drop schema if exists {name}_tracker cascade"))
    admin.dispose()


@pytest.fixture(scope="module")
def scaled(tmp_path_factory, fake_twilio, schemas):
    settings = ScaledSettings(
        database_url=f"{POSTGRES}?options=-csearch_path%3D{schemas['app']}",
        tracker_url=f"{POSTGRES}?options=-csearch_path%3D{schemas['tracker']}",
        chroma_url=f"http://127.0.0.1:{18100 + OFFSET}", instances=2, gateway_workers=3,
        **{name: f"{REDIS}/{number}" for name, number in REDIS_DBS.items()})
    _flush_redis()
    stack = ScaledStack(data_dir=tmp_path_factory.mktemp("careline-scaled"), scaled=settings, corpus_dir=FIXTURE_DOCS,
                        extra_env={"ON_CALL_NUMBERS": ON_CALL, "TWILIO_API_BASE_URL": fake_twilio.url,
                                   "TWILIO_AUTH_TOKEN": TWILIO_TOKEN, "CHAT_RATE_PER_MINUTE": str(CHAT_RATE),
                                   "PGAPPNAME": schemas["app"]},
                        **PORTS)
    try:
        stack.start()
        yield stack
    finally:
        stack.stop()
        _flush_redis()


def _flush_redis() -> None:
    for number in REDIS_DBS.values():
        redis.Redis.from_url(f"{REDIS}/{number}").flushdb()


@pytest.fixture
def chat(scaled):
    return _conversation(GatewayClient(scaled.gateway_url), answer_red_flags="no")




def test_health_reports_every_rasa_and_action_server(scaled):
    parts = requests.get(f"{scaled.gateway_url}/healthz", timeout=10).json()["parts"]
    assert parts == {"gateway": True, "rasa_1": True, "actions_1": True, "rasa_2": True, "actions_2": True}


def test_a_conversation_goes_from_consent_to_triage_over_the_scaled_gateway(chat):
    reply = chat("hi", "yes", "I have a runny nose and I keep sneezing", "27", "male", "2 days", "about a 2",
                 "none", "none")
    assert reply["state"]["triage"]["level"] == "self_care"
    assert reply["state"]["triage"]["reasons"]


def test_two_messages_sent_at_once_are_answered_in_order(chat, scaled):
    chat("hi")
    texts = ["yes", "I have a sore throat"]
    replies: dict[str, dict] = {}

    def send(said: str) -> None:
        response = requests.post(f"{scaled.gateway_url}/api/v1/chat", headers=chat.headers,
                                 json={"conversation_id": chat.conversation_id, "text": said}, timeout=REQUEST_TIMEOUT_S)
        replies[said] = {"status": response.status_code, **response.json()}

    threads = [threading.Thread(target=send, args=(said,)) for said in texts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [replies[said]["status"] for said in texts] == [200, 200]
    events = tracker_events(scaled, chat.conversation_id)
    kinds = [kind for kind, _ in events]
    assert kinds.count("user") == 3 and "user,user" not in ",".join(kinds)  # each turn answered before the next
    for said in texts:
        start = events.index(("user", said))
        answered = []
        for kind, bot_said in events[start + 1:]:
            if kind == "user":
                break
            answered.append(bot_said)
        assert [m["text"] for m in replies[said]["messages"] if m["text"]] == [a for a in answered if a]


def test_forget_me_erases_the_conversation_from_the_postgresql_tracker_store(chat, scaled):
    chat("hi", "yes", "I have a sore throat")
    assert tracker_events(scaled, chat.conversation_id)
    assert "Reply \"yes, forget me\"" in all_text(chat("forget me"))
    assert "erased" in all_text(chat("yes, forget me"))
    assert tracker_events(scaled, chat.conversation_id) == []


def test_a_turn_after_the_database_ended_every_session_of_the_stack_is_stored(chat, scaled):
    """Rasa's pooled connections are checked before use (bot/tracker_store.py): the turn is not kept in Rasa's
    memory while the patient is told all is well."""
    chat("hi")
    terminate_sessions(scaled)
    chat("yes")
    events = tracker_events(scaled, chat.conversation_id)
    assert [said for kind, said in events if kind == "user"] == ["hi", "yes"]
    assert events[-1][0] == "bot"


def test_sms_numbered_options_work_whichever_worker_takes_the_answer(scaled):
    url = f"{scaled.gateway_url}/sms/twilio"
    for _ in range(6):
        phone = new_phone()
        assert "Reply 1" in " ".join(messages(_sms(url, "hi", phone)))
        assert "main problem" in " ".join(messages(_sms(url, "1", phone)))


def _sms(url: str, body: str, phone: str) -> requests.Response:
    form, signature = signed_form(body, phone, url=url)
    return requests.post(url, data=form, headers={"X-Twilio-Signature": signature, "Connection": "close"},
                         timeout=REQUEST_TIMEOUT_S)


def test_the_rate_limit_counts_across_workers(scaled):
    body = {"conversation_id": f"rl-{uuid.uuid4().hex}", "text": ""}  # refused by the view, counted by the limit
    statuses = [GatewayClient(scaled.gateway_url).post("/api/v1/chat", body).status_code for _ in range(CHAT_RATE + 1)]
    assert 429 not in statuses[:CHAT_RATE]
    assert statuses[CHAT_RATE] == 429


def turns_counted(scaled) -> float:
    """careline_turns_total of every channel, as one /metrics request (a new connection: any worker) reports it."""
    body = requests.get(f"{scaled.gateway_url}/metrics", headers={"Connection": "close"}, timeout=10).text
    return sum(sample.value for family in text_string_to_metric_families(body) for sample in family.samples
               if sample.name == "careline_turns_total")


def test_metrics_count_the_turns_of_every_worker(chat, scaled):
    """prometheus_client's multiprocess mode: whichever worker answers /metrics, it reports all the workers' turns
    (without it, each worker answered with its own counts)."""
    before = turns_counted(scaled)
    texts = ["hi", "yes", "I have a sore throat", "27", "female", "3 days"]
    chat(*texts)  # a new connection per message: gunicorn spreads them over its 3 workers
    reports = [turns_counted(scaled) for _ in range(6)]
    assert all(report >= before + len(texts) for report in reports), (before, reports)
    assert len(set(reports)) == 1


def test_the_gateway_writes_json_lines_only(scaled):
    """gunicorn's own lines (starting, booting each worker) go through the gateway's JSON formatter too."""
    lines = [line for line in (scaled.data_dir / "logs" / "gateway.log").read_text().splitlines() if line.strip()]
    entries = [json.loads(line) for line in lines]  # a plain-text line fails here
    assert any(entry["logger"] == "gunicorn.error" and "Booting worker" in entry["message"] for entry in entries)


def test_a_conversation_whose_rasa_server_is_down_is_carried_on_by_the_other(scaled):
    """Last in this module: it stops the first Rasa server."""
    conversation_id = next(c for c in (f"fo-{uuid.uuid4().hex}" for _ in range(100)) if instance_order(c, 2)[0] == 0)
    client = GatewayClient(scaled.gateway_url)
    first = client.post("/api/v1/chat", {"conversation_id": conversation_id, "text": "hi"}).get_json()
    scaled.stop_process("rasa_1")
    reply = client.post("/api/v1/chat", {"conversation_id": conversation_id, "text": "yes"},
                        bearer(first["conversation_token"]))
    if reply.status_code == 503:  # the message was not taken: sent again, it is answered
        reply = client.post("/api/v1/chat", {"conversation_id": conversation_id, "text": "yes"},
                            bearer(first["conversation_token"]))
    assert reply.status_code == 200
    assert reply.get_json()["state"]["requested_slot"] == "chief_complaint"
    users = [said for kind, said in tracker_events(scaled, conversation_id) if kind == "user"]
    assert users == ["hi", "yes"]
