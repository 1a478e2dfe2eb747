"""Internal calls that fail or hang do not hang a turn: the LLM's time budget and circuit breaker, Twilio's retries.

The LLM is the real llama.cpp model (made to overrun a budget of zero, or given a file that is not a model); only the
breaker's own bookkeeping is tested with a plain function and a clock of our own. Twilio is tests/fake_twilio.py.
"""

from __future__ import annotations

import socket
from dataclasses import replace

import pytest
import requests
from twilio.base.exceptions import TwilioRestException

from knowledge import llm
from knowledge.chain import Answerer
from knowledge.ingest import ingest
from knowledge.settings import KnowledgeSettings
from nursing import sms
from nursing.settings import Settings as NursingSettings
from scripts.bench_load import Request
from scripts.fault_test import carried_by_retries, tracker_issues
from tests.conftest import TWILIO_TOKEN

LEAFLET = """# Anticoagulant medicines

url: https://example.org/clinic/anticoagulants

Anticoagulant medications, including warfarin and the direct oral anticoagulants, substantially diminish
thromboembolic complications in individuals diagnosed with atrial fibrillation, although hemorrhagic complications
necessitate periodic therapeutic monitoring by the prescribing clinician.
"""
QUESTION = "what do anticoagulant medications do?"


@pytest.fixture(scope="module")
def hard_reading(tmp_path_factory) -> KnowledgeSettings:
    """One leaflet written above PLAIN_GRADE, so the chain asks the model to rephrase it."""
    root = tmp_path_factory.mktemp("hard-reading")
    (root / "leaflets").mkdir()
    (root / "leaflets" / "anticoagulants.md").write_text(LEAFLET)
    settings = KnowledgeSettings(data_dir=root / "data", llm_rephrase=True)
    ingest([root / "leaflets"], settings)
    return settings


def test_a_model_that_overruns_its_budget_gives_the_extractive_answer_and_opens_the_breaker(hard_reading):
    answerer = Answerer(replace(hard_reading, llm_timeout_s=0.0, llm_breaker_failures=2))
    answers = [answerer.answer(QUESTION) for _ in range(2)]
    assert [a.kind for a in answers] == ["extractive", "extractive"]
    assert all(a.grounded and "warfarin" in a.text for a in answers)
    assert answerer.llm_breaker.is_open


def test_a_model_that_fails_gives_the_extractive_answer(hard_reading, tmp_path):
    broken = tmp_path / "broken.gguf"
    broken.write_bytes(b"not a model")
    answerer = Answerer(replace(hard_reading, llm_model=str(broken), llm_breaker_failures=3))
    answer = answerer.answer(QUESTION)
    assert answer.kind == "extractive" and answer.grounded
    assert len(answerer.llm_breaker.recent) == 1 and not answerer.llm_breaker.is_open  # one failure of three


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _failing(asked: list[float], clock: Clock):
    def work() -> str:
        asked.append(clock.now)
        raise TimeoutError("the model ran past its budget")
    return work


def test_an_open_breaker_does_not_ask_the_model_until_its_cool_down_ends():
    clock, asked = Clock(), []
    breaker = llm.CircuitBreaker(failures=2, window_s=60, cool_down_s=120, clock=clock)
    for _ in range(2):
        with pytest.raises(llm.Unavailable):
            breaker.call(_failing(asked, clock))
    clock.now = 119
    with pytest.raises(llm.Unavailable, match="open"):
        breaker.call(_failing(asked, clock))
    assert asked == [0.0, 0.0]
    clock.now = 121
    assert breaker.call(lambda: "rephrased") == "rephrased"


def test_failures_further_apart_than_the_window_do_not_open_the_breaker():
    clock, asked = Clock(), []
    breaker = llm.CircuitBreaker(failures=2, window_s=60, cool_down_s=120, clock=clock)
    for moment in (0, 61, 122):
        clock.now = moment
        with pytest.raises(llm.Unavailable):
            breaker.call(_failing(asked, clock))
    assert not breaker.is_open and asked == [0, 61, 122]


def _twilio(url: str, retries: int = 2) -> NursingSettings:
    return NursingSettings(twilio_auth_token=TWILIO_TOKEN, twilio_api_base_url=url, twilio_retries=retries,
                           twilio_timeout_s=5)


def test_a_message_twilio_refuses_once_with_503_is_sent_on_the_retry(fake_twilio):
    fake_twilio.refusals.append(503)
    before = len(fake_twilio.sent)
    sids = sms.send(_twilio(fake_twilio.url), "+15551113333", "A CareLine nurse replied: please call us.")
    assert [m["sid"] for m in fake_twilio.sent[before:]] == sids and len(sids) == 1
    assert not fake_twilio.refusals


def test_a_message_twilio_rejects_with_400_is_not_sent_again(fake_twilio):
    fake_twilio.refusals.extend([400, 503])
    before = len(fake_twilio.sent)
    with pytest.raises(TwilioRestException):
        sms.send(_twilio(fake_twilio.url), "+15551113333", "A CareLine nurse replied.")
    assert fake_twilio.refusals == [503] and len(fake_twilio.sent) == before
    fake_twilio.refusals.clear()


def test_a_message_refused_more_often_than_the_retries_allow_fails(fake_twilio):
    fake_twilio.refusals.extend([503, 503])
    with pytest.raises(TwilioRestException):
        sms.send(_twilio(fake_twilio.url, retries=1), "+15551113333", "A CareLine nurse replied.")
    assert not fake_twilio.refusals


def test_an_unreachable_twilio_is_tried_again_and_then_fails():
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    with pytest.raises(requests.ConnectionError):
        sms.send(_twilio(f"http://127.0.0.1:{port}", retries=1), "+15551113333", "A CareLine nurse replied.")


def test_a_message_stored_without_its_reply_and_sent_again_after_a_503_counts_once_in_the_fault_check():
    """Rasa stores the message when its action server dies mid-turn; the gateway's 503 makes the patient send it
    again, and that copy gets the reply."""
    sent = [Request("c1", "hi", "intake", 0.0, seconds=1.0, attempts=1, ok=True),
            Request("c1", "30", "intake", 1.0, seconds=1.0, attempts=2, errors=["503"], ok=True)]
    stored = [("user", "hi"), ("bot", "Hello"), ("user", "30"), ("user", "30"), ("bot", "Sex?")]
    assert carried_by_retries(stored, sent) == [("user", "hi"), ("bot", "Hello"), ("user", "30"), ("bot", "Sex?")]
    assert tracker_issues(sent, stored) == []


def test_a_message_stored_twice_without_an_error_between_is_a_duplicate():
    answered = Request("c1", "30", "intake", 0.0, seconds=1.0, attempts=1, errors=[], ok=True)
    stored = [("user", "30"), ("user", "30"), ("bot", "Sex?")]
    assert "duplicated" in [issue.kind for issue in tracker_issues([answered], stored)]
