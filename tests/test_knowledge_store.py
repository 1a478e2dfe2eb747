"""A Chroma server that stops answering fails the request within CHROMA_TIMEOUT_S instead of holding a turn."""

from __future__ import annotations

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from knowledge.settings import KnowledgeSettings
from knowledge.store import open_store

TIMEOUT_S = 0.5
BOUND_S = 60  # far above the limit: only a request with no limit at all is still waiting by then


def test_the_default_limit_and_its_variable(monkeypatch):
    monkeypatch.delenv("CHROMA_TIMEOUT_S", raising=False)
    assert KnowledgeSettings().chroma_timeout_s == 30
    monkeypatch.setenv("CHROMA_TIMEOUT_S", "2.5")
    assert KnowledgeSettings().chroma_timeout_s == 2.5


def outcome_of_opening(url: str) -> BaseException | None:
    """open_store against url in a thread: the exception it raised, or None; fails the test if still waiting."""
    raised: list[BaseException | None] = []

    def run() -> None:
        try:
            open_store(KnowledgeSettings(chroma_url=url, chroma_timeout_s=TIMEOUT_S, embedding_model="unused"))
            raised.append(None)
        except Exception as err:  # whatever chromadb wraps the timeout in
            raised.append(err)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(BOUND_S)
    assert not thread.is_alive(), "the Chroma client is still waiting: no time limit"
    return raised[0]


def test_a_server_that_accepts_but_never_answers():
    """The connection is made (the kernel's backlog) but nothing is ever read or answered: the client's first
    request, inside chromadb's constructor, times out."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(8)
        assert outcome_of_opening(f"http://127.0.0.1:{server.getsockname()[1]}") is not None


class HangsAfterHello(BaseHTTPRequestHandler):
    """Answers what chromadb's constructor asks (identity, tenant, database), then never answers a collection."""

    released = threading.Event()
    ANSWERS = {"/api/v2/auth/identity": {"user_id": "", "tenant": "default_tenant", "databases": ["default_database"]},
               "/api/v2/tenants/default_tenant": {"name": "default_tenant"},
               "/api/v2/tenants/default_tenant/databases/default_database": {
                   "id": "00000000-0000-0000-0000-000000000000", "name": "default_database", "tenant": "default_tenant"}}

    def do_GET(self):
        if self.path not in self.ANSWERS:
            return self.do_POST()
        body = json.dumps(self.ANSWERS[self.path]).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        self.released.wait(BOUND_S * 2)

    def log_message(self, *args):
        pass


@pytest.fixture
def hanging_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), HangsAfterHello)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    HangsAfterHello.released.set()
    server.shutdown()
    server.server_close()


def test_a_server_that_stops_answering_after_the_handshake(hanging_server):
    """The limit holds for the requests after chromadb's constructor too (here: creating the collections)."""
    assert outcome_of_opening(hanging_server) is not None
