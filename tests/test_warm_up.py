"""The action server loads its models when it starts, so the first patient's turn does not (actions/answer.py)."""

from __future__ import annotations

import importlib
import logging
import re
import time

import pytest

import actions.settings

WARM_UP_WAIT_S = 600  # a bound on waiting for the log line, not a timing assertion: 2 shared cores load slowly
FINISHED = re.compile(r"warm-up finished: (.*)")


@pytest.fixture
def answer(monkeypatch):
    """actions.answer imported in this process without loading the real models in the background."""
    monkeypatch.setattr(actions.settings, "WARM_UP", False)
    module = importlib.import_module("actions.answer")
    monkeypatch.setattr(module, "warmed", {})
    return module


def test_a_part_that_fails_to_load_is_logged_and_the_rest_still_load(answer, caplog):
    loaded = []

    def missing():
        raise FileNotFoundError("no model at /nowhere")

    parts = (("first", lambda: loaded.append("first")), ("missing", missing), ("last", lambda: loaded.append("last")))
    with caplog.at_level(logging.INFO, logger="actions.answer"):
        states = answer.warm_up(parts)
    assert loaded == ["first", "last"]
    assert states == {"first": "ready", "missing": "failed: FileNotFoundError", "last": "ready"}
    assert answer.warmed == states
    assert any("could not load missing" in r.getMessage() and r.levelno == logging.WARNING for r in caplog.records)
    assert "warm-up finished: first ready, missing failed: FileNotFoundError, last ready" in caplog.text


def test_every_model_a_turn_loads_is_warmed(answer):
    assert [name for name, _ in answer.WARM_UP_PARTS] == ["triage", "second_opinion", "answering", "image_model"]


def test_the_warm_up_runs_in_a_background_thread(answer, monkeypatch):
    monkeypatch.setattr(answer, "WARM_UP_PARTS", (("part", lambda: None),))
    thread = answer.warm_in_background()
    thread.join(timeout=60)
    assert not thread.is_alive() and thread.daemon and answer.warmed == {"part": "ready"}


def test_the_started_action_server_has_loaded_every_model_before_the_first_turn(stack):
    """The real action server of the test stack, with no turn taken by this test: its log says every part is
    loaded, so the first patient's turn finds them in memory."""
    log = stack.data_dir / "logs" / "actions.log"
    deadline = time.monotonic() + WARM_UP_WAIT_S
    found = None
    while found is None and time.monotonic() < deadline and stack.processes["actions"].poll() is None:
        found = FINISHED.search(log.read_text(errors="replace")) if log.exists() else None
        if found is None:
            time.sleep(1)
    assert found, "the action server never logged the end of its warm-up"
    assert found.group(1).strip() == "triage ready, second_opinion ready, answering ready, image_model ready"
