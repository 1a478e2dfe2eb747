"""`make bench-load`: concurrent conversations against `make run` and `make run-scaled`, stepped up until the knee.

Each simulated patient plays a whole conversation (consent, the complaint, the intake and red-flag answers, a triage
result, then a health question) through the chat API. Concurrency goes up in steps; each step is bounded in
conversations and in time. Per step it prints throughput, p50/p95/p99 per kind of turn, the error rate and the RSS
of every process, then the knee: the first concurrency whose p95 over all turns exceeds 1 s. Printed, never asserted.

The stacks are started here, on ports of their own (BENCH_LOAD_PORT and up), with a temporary data dir, their own
PostgreSQL schemas (careline_load_*) and Redis dbs 10-12, and removed at the end. The knowledge corpus
(BENCH_LOAD_CORPUS): `fixture` (default: the tests' small corpus, ingested in seconds) or `medquad` (the real one:
the single stack reuses `make index`'s var/chroma, the scaled stack ingests CARELINE_CORPUS_DIR into its Chroma
server, about 9 minutes on 2 cores), or a folder.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import redis
import requests
from sqlalchemy import create_engine, text

from knowledge.ingest import ingest, is_complete
from knowledge.settings import KnowledgeSettings
from scripts.bench import MEASURED, WARM_UP, percentile, rss_mib
from scripts.model import ROOT
from scripts.simulated_patient import MAX_TURNS, Conversation, answer
from scripts.stack import Stack
from scripts.stack_scaled import POSTGRES, ScaledSettings, ScaledStack, env

FIXTURE_CORPUS = ROOT / "tests" / "fixtures" / "knowledge"
REDIS = "redis://127.0.0.1:6379"
REDIS_DBS = {"rate_limit_storage_uri": 10, "shared_state_url": 11, "lock_store_url": 12}
KNEE_MS = 1000
KINDS = ("intake", "triage", "question")
RETRYABLE_STATUS = (502, 503, 504)
# Mostly colds (self care, worded differently each time so findings are worked out afresh), and one in four
# that goes to the nurses, so escalations are created under load too.
ESCALATING = ("crushing pain in my chest going down my left arm and I am sweating",
              "burning when I pee for 3 days and now a fever and pain in my back",
              "my face dropped on one side and my words are slurred since an hour ago")
COLDS = MEASURED + WARM_UP
QUESTIONS = ("what are the treatments for high blood pressure?", "what are blood thinners?",
             "how should I wash my hands?", "when is the clinic open?")


@dataclass(frozen=True)
class LoadSettings:
    """The bench's bounds; small defaults that finish in a few minutes per stack on 2 cores."""

    steps: tuple[int, ...] = field(default_factory=lambda: tuple(
        int(n) for n in env("BENCH_LOAD_STEPS", "1,2,4,8,16").split(",")))
    conversations: int = field(default_factory=lambda: int(env("BENCH_LOAD_CONVERSATIONS", "12")))
    step_s: float = field(default_factory=lambda: float(env("BENCH_LOAD_STEP_S", "90")))
    port: int = field(default_factory=lambda: int(env("BENCH_LOAD_PORT", "28000")))
    corpus: str = field(default_factory=lambda: env("BENCH_LOAD_CORPUS", "fixture"))

    def conversations_at(self, concurrency: int) -> int:
        """At least two conversations per slot, so every slot starts a conversation while others are mid-way."""
        return max(self.conversations, 2 * concurrency)


# --- one patient ---------------------------------------------------------------------------------------------

@dataclass
class Request:
    """One chat request as its patient saw it: `attempts` > 1 when a 503 or a refused connection was retried."""

    conversation_id: str | None
    text: str
    kind: str
    started: float
    seconds: float = 0.0
    attempts: int = 0
    errors: list[str] = field(default_factory=list)
    ok: bool = False
    escalation_id: str | None = None
    triage_level: str | None = None

    @property
    def first_error(self) -> str | None:
        return self.errors[0] if self.errors else None


def vignette(number: int) -> dict:
    complaint = ESCALATING[number // 4 % len(ESCALATING)] if number % 4 == 3 else COLDS[number % len(COLDS)]
    return {"complaint": complaint, "age": str(25 + number % 50), "sex": ("female", "male")[number % 2],
            "duration": "2 days", "severity": "4", "conditions": "none", "medications": "none", "allergies": "none"}


class Patient:
    """A conversation through the chat API that records every request, retrying a retryable failure `retries`
    times with exponential backoff, as the gateway's 503 asks (scripts/fault_test.py checks what that stored)."""

    def __init__(self, base_url: str, log: list[Request], retries: int = 0, backoff_s: float = 0.5):
        self.conversation = Conversation(base_url, requests.Session())
        self.log, self.retries, self.backoff_s = log, retries, backoff_s

    def say(self, said: str, kind: str) -> dict | None:
        request = Request(self.conversation.id, said, kind, started=time.time())
        self.log.append(request)
        clock = time.perf_counter()
        body = None
        while body is None and request.attempts <= self.retries:
            if request.attempts:
                time.sleep(self.backoff_s * 2 ** (request.attempts - 1))
            request.attempts += 1
            body, error = self._send(said)
            request.errors += [error] if error else []
            if error and error not in ("connection", *map(str, RETRYABLE_STATUS)):
                break
        request.seconds, request.ok = time.perf_counter() - clock, body is not None
        request.conversation_id = self.conversation.id
        if body:
            self._note_outcome(request, body["state"])
        return body

    def _send(self, said: str) -> tuple[dict | None, str | None]:
        try:
            return self.conversation.send(said), None
        except requests.HTTPError as err:
            return None, str(err.response.status_code)
        except requests.ConnectionError:
            return None, "connection"
        except requests.RequestException as err:
            return None, type(err).__name__

    @staticmethod
    def _note_outcome(request: Request, state: dict) -> None:
        if state.get("escalation"):
            request.escalation_id = state["escalation"]["id"]
        if state.get("triage") and request.kind == "intake":
            request.kind, request.triage_level = "triage", state["triage"].get("level")


def play(base_url: str, number: int, log: list[Request], retries: int = 0) -> bool:
    """Consent, intake until triage, then a question; False when a turn failed for good (the patient gives up)."""
    patient, case = Patient(base_url, log, retries), vignette(number)
    reply = patient.say("hi", "intake")
    for _ in range(MAX_TURNS):
        if reply is None:
            return False
        state = reply["state"]
        if state["triage"]:
            return patient.say(QUESTIONS[number % len(QUESTIONS)], "question") is not None
        buttons = [button for message in reply["messages"] for button in message["buttons"]]
        reply = patient.say(answer(state["requested_slot"], case, buttons), "intake")
    return False


def warm_up(base_url: str) -> None:
    """Untimed: the first turns load models and fill caches in every process."""
    for number in range(4):
        play(base_url, number, [])


# --- the stacks ----------------------------------------------------------------------------------------------

def single_stack(data_dir: Path, port: int, corpus: str) -> Stack:
    """`make run`'s three processes, its knowledge index in the data dir."""
    if corpus == "medquad":
        link_built_index(data_dir)
    else:
        ingest([corpus_dir(corpus)], KnowledgeSettings(data_dir=data_dir))
    return Stack(gateway_port=port, rasa_port=port + 5, actions_port=port + 55, data_dir=data_dir)


def link_built_index(data_dir: Path) -> None:
    """`make index`'s var/chroma (and its manifest and BM25 cache), linked rather than copied: 300 MB."""
    built = KnowledgeSettings(data_dir=ROOT / "var")
    if not is_complete(built):
        raise SystemExit("BENCH_LOAD_CORPUS=medquad needs the index in var/chroma: run `make index` first")
    for path in [built.chroma_path, built.manifest_path, *built.data_dir.glob("bm25-*.pkl")]:
        (data_dir / path.name).symlink_to(path)


def scaled_stack(data_dir: Path, port: int, corpus: str, schema: str) -> ScaledStack:
    """`make run-scaled`'s processes on this run's schemas and Redis dbs; PGAPPNAME tags its database sessions."""
    settings = ScaledSettings(
        database_url=f"{POSTGRES}?options=-csearch_path%3D{schema}",
        tracker_url=f"{POSTGRES}?options=-csearch_path%3D{schema}_tracker",
        chroma_url=f"http://127.0.0.1:{port + 90}",
        **{name: f"{REDIS}/{number}" for name, number in REDIS_DBS.items()})
    return ScaledStack(gateway_port=port, rasa_port=port + 5, actions_port=port + 55, data_dir=data_dir,
                       scaled=settings, corpus_dir=corpus_dir(corpus), extra_env={"PGAPPNAME": schema})


def corpus_dir(corpus: str) -> Path:
    return {"fixture": FIXTURE_CORPUS, "medquad": KnowledgeSettings().corpus_dir}.get(corpus, Path(corpus))


@contextlib.contextmanager
def running(target: str, port: int, corpus: str) -> Iterator[Stack]:
    """A started stack that is stopped, and whose schemas, Redis dbs and data dir are removed, however it ends."""
    schema = f"careline_load_{uuid.uuid4().hex[:8]}"
    with tempfile.TemporaryDirectory(prefix="careline-load-") as data_dir:
        stack = (scaled_stack(Path(data_dir), port, corpus, schema) if target == "scaled"
                 else single_stack(Path(data_dir), port, corpus))
        flush_redis()
        try:
            stack.start()
            yield stack
        finally:
            stack.stop()
            if target == "scaled":
                flush_redis()
                drop_schemas(schema)


def flush_redis() -> None:
    for number in REDIS_DBS.values():
        redis.Redis.from_url(f"{REDIS}/{number}").flushdb()


def drop_schemas(schema: str) -> None:
    admin = create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        for name in (schema, f"{schema}_tracker"):
            connection.execute(text(f'drop schema if exists "{name}" cascade'))
    admin.dispose()


def memory(stack: Stack) -> dict[str, float]:
    """RSS in MiB of each process with its children (gunicorn's workers, Rasa's Sanic workers)."""
    return {name: rss_mib(process.pid) for name, process in stack.processes.items()}


# --- the steps -----------------------------------------------------------------------------------------------

@dataclass
class Step:
    concurrency: int
    conversations: int
    seconds: float
    requests: list[Request]
    completed: int
    rss: dict[str, float]
    load_average: float = field(default_factory=lambda: os.getloadavg()[0])  # others' work on the machine shows here

    def latencies_ms(self, kinds: tuple[str, ...] = KINDS) -> list[float]:
        return [r.seconds * 1000 for r in self.requests if r.ok and r.kind in kinds]

    def p95_ms(self) -> float:
        latencies = self.latencies_ms()
        return percentile(latencies, 0.95) if latencies else float("inf")


def run_step(stack: Stack, concurrency: int, settings: LoadSettings, first_number: int) -> Step:
    """`concurrency` patients at once until the step's conversations are played or its time is up."""
    log: list[Request] = []
    deadline = time.monotonic() + settings.step_s
    conversations = settings.conversations_at(concurrency)

    def play_in_time(number: int) -> bool | None:
        return play(stack.gateway_url, number, log) if time.monotonic() < deadline else None

    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        outcomes = list(pool.map(play_in_time, range(first_number, first_number + conversations)))
    return Step(concurrency, sum(o is not None for o in outcomes), time.perf_counter() - started, log,
                sum(o is True for o in outcomes), memory(stack))


def bench(target: str, settings: LoadSettings) -> list[Step]:
    port = settings.port + (100 if target == "scaled" else 0)
    print(f"\nstarting the {target} stack on port {port} ...", flush=True)
    with running(target, port, settings.corpus) as stack:
        warm_up(stack.gateway_url)
        steps, number = [], 0
        for concurrency in settings.steps:
            steps.append(run_step(stack, concurrency, settings, number))
            number += steps[-1].conversations
            print(f"  {concurrency} at once: {steps[-1].conversations} conversations, p95 "
                  f"{steps[-1].p95_ms():.0f} ms", flush=True)
    return steps


# --- the report ----------------------------------------------------------------------------------------------

def quantiles(latencies: list[float]) -> str:
    if not latencies:
        return "-"
    return " / ".join(f"{percentile(latencies, share):.0f}" for share in (0.5, 0.95, 0.99))


def report(target: str, steps: list[Step]) -> None:
    label = {"single": "`make run` (scripts.stack)", "scaled": "`make run-scaled` (scripts.stack_scaled)"}[target]
    print(f"\n#### {label}\n")
    print("| at once | conversations (completed) | turns | turns/s | chat turns p50/p95/p99 ms | triage turn | "
          "question turn | all turns p95 ms | errors | load avg |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for step in steps:
        failed = sum(not r.ok for r in step.requests)
        print(f"| {step.concurrency} | {step.conversations} ({step.completed}) | {len(step.requests)} | "
              f"{sum(r.ok for r in step.requests) / step.seconds:.1f} | {quantiles(step.latencies_ms(('intake',)))} | "
              f"{quantiles(step.latencies_ms(('triage',)))} | {quantiles(step.latencies_ms(('question',)))} | "
              f"{step.p95_ms():.0f} | {failed / max(1, len(step.requests)):.1%} | {step.load_average:.1f} |")
    names = list(steps[-1].rss)
    print("\n| at once | " + " | ".join(f"{name} RSS MiB" for name in names) + " |")
    print("|---|" + "---|" * len(names))
    for step in steps:
        print(f"| {step.concurrency} | " + " | ".join(f"{step.rss.get(name, 0):.0f}" for name in names) + " |")
    print(f"\nknee ({label}): {knee(steps)}")


def knee(steps: list[Step]) -> str:
    over = next((step for step in steps if step.p95_ms() > KNEE_MS), None)
    if over is None:
        return f"not reached: p95 stays under {KNEE_MS} ms up to {steps[-1].concurrency} conversations at once"
    return f"p95 first exceeds {KNEE_MS} ms at {over.concurrency} conversations at once ({over.p95_ms():.0f} ms)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--target", choices=("single", "scaled", "both"), default="both")
    target = parser.parse_args(argv).target
    targets = ("single", "scaled") if target == "both" else (target,)
    settings = LoadSettings()
    results = {target: bench(target, settings) for target in targets}
    print(f"\nload on loopback, {os.cpu_count()} cores; steps {settings.steps}, at least "
          f"{settings.conversations} conversations or {settings.step_s:.0f} s per step; corpus {settings.corpus}")
    for target, steps in results.items():
        report(target, steps)
    return 0


if __name__ == "__main__":
    sys.exit(main())
