"""`make fault-test`: conversations against the scaled stack while its parts fail, then a check that nothing was lost.

Patients play whole conversations (scripts/bench_load.py) without pause while, in turn: one Rasa server is killed
(SIGKILL) and restarted, one action server likewise, PostgreSQL's sessions of this stack are terminated, and Redis
is paused. A patient sends a message again after a 503 or a refused connection (a bounded number of times, with
backoff), as the gateway's 503 asks. Afterwards every conversation is read back from the PostgreSQL tracker store
(each message once, in the order sent, followed by a bot reply; a message stored without its reply because its
action server died during the turn, refused with a 503 and stored again by the retry, counts once) and from
CareLine's escalations table (each escalation a patient was told of exists, one per conversation). Prints a table
per fault; exits non-zero when anything was lost or duplicated.

Redis is not stopped (it is the machine's, shared with other runs): `CLIENT PAUSE` blocks every client of that Redis
for FAULT_TEST_REDIS_PAUSE_MS, this stack's and anyone else's. PostgreSQL's sessions are picked by application
name (PGAPPNAME, set for this stack's processes only), so other sessions on the database are left alone.
"""

from __future__ import annotations

import os
import re
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from difflib import SequenceMatcher

import redis
from sqlalchemy import create_engine, text

from scripts.bench_load import REDIS, LoadSettings, Request, play, running, warm_up
from scripts.stack_scaled import POSTGRES, ScaledStack, env

PLACEHOLDER = re.compile(r"<[A-Z_]+>")
NO_FAULT = "none (before, between and after the faults)"
NURSE_LEVELS = ("emergency", "urgent")


@dataclass(frozen=True)
class FaultSettings:
    concurrency: int = field(default_factory=lambda: int(env("FAULT_TEST_CONCURRENCY", "4")))
    retries: int = field(default_factory=lambda: int(env("FAULT_TEST_RETRIES", "5")))
    down_s: float = field(default_factory=lambda: float(env("FAULT_TEST_DOWN_S", "5")))
    settle_s: float = field(default_factory=lambda: float(env("FAULT_TEST_SETTLE_S", "15")))
    redis_pause_ms: int = field(default_factory=lambda: int(env("FAULT_TEST_REDIS_PAUSE_MS", "3000")))
    port: int = field(default_factory=lambda: int(env("FAULT_TEST_PORT", "28300")))


@dataclass
class Window:
    """When a fault was injected, until the stack had recovered and settled."""

    fault: str
    started: float
    ended: float = float("inf")


@dataclass(frozen=True)
class Issue:
    request: Request | None
    kind: str  # "lost" or "duplicated"
    why: str


# --- load that keeps going -----------------------------------------------------------------------------------

class Load:
    """`concurrency` patients, each starting a new conversation as soon as the last one ends, until stopped."""

    def __init__(self, base_url: str, concurrency: int, retries: int):
        self.base_url, self.concurrency, self.retries = base_url, concurrency, retries
        self.log: list[Request] = []
        self.stopping = threading.Event()
        self.threads = [threading.Thread(target=self._keep_playing, args=(slot,)) for slot in range(concurrency)]

    def __enter__(self) -> Load:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        """Conversations under way are played to their end."""
        self.stopping.set()
        for thread in self.threads:
            thread.join()

    def _keep_playing(self, slot: int) -> None:
        number = slot
        while not self.stopping.is_set():
            play(self.base_url, number, self.log, self.retries)
            number += self.concurrency


# --- the faults ----------------------------------------------------------------------------------------------

def faults(stack: ScaledStack, settings: FaultSettings) -> list[tuple[str, Callable[[], None]]]:
    return [("kill Rasa server 1, restart it", lambda: kill_and_restart(stack, "rasa_1", settings.down_s)),
            ("kill action server 1, restart it", lambda: kill_and_restart(stack, "actions_1", settings.down_s)),
            ("terminate this stack's PostgreSQL sessions", lambda: terminate_sessions(stack)),
            (f"Redis CLIENT PAUSE {settings.redis_pause_ms} ms", lambda: pause_redis(settings.redis_pause_ms))]


def kill_and_restart(stack: ScaledStack, name: str, down_s: float) -> None:
    stack.kill_process(name)
    time.sleep(down_s)
    stack.restart_process(name)
    stack.wait_ready()


def terminate_sessions(stack: ScaledStack) -> None:
    """Every session this stack's processes hold (they carry its PGAPPNAME); nobody else's."""
    admin = create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        ended = connection.execute(text(
            "select count(pg_terminate_backend(pid)) from pg_stat_activity where datname = 'test' "
            "and application_name = :name and pid <> pg_backend_pid()"),
            {"name": stack.extra_env["PGAPPNAME"]}).scalar()
    admin.dispose()
    print(f"    terminated {ended} PostgreSQL sessions", flush=True)


def pause_redis(milliseconds: int) -> None:
    redis.Redis.from_url(REDIS).client_pause(milliseconds)


def inject_in_turn(stack: ScaledStack, settings: FaultSettings) -> list[Window]:
    windows = []
    for name, inject in faults(stack, settings):
        print(f"  fault: {name}", flush=True)
        windows.append(Window(name, time.time()))
        inject()
        time.sleep(settings.settle_s)
        windows[-1].ended = time.time()
    return windows


# --- the check -----------------------------------------------------------------------------------------------

def conversations(log: list[Request]) -> dict[str | None, list[Request]]:
    """Each conversation's requests in the order sent (None: first messages that never got an id)."""
    grouped: dict[str | None, list[Request]] = {}
    for request in sorted(log, key=lambda r: r.started):
        grouped.setdefault(request.conversation_id, []).append(request)
    return grouped


def tracker_events(stack: ScaledStack, conversation_id: str) -> list[tuple[str, str]]:
    """The conversation's user and bot events in the PostgreSQL tracker store, in stored order, with their text."""
    engine = create_engine(stack.scaled.tracker_url)
    with engine.connect() as connection:
        rows = connection.execute(text("select type_name, data::json->>'text' from events where sender_id = :id "
                                       "and type_name in ('user', 'bot') order by id"), {"id": conversation_id})
        events = [(kind, said or "") for kind, said in rows]
    engine.dispose()
    return events


def carried_by_retries(events: list[tuple[str, str]], requests: list[Request]) -> list[tuple[str, str]]:
    """The events without a stored message that got no reply because its action server died during the turn:
    Rasa stores the message and answers 200 without the actions' replies, the gateway answered 503
    (channels/rasa_client.py), and the same message sent again, stored next, got the reply. That retry carries
    the message: the first copy is neither lost nor a duplicate. Only a message whose request met an error counts."""
    refused = {r.text for r in requests if r.errors}
    return [event for position, event in enumerate(events)
            if not (event[0] == "user" and as_sent(event[1], requests) in refused
                    and events[position + 1:position + 2] == [event])]


def escalation_rows(stack: ScaledStack) -> dict[str, list[str]]:
    engine = create_engine(stack.scaled.database_url)
    with engine.connect() as connection:
        rows = connection.execute(text("select conversation_id, id from escalations order by created_at"))
        found: dict[str, list[str]] = {}
        for conversation_id, escalation_id in rows:
            found.setdefault(conversation_id, []).append(escalation_id)
    engine.dispose()
    return found


def tracker_issues(requests: list[Request], events: list[tuple[str, str]]) -> list[Issue]:
    """The answered messages, each once and in order in the tracker, each followed by a bot reply."""
    answered = [r for r in requests if r.ok]
    events = carried_by_retries(events, requests)
    users = [as_sent(said, requests) for kind, said in events if kind == "user"]
    issues = [Issue(r, "lost", f"no reply after {r.attempts} attempts ({', '.join(r.errors)})")
              for r in requests if not r.ok]
    stored_as: dict[int, Request] = {}
    matcher = SequenceMatcher(a=[r.text for r in answered], b=users, autojunk=False)
    for op, a_from, a_to, b_from, b_to in matcher.get_opcodes():
        if op == "equal":
            stored_as.update({b_from + i: answered[a_from + i] for i in range(a_to - a_from)})
            continue
        issues += [Issue(r, "lost", "answered, but not in the tracker store") for r in answered[a_from:a_to]]
        near = answered[max(0, a_from - 1):a_from + 1]
        issues += [duplicate(said, near) for said in users[b_from:b_to]]
    user_positions = [i for i, (kind, _) in enumerate(events) if kind == "user"]
    for number, position in enumerate(user_positions):
        if number in stored_as and (position + 1 == len(events) or events[position + 1][0] != "bot"):
            issues.append(Issue(stored_as[number], "lost", "no bot reply follows it in the tracker store; then: "
                                f"{events[position + 1:position + 4]}"))
    return issues


def as_sent(stored: str, requests: list[Request]) -> str:
    """The text the patient sent for a stored one whose PHI the gateway replaced by placeholders (`<LOCATION>`)."""
    if not PLACEHOLDER.search(stored):
        return stored
    pattern = ".+?".join(re.escape(part) for part in PLACEHOLDER.split(stored))
    return next((r.text for r in requests if re.fullmatch(pattern, r.text, re.DOTALL)), stored)


def duplicate(said: str, near: list[Request]) -> Issue:
    """A stored message nobody sent again successfully: blamed on the neighbouring request with its text."""
    request = next((r for r in near if r.text == said), near[-1] if near else None)
    errors = f" (its attempts: {', '.join(request.errors) or 'no error'})" if request else ""
    return Issue(request, "duplicated", f"the tracker store holds {said!r} once more{errors}")


def escalation_issues(requests: list[Request], rows: list[str]) -> list[Issue]:
    """Each escalation the patient was told of exists; one per conversation; an emergency or urgent result has one."""
    told = {r.escalation_id: r for r in requests if r.escalation_id}
    triage = next((r for r in requests if r.kind == "triage"), None)
    issues = [Issue(r, "lost", f"escalation {escalation} is not in the table")
              for escalation, r in told.items() if escalation not in rows]
    if len(rows) > 1:
        issues.append(Issue(triage, "duplicated", f"{len(rows)} escalations for one conversation"))
    if triage and triage.triage_level in NURSE_LEVELS and not rows:
        issues.append(Issue(triage, "lost", f"no escalation for an {triage.triage_level} result"))
    return issues


def check(stack: ScaledStack, log: list[Request]) -> list[Issue]:
    escalations = escalation_rows(stack)
    issues = []
    for conversation_id, requests in conversations(log).items():
        if conversation_id is None:
            issues += [Issue(r, "lost", f"first message unanswered ({', '.join(r.errors)})") for r in requests]
            continue
        if not any(r.ok and r.kind == "question" for r in requests):
            issues.append(Issue(requests[-1], "lost", "the conversation never reached its triage and question"))
        issues += tracker_issues(requests, tracker_events(stack, conversation_id))
        issues += escalation_issues(requests, escalations.get(conversation_id, []))
    return issues


# --- the report ----------------------------------------------------------------------------------------------

def fault_of(request: Request | None, windows: list[Window]) -> str:
    """The last fault injected while the request was under way: one sent just before a fault meets it in flight."""
    if request is None:
        return NO_FAULT
    ended = request.started + request.seconds
    return next((w.fault for w in reversed(windows) if request.started < w.ended and ended >= w.started), NO_FAULT)


def report(log: list[Request], windows: list[Window], issues: list[Issue]) -> None:
    for window in windows:
        print(f"{window.fault}: {_clock(window.started)} to {_clock(window.ended)}")
    print("\n| fault | requests during it | errors (before retry) | retried, then answered | lost | duplicated |")
    print("|---|---|---|---|---|---|")
    for fault in [w.fault for w in windows] + [NO_FAULT]:
        during = [r for r in log if fault_of(r, windows) == fault]
        found = [i for i in issues if fault_of(i.request, windows) == fault]
        print(f"| {fault} | {len(during)} | {sum(r.first_error is not None for r in during)} | "
              f"{sum(r.ok and r.attempts > 1 for r in during)} | {sum(i.kind == 'lost' for i in found)} | "
              f"{sum(i.kind == 'duplicated' for i in found)} |")
    for request in log:
        if request.errors:
            print(f"  retried: {_where(request)}: {', '.join(request.errors)}; answered: {request.ok}")
    for issue in issues:
        print(f"  {issue.kind}: {_where(issue.request) if issue.request else '?'}: {issue.why}")


def _where(request: Request) -> str:
    return f"{request.conversation_id} {request.kind} {request.text!r} at {_clock(request.started)}"


def _clock(moment: float) -> str:
    return time.strftime("%H:%M:%S", time.localtime(moment)) + f".{int(moment % 1 * 10)}"


def main() -> int:
    settings, load_settings = FaultSettings(), LoadSettings()
    print(f"starting the scaled stack on port {settings.port} ...", flush=True)
    with running("scaled", settings.port, load_settings.corpus) as stack:
        warm_up(stack.gateway_url)
        with Load(stack.gateway_url, settings.concurrency, settings.retries) as load:
            time.sleep(settings.settle_s)
            windows = inject_in_turn(stack, settings)
        issues = check(stack, load.log)
    print(f"\n{len(conversations(load.log))} conversations, {len(load.log)} requests, {settings.concurrency} at once, "
          f"up to {settings.retries} retries each; {os.cpu_count()} cores")
    report(load.log, windows, issues)
    return 1 if issues else 0


if __name__ == "__main__":
    sys.exit(main())
