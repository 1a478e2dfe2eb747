"""The action server's own Prometheus metrics (issue 13, GET /metrics): the retrieval and LLM stages and the guard's
drops, which the gateway cannot see; served on ACTIONS_METRICS_PORT by the action server only. No stack, no model."""

from __future__ import annotations

import importlib
import os
import signal
import socket
import subprocess
import sys
import time
from types import SimpleNamespace

import pytest
import requests

import actions.settings
from knowledge import chain, llm
from knowledge.chain import Answer, build_chain
from knowledge.retriever import Hit
from scripts import stack_scaled
from scripts.model import ROOT
from scripts.stack import Stack, actions_command, actions_metrics_env
from scripts.stack_scaled import ScaledSettings, ScaledStack

PASSAGE = "Blood thinners help prevent blood clots. Bleeding is the main side effect of blood thinners."
HIT = Hit("doc-1", 1.0, "Blood thinners", "TestSource", "https://example.org/blood-thinners", PASSAGE, 0.9)
INVENTED = "Blood thinners help prevent blood clots [1]. They also cure diabetes in most patients quickly [1]."


@pytest.fixture
def actions_answer(monkeypatch):
    """actions.answer imported in this process without loading the real models in the background."""
    monkeypatch.setattr(actions.settings, "WARM_UP", False)
    return importlib.import_module("actions.answer")


def sample(name: str, **labels) -> float:
    return importlib.import_module("actions.answer").METRICS.get_sample_value(name, labels) or 0.0


class OneHit:
    def search(self, question: str, count: int) -> list[Hit]:
        return [HIT]


def rephrasing_chain(monkeypatch, draft=INVENTED):
    """The chain over one retrieved passage, with a model that rephrases it as `draft` (a callable may raise)."""
    monkeypatch.setattr(chain, "answering_first", lambda retriever, question, hits: hits)
    monkeypatch.setattr(chain, "grade", lambda text: 99.0)  # always hard enough to rephrase
    monkeypatch.setattr(llm, "complete", lambda settings, prompt: draft() if callable(draft) else draft)
    return build_chain(OneHit(), SimpleNamespace(llm_rephrase=True), lambda: True, llm.CircuitBreaker(3, 60, 60))


def test_the_chain_reports_its_stage_times_and_what_the_guard_dropped(monkeypatch):
    result = rephrasing_chain(monkeypatch).invoke({"question": "what do blood thinners do?"})
    assert result.kind == "extractive" and "diabetes" not in result.text
    assert result.dropped == 1
    assert set(result.timings) == {"retrieval", "llm"} and all(t >= 0 for t in result.timings.values())
    assert result.state() == {"citations": result.citations, "grounded": True}  # the slot is unchanged


def test_a_failed_model_is_still_timed_and_drops_nothing(monkeypatch):
    def fails():
        raise RuntimeError("model crashed")

    result = rephrasing_chain(monkeypatch, fails).invoke({"question": "what do blood thinners do?"})
    assert result.kind == "extractive" and result.dropped == 0 and "llm" in result.timings


def test_a_refusal_neither_retrieves_nor_times_retrieval(monkeypatch):
    monkeypatch.setattr(chain.refusals, "refusal", lambda question: "diagnosis")
    result = rephrasing_chain(monkeypatch).invoke({"question": "do I have cancer?"})
    assert result.kind == "refusal" and result.timings == {} and result.dropped == 0


def test_each_answer_feeds_the_action_servers_histograms_and_drop_counter(actions_answer, monkeypatch):
    retrieval = sample("careline_stage_seconds_count", stage="retrieval")
    llm_count = sample("careline_stage_seconds_count", stage="llm")
    llm_sum = sample("careline_stage_seconds_sum", stage="llm")
    drops = sample("careline_guard_drops_total")
    answered = Answer("text", ["doc-1"], True, "extractive", dropped=2, timings={"retrieval": 0.25, "llm": 1.5})
    monkeypatch.setattr(actions_answer, "_answerer", SimpleNamespace(answer=lambda question: answered))
    assert actions_answer._answer("what do blood thinners do?") is answered
    assert sample("careline_stage_seconds_count", stage="retrieval") == retrieval + 1
    assert sample("careline_stage_seconds_count", stage="llm") == llm_count + 1
    assert sample("careline_stage_seconds_sum", stage="llm") == llm_sum + 1.5
    assert sample("careline_guard_drops_total") == drops + 2


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_the_metrics_are_served_as_prometheus_text_on_the_given_port(actions_answer):
    port = free_port()
    assert actions_answer.serve_metrics(port)
    response = requests.get(f"http://127.0.0.1:{port}/metrics", timeout=5)
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/plain")
    for line in ("# TYPE careline_stage_seconds histogram", "# TYPE careline_guard_drops_total counter",
                 "process_cpu_seconds_total"):
        assert line in response.text, line
    assert not actions_answer.serve_metrics(port)  # a port in use is logged, not fatal


def test_the_metrics_can_listen_on_a_containers_address(actions_answer):
    port = free_port()
    assert actions_answer.serve_metrics(port, "0.0.0.0")
    # Another loopback address: answered only when bound to every address, never when bound to 127.0.0.1 alone.
    assert requests.get(f"http://127.0.0.2:{port}/metrics", timeout=5).status_code == 200


def test_only_the_action_server_serves_metrics_on_import(actions_answer, monkeypatch):
    """Tests import the actions in-process: no port is opened unless a test asks for one."""
    assert not actions_answer.serving_actions()
    monkeypatch.setitem(sys.modules, "__main__", SimpleNamespace(__spec__=SimpleNamespace(name="rasa_sdk.__main__")))
    assert actions_answer.serving_actions()


def test_a_started_action_server_serves_its_metrics_and_times_each_action(tmp_path):
    actions_port, metrics_port = free_port(), free_port()
    env = {**os.environ, "ACTIONS_METRICS_PORT": str(metrics_port), "CARELINE_WARM_UP": "0",
           "CARELINE_DATA_DIR": str(tmp_path), "SANIC_HOST": "127.0.0.1"}
    with open(tmp_path / "actions.log", "wb") as log:
        server = subprocess.Popen(actions_command(actions_port), cwd=ROOT, env=env, stdout=log,
                                  stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and server.poll() is None:
            try:
                response = requests.get(f"http://127.0.0.1:{metrics_port}/metrics", timeout=2)
                break
            except requests.ConnectionError:
                time.sleep(0.5)
        else:
            raise AssertionError((tmp_path / "actions.log").read_text()[-3000:])
        assert response.status_code == 200 and "careline_guard_drops_total" in response.text
        while time.monotonic() < deadline and server.poll() is None:  # the metrics come up before the webhook
            try:
                requests.get(f"http://127.0.0.1:{actions_port}/health", timeout=2)
                break
            except requests.ConnectionError:
                time.sleep(0.5)
        call = {"next_action": "action_help", "sender_id": "metrics-test", "version": "3.6.21",
                "tracker": {"sender_id": "metrics-test", "slots": {}, "latest_message": {"text": "help"},
                            "events": [], "active_loop": {}}, "domain": {}}
        assert requests.post(f"http://127.0.0.1:{actions_port}/webhook", json=call, timeout=60).status_code == 200
        text = requests.get(f"http://127.0.0.1:{metrics_port}/metrics", timeout=5).text
        assert 'careline_stage_seconds_count{stage="actions"} 1.0' in text, text[-2000:]
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)


def test_every_action_server_of_both_stacks_gets_its_own_metrics_port(monkeypatch):
    monkeypatch.delenv("ACTIONS_METRICS_PORT", raising=False)
    single = Stack(actions_port=5055)
    assert single.actions_metrics_ports == [5056]
    scaled = ScaledStack(actions_port=5055, scaled=ScaledSettings(instances=2))
    action_ports = [int(url.rsplit(":", 1)[1]) for url in scaled.actions_urls]
    assert action_ports == [5055, 5056] and scaled.actions_metrics_ports == [5057, 5058]
    assert actions_metrics_env(5057) == {"ACTIONS_METRICS_PORT": "5057"}
    monkeypatch.setenv("ACTIONS_METRICS_PORT", "0")
    assert actions_metrics_env(5057) == {"ACTIONS_METRICS_PORT": "0"}


def test_both_stacks_start_each_action_server_with_its_metrics_port(monkeypatch, tmp_path):
    monkeypatch.delenv("ACTIONS_METRICS_PORT", raising=False)
    spawned: dict[str, dict] = {}

    def spawn(self, name, command, **env):
        spawned[name] = env

    monkeypatch.setattr(Stack, "spawn", spawn)
    Stack(actions_port=5055, data_dir=tmp_path).start_actions()
    assert spawned == {"actions": {"ACTIONS_METRICS_PORT": "5056"}}
    spawned.clear()
    monkeypatch.setattr(stack_scaled, "ensure_model", lambda: "model.tar.gz")
    for step in ("prepare_databases", "start_chroma", "wait_ready"):
        monkeypatch.setattr(ScaledStack, step, lambda self, *args: None)
    ScaledStack(actions_port=5055, data_dir=tmp_path, scaled=ScaledSettings(instances=2)).start(gateway=False)
    assert spawned["actions_1"] == {"ACTIONS_METRICS_PORT": "5057"}
    assert spawned["actions_2"] == {"ACTIONS_METRICS_PORT": "5058"}
