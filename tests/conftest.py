"""Shared fixtures: the real action server and Rasa server, started once per session."""

from __future__ import annotations

import itertools
import os
import threading
import uuid
from pathlib import Path

import pytest
import sqlalchemy

from channels.app import create_app
from channels.settings import Settings
from knowledge.ingest import ingest
from knowledge.settings import KnowledgeSettings
from nursing.settings import Settings as NursingSettings
from scripts.browser import launch
from scripts.stack import Stack
from tests.fake_twilio import FakeTwilio

TWILIO_TOKEN = "test-auth-token"
# Two test runs on one machine (two developers' checkouts) set CARELINE_TEST_PORT_OFFSET apart.
_OFFSET = int(os.environ.get("CARELINE_TEST_PORT_OFFSET", "0"))
TEST_PORTS = {"gateway_port": 18000 + _OFFSET, "rasa_port": 15005 + _OFFSET, "actions_port": 15055 + _OFFSET}
FIXTURE_DOCS = Path(__file__).parent / "fixtures" / "knowledge"


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory):
    """The test stack's data directory, with the fixture documents already ingested."""
    path = tmp_path_factory.mktemp("careline")
    os.environ["CARELINE_DATA_DIR"] = str(path)  # the gateway's own tables and vault key live here too
    ingest([FIXTURE_DOCS], KnowledgeSettings(data_dir=path))
    return path


ON_CALL = "+15550009999"


@pytest.fixture(scope="session")
def repository_before() -> set[str]:
    """Untracked files before the stack first starts (test_repository_clean checks what a run adds)."""
    from tests.test_repository_clean import untracked

    return untracked()


@pytest.fixture(scope="session")
def stack(data_dir, fake_twilio, repository_before):
    alerts_env = {"ON_CALL_NUMBERS": ON_CALL, "TWILIO_API_BASE_URL": fake_twilio.url, "TWILIO_AUTH_TOKEN": TWILIO_TOKEN}
    running = Stack(data_dir=data_dir, extra_env=alerts_env, **TEST_PORTS)
    try:
        running.start(gateway=True)
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="session")
def fake_twilio():
    with FakeTwilio(auth_token=TWILIO_TOKEN) as server:
        yield server


@pytest.fixture(scope="session")
def app(stack, fake_twilio):
    nursing = NursingSettings(data_dir=stack.data_dir, twilio_auth_token=TWILIO_TOKEN,
                              twilio_api_base_url=fake_twilio.url)
    settings = Settings(rasa_url=stack.rasa_url, actions_url=stack.actions_url, nursing=nursing)
    return create_app(settings)


@pytest.fixture
def client(app):
    return app.test_client()


_ids = itertools.count()


def is_red_flag_question(reply: dict) -> bool:
    """True while the form waits for the answer to one of the red-flag questions (red_flag_1..8)."""
    return (reply["state"]["requested_slot"] or "").startswith("red_flag_")


def _conversation(client, answer_red_flags: str | None):
    conversation_id = f"t{next(_ids)}-{uuid.uuid4().hex[:8]}"
    credentials: dict[str, str] = {}

    def post(text: str) -> dict:
        response = client.post("/api/v1/chat", json={"conversation_id": conversation_id, "text": text},
                               headers=credentials)
        assert response.status_code == 200, response.get_json()
        body = response.get_json()
        if "conversation_token" in body:
            credentials.update(bearer(body["conversation_token"]))
        return body

    def send(*texts: str) -> dict:
        body = None
        for text in texts:
            body = post(text)
            messages = list(body["messages"])
            while answer_red_flags and is_red_flag_question(body):
                body = post(answer_red_flags)
                messages += body["messages"]
            body = {**body, "messages": messages}
        return body

    send.conversation_id = conversation_id
    send.headers = credentials  # the conversation's Authorization header, once the first answer gave the token
    return send


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def chat(client):
    """Send patient messages in one fresh conversation, with its token after the first answer; returns the last
    reply as JSON.

    Walking the intake, the patient answers "no" to every red-flag question ("Ask, don't
    guess") as it comes, so the scripted texts answer age, sex, ...; the returned reply's
    messages include those questions. Use `raw_chat` to answer red-flag questions yourself.
    """
    return _conversation(client, answer_red_flags="no")


@pytest.fixture
def raw_chat(client):
    """Like `chat`, but every text is sent as it is: red-flag questions are left to the test."""
    return _conversation(client, answer_red_flags=None)


def all_text(reply: dict) -> str:
    return " ".join(m["text"] for m in reply["messages"])


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium, headless, driven by Playwright (no browser download)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = launch(playwright)
        yield launched
        launched.close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    yield context.new_page()
    context.close()


def claim_at_once(escalation_id: str, nurses: int) -> list[str]:
    """Several nurses claim one escalation from parallel threads; each gets "won" or "lost"."""
    from nursing import escalations

    outcomes: list[str] = []

    def claim(nurse: str) -> None:
        try:
            escalations.claim(escalation_id, nurse)
            outcomes.append("won")
        except escalations.AlreadyClaimed:
            outcomes.append("lost")

    threads = [threading.Thread(target=claim, args=(f"nurse-{i}",)) for i in range(nurses)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


@pytest.fixture(scope="module")
def postgres_schema():
    """A fresh schema per run: the machine's PostgreSQL outlives test runs."""
    schema = f"careline_test_{uuid.uuid4().hex[:10]}"
    admin = sqlalchemy.create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sqlalchemy.text(f"create schema {schema}"))
    yield f"{POSTGRES}?options=-csearch_path%3D{schema}"
    with admin.connect() as connection:
        connection.execute(sqlalchemy.text(f"drop schema {schema} cascade"))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path, monkeypatch, postgres_schema):
    """CareLine's own tables on SQLite and on the machine's PostgreSQL, in turn."""
    url = f"sqlite:///{tmp_path / 'store.db'}" if request.param == "sqlite" else postgres_schema
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("CARELINE_DATA_DIR", str(tmp_path))
    return request.param
