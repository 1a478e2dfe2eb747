"""Response headers: staff pages (console, FHIR) are never framed, cached or run inline script; the chat keeps its
own embedding policy; production serves no demo page."""

import dataclasses
import uuid

import pytest

from channels.app import create_app
from channels.console import users
from nursing import escalations
from tests.test_console import PASSWORD, login, new_escalation


def assert_staff_headers(response) -> None:
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy and "script-src 'self'" in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] in ("no-referrer", "same-origin")
    assert response.headers["Cache-Control"] == "no-store"


@pytest.fixture
def signed_in(client):
    name = f"nurse-{uuid.uuid4().hex[:6]}"
    users.create(name, PASSWORD)
    assert login(client, name).status_code == 302
    return client


def test_the_sign_in_page_is_never_framed_cached_or_inline_scripted(client):
    assert_staff_headers(client.get("/console/login"))


def test_console_pages_and_their_errors_carry_the_staff_headers(signed_in):
    escalation_id = new_escalation()
    for path in ("/console/", f"/console/escalations/{escalation_id}", "/console/escalations/esc_none"):
        assert_staff_headers(signed_in.get(path))


def test_fhir_responses_carry_the_staff_headers(signed_in):
    escalation_id = new_escalation()
    for path in ("/fhir/Questionnaire/careline-intake", f"/fhir/QuestionnaireResponse/{escalation_id}",
                 f"/fhir/Flag/{escalation_id}-flag"):
        response = signed_in.get(path)
        assert response.status_code == 200
        assert_staff_headers(response)


def test_json_api_responses_are_nosniff(client):
    response = client.post("/api/v1/chat", data="not json", content_type="application/json")
    assert response.mimetype == "application/json" and response.headers["X-Content-Type-Options"] == "nosniff"


def test_the_chat_page_keeps_its_own_embedding_policy(app):
    settings = dataclasses.replace(app.config["SETTINGS"], allowed_embed_origins="https://clinic.example")
    response = create_app(settings).test_client().get("/chat")
    assert "frame-ancestors https://clinic.example" in response.headers["Content-Security-Policy"]


@pytest.fixture
def production_client(app, tmp_path, monkeypatch):
    """A production gateway over its own empty database (the shared one holds the development password)."""
    monkeypatch.setenv("CARELINE_DATA_DIR", str(tmp_path))
    shared = app.config["SETTINGS"]
    nursing = dataclasses.replace(shared.nursing, data_dir=tmp_path, public_base_url="https://careline.example")
    settings = dataclasses.replace(shared, environment="production", nursing=nursing, portal_jwt_key="k" * 32)
    return create_app(settings).test_client()


def test_production_serves_no_demo_page(production_client):
    for path in ("/demo/embed", "/demo/portal"):
        assert production_client.get(path).status_code == 404
    assert production_client.get("/chat").status_code == 200


def test_console_pages_run_under_their_policy_in_a_real_browser(stack, page):
    """Chromium reports every script or style the CSP blocks; the console must need none of them."""
    name = f"nurse-{uuid.uuid4().hex[:6]}"
    users.create(name, PASSWORD)
    escalation_id = new_escalation()
    escalations.claim(escalation_id, name)
    refused = []
    page.on("console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text
            else None)
    page.goto(f"{stack.gateway_url}/console/")
    page.fill("#username", name)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_selector("text=Waiting for the patient")
    page.goto(f"{stack.gateway_url}/console/escalations/{escalation_id}")
    page.fill("#reply", "Please rest and drink water.")
    page.get_by_role("button", name="Send reply").click()
    page.wait_for_selector("text=answered")
    assert page.evaluate("getComputedStyle(document.querySelector('header')).display") == "flex"
    assert refused == []
