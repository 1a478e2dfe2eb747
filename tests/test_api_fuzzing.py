"""Schemathesis against the gateway's own OpenAPI document, on the live stack: generated requests, valid and
invalid, to every documented operation get no 5xx, no stack trace, and only the statuses, content types, headers
and bodies the document promises.

Bounded so it fits in `make test`: a fixed number of examples per operation, a fixed seed, no shrinking.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from hypothesis.configuration import set_hypothesis_home_dir
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

EXAMPLES_PER_OPERATION = 25
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance, negative_data_rejection]
# A request that breaks the document must be refused with one of its error statuses (413: text over the limit;
# 302: a staff FHIR read without a console session is sent to the sign-in page).
REFUSALS = ["302", "400", "401", "403", "404", "413", "415", "422", "429"]
# A fresh action server loads its models on its first triage turn (about 30 s on 2 cores); later turns take well
# under a second. A shorter wait would abandon that turn and send the next request into Rasa while it still waits.
TURN_TIMEOUT_S = 120
STACK_TRACE_MARKS = ("Traceback (most recent call last)", 'File "')

# Hypothesis would keep what it learns in .hypothesis/ in the working directory; a test run writes nothing in the
# repository (tests/test_repository_clean.py).
set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "careline-hypothesis")


@pytest.fixture(scope="session")
def live_api(stack):
    config = schemathesis.Config.from_dict({"checks": {"negative_data_rejection": {"expected-statuses": REFUSALS}}})
    return schemathesis.openapi.from_url(f"{stack.gateway_url}/api/openapi.json", config=config)


schema = schemathesis.pytest.from_fixture("live_api")


@schema.parametrize()
@settings(max_examples=EXAMPLES_PER_OPERATION, derandomize=True, deadline=None, phases=[Phase.explicit, Phase.generate],
          suppress_health_check=list(HealthCheck), database=None)
def test_generated_requests_get_documented_answers_and_no_stack_trace(case):
    response = case.call(timeout=TURN_TIMEOUT_S)
    case.validate_response(response, checks=CHECKS)
    assert not any(mark in response.text for mark in STACK_TRACE_MARKS), response.text[:500]
