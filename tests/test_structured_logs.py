"""The gateway's logs: one JSON object a line, each line of a request carrying its id, PHI scrubbed from the
message only (the time and the request's fields stay as they are)."""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid
from datetime import datetime

import requests

from channels.__main__ import log_formatter
from channels.privacy.logging import JsonFormatter, ScrubbingFormatter

PHI = ["Jamal", "Okafor", "(555) 123-4567", "jamal.okafor@gmail.com"]


def lines_with(log_file, request_id: str, deadline_s: float = 10) -> list[dict]:
    """The JSON lines of one request, polled until its access line is there."""
    deadline = time.monotonic() + deadline_s
    while True:
        found = [json.loads(line) for line in log_file.read_text(errors="ignore").splitlines() if request_id in line]
        if any(entry["logger"] == "channels.access" for entry in found) or time.monotonic() > deadline:
            return found
        time.sleep(0.1)


def test_a_requests_log_lines_are_json_with_its_id_and_no_phi(stack):
    request_id = f"req-{uuid.uuid4().hex}"
    response = requests.post(f"{stack.gateway_url}/api/v1/chat", timeout=60, headers={"X-Request-ID": request_id},
                             json={"text": "hi this is Jamal Okafor, call me at (555) 123-4567 or jamal.okafor@gmail.com"})
    assert response.status_code == 200 and response.headers["X-Request-ID"] == request_id
    log_file = stack.data_dir / "logs" / "gateway.log"
    entries = lines_with(log_file, request_id)
    access = [e for e in entries if e["logger"] == "channels.access"]
    assert len(access) == 1, entries
    assert access[0] | {"time": None, "duration_ms": None} == {
        "time": None, "level": "INFO", "logger": "channels.access", "message": "POST /api/v1/chat 200",
        "request_id": request_id, "method": "POST", "path": "/api/v1/chat", "status": 200, "duration_ms": None}
    assert access[0]["duration_ms"] > 0
    assert datetime.fromisoformat(access[0]["time"]).tzinfo is not None
    written = log_file.read_text(errors="ignore")
    for value in PHI:
        assert value not in written, value


def test_an_unusable_request_id_is_replaced_by_a_fresh_one(stack):
    for sent in ("short", "has spaces and <tags>", "x" * 300):
        response = requests.get(f"{stack.gateway_url}/healthz", headers={"X-Request-ID": sent}, timeout=30)
        assert re.fullmatch(r"[0-9a-f]{32}", response.headers["X-Request-ID"]), sent
    fresh = {requests.get(f"{stack.gateway_url}/healthz", timeout=30).headers["X-Request-ID"] for _ in range(2)}
    assert len(fresh) == 2


def record(message: str, **fields) -> logging.LogRecord:
    entry = logging.LogRecord("channels.sms", logging.WARNING, __file__, 1, message, None, None)
    entry.__dict__.update(fields)
    return entry


def test_the_json_formatter_scrubs_the_message_and_keeps_its_own_fields():
    line = JsonFormatter().format(record("patient Maria Lopez phone 555-123-4567", request_id="r-12345678",
                                         method="POST", path="/sms/twilio"))
    entry = json.loads(line)
    assert "Maria" not in entry["message"] and "555-123-4567" not in entry["message"]
    assert datetime.fromisoformat(entry["time"])  # a real timestamp, not <DATE>
    assert (entry["level"], entry["logger"], entry["request_id"], entry["path"]) == \
           ("WARNING", "channels.sms", "r-12345678", "/sms/twilio")


def test_a_logged_exception_is_scrubbed_too():
    try:
        raise ValueError("bad answer from Maria Lopez 555-123-4567")
    except ValueError:
        entry = json.loads(JsonFormatter().format(record("failed", exc_info=sys.exc_info())))
    assert "ValueError" in entry["exception"] and "Maria" not in entry["exception"]


def test_the_text_format_keeps_its_timestamp(monkeypatch):
    monkeypatch.setenv("LOG_FORMAT", "text")
    formatter = log_formatter()
    assert isinstance(formatter, ScrubbingFormatter) and not isinstance(formatter, JsonFormatter)
    line = formatter.format(record("patient Maria Lopez"))
    assert "<DATE>" not in line and "Maria" not in line
    assert re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", line)


def test_json_is_the_default(monkeypatch):
    monkeypatch.delenv("LOG_FORMAT", raising=False)
    assert isinstance(log_formatter(), JsonFormatter)
