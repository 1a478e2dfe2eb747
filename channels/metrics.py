"""Prometheus metrics of the gateway (GET /metrics), from prometheus_client's default registry.

What the gateway can see: turns per channel, the time of each stage it runs (the Rasa turn, the tracker reads,
the whole chat or SMS request, the PHI scrub), the triage levels and escalations that turns produce (read from the
conversation's slots before and after the turn), escalations' time to claim (observed by the console's claim),
responses by status, and turns refused because a part was down. Retrieval, the LLM and the guard run in the action
server, which serves its own metrics (actions/answer.py, ACTIONS_METRICS_PORT).
Under gunicorn (GATEWAY_WORKERS > 1) prometheus_client's multiprocess mode: each worker writes its counts to files in
PROMETHEUS_MULTIPROC_DIR (set by channels.__main__ before this module is imported), and whichever worker answers
/metrics sums every worker's; one process (`make run`) serves its own registry.
No label carries a conversation id, a phone number or text.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from flask import Flask, Response, g, request
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector

from channels.errors import ServiceDown
from channels.rasa_client import RasaClient

TURN_ENDPOINTS = {"api.chat": "total", "sms.inbound": "total"}
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60)

TURNS = Counter("careline_turns", "Patient messages that reached Rasa, by channel", ["channel"])
STAGE_SECONDS = Histogram("careline_stage_seconds",
                          "Time of each stage of a turn (scrub: the PHI scrubber at the edge; rasa: the Rasa turn "
                          "with its actions; rasa_tracker: one tracker read; total: the whole chat or SMS request)",
                          ["stage"], buckets=BUCKETS)
REQUEST_SECONDS = Histogram("careline_request_seconds", "Time to answer a request, by endpoint", ["endpoint"],
                            buckets=BUCKETS)
RESPONSES = Counter("careline_responses", "Responses by endpoint and HTTP status", ["endpoint", "status"])
ERRORS = Counter("careline_errors", "Error responses (4xx and 5xx) by HTTP status", ["status"])
TRIAGE = Counter("careline_triage", "Triage results a turn produced, by level", ["level"])
ESCALATIONS = Counter("careline_escalations", "Escalations to the nurses a turn created, by priority", ["priority"])
SERVICE_DOWN = Counter("careline_service_down", "Turns refused because a part was down", ["part"])
# From a minute to a day: how long an escalation waited for a nurse.
CLAIM_BUCKETS = (10, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400, 28800, 86400)
CLAIM_SECONDS = Histogram("careline_escalation_claim_seconds",
                          "Time from an escalation's creation to a nurse's claim in the console, by priority",
                          ["priority"], buckets=CLAIM_BUCKETS)


class InstrumentedRasaClient(RasaClient):
    """The Rasa client, timing its calls and noticing the triage and escalations a turn sets.

    take_turn reads the tracker, sends the message, reads the tracker again: the slots of the read before the
    send are compared with those of the read after it (per thread, so concurrent requests do not mix).
    """

    _seen = threading.local()

    def tracker(self, sender: str) -> dict:
        with STAGE_SECONDS.labels("rasa_tracker").time(), _counting_outages():
            tracker = super().tracker(sender)
        slots = tracker.get("slots") or {}
        sent = getattr(self._seen, "sent", None)
        if sent and sent[0] == sender:
            _count_outcomes(sent[1], slots)
        self._seen.sent = None
        self._seen.last = (sender, slots)
        return tracker

    def send(self, sender: str, text: str, channel: str = "web") -> list[dict]:
        last = getattr(self._seen, "last", None)
        before = last[1] if last and last[0] == sender else {}
        with STAGE_SECONDS.labels("rasa").time(), _counting_outages():
            replies = super().send(sender, text, channel)
        TURNS.labels(channel).inc()
        self._seen.sent = (sender, before)
        return replies


def _count_outcomes(before: dict, after: dict) -> None:
    triage = after.get("triage") or {}
    if triage.get("level") and triage != (before.get("triage") or {}):
        TRIAGE.labels(str(triage["level"])).inc()
    escalation = after.get("escalation") or {}
    if escalation.get("id") and escalation.get("id") != (before.get("escalation") or {}).get("id"):
        ESCALATIONS.labels(str(escalation.get("priority") or "unknown")).inc()


def _started() -> None:
    g.metrics_started = time.perf_counter()


def _finished(response: Response) -> Response:
    endpoint = request.endpoint or "unmatched"
    started = g.get("metrics_started")
    if started is not None:
        elapsed = time.perf_counter() - started
        REQUEST_SECONDS.labels(endpoint).observe(elapsed)
        if endpoint in TURN_ENDPOINTS:
            STAGE_SECONDS.labels(TURN_ENDPOINTS[endpoint]).observe(elapsed)
    RESPONSES.labels(endpoint, str(response.status_code)).inc()
    if response.status_code >= 400:
        ERRORS.labels(str(response.status_code)).inc()
    return response


@contextmanager
def _counting_outages() -> Iterator[None]:
    try:
        yield
    except ServiceDown as err:
        count_outage(err)
        raise


def count_outage(err: ServiceDown) -> None:
    """Once per refusal: where the Rasa client counted it, the error handler that answers the 503 does not."""
    if not err.counted:
        SERVICE_DOWN.labels(err.part).inc()
        err.counted = True


def observe_claim(priority: str | None, created_at: datetime | None) -> None:
    """An escalation just claimed: its wait, from its creation to now (a time stored without its zone is UTC)."""
    if created_at is None:
        return
    if created_at.tzinfo is None:
        created_at = created_at.replace(tzinfo=UTC)
    waited = (datetime.now(UTC) - created_at).total_seconds()
    CLAIM_SECONDS.labels(str(priority or "unknown")).observe(max(waited, 0.0))


def registry(workers: int) -> CollectorRegistry:
    """Several workers: every worker's counts, read from their files (a new registry, or each would be counted twice
    with this process's own)."""
    if workers <= 1:
        return REGISTRY
    shared = CollectorRegistry()
    MultiProcessCollector(shared)  # fails without PROMETHEUS_MULTIPROC_DIR, rather than serve one worker's counts
    return shared


def init_app(app: Flask) -> None:
    """Time every request and serve GET /metrics (register before the rate limiter, so its 429s are timed)."""
    served = registry(app.config["SETTINGS"].gateway_workers)

    def metrics() -> Response:
        return Response(generate_latest(served), headers={"Content-Type": CONTENT_TYPE_LATEST,
                                                          "Cache-Control": "no-store"})

    app.before_request(_started)
    app.after_request(_finished)
    app.add_url_rule("/metrics", "metrics", metrics, methods=["GET"])
