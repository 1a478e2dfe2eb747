"""A nurse's day in a real browser: sign in, claim the top escalation, reply (the patient's chat shows it), sign out."""

import uuid

from sqlalchemy import select

from channels.console import users
from nursing import escalations
from nursing.db import session
from nursing.models import ConsoleSession
from tests.test_console import new_escalation

PASSWORD = "browser nurse password"


def signed_in(browser, stack, name: str):
    nurse = browser.new_context().new_page()
    nurse.goto(f"{stack.gateway_url}/console/")
    nurse.fill("#username", name)
    nurse.fill("#password", PASSWORD)
    nurse.get_by_role("button", name="Sign in").click()
    nurse.wait_for_selector("text=Escalations")
    return nurse


def last_seen(name: str):
    with session() as db:
        return db.scalar(select(ConsoleSession.last_seen).where(ConsoleSession.username == name))


def test_nurse_claims_the_top_escalation_and_the_patient_sees_the_reply(stack, browser):
    name = f"nurse-{uuid.uuid4().hex[:6]}"
    users.create(name, PASSWORD)
    for earlier in escalations.queue():  # a quiet queue, so the top escalation is this patient's
        if earlier.status == "open":
            escalations.claim(earlier.id, "test-setup")
        else:
            escalations.take_over(earlier.id, "test-setup", "admin")
        escalations.close(earlier.id, "test-setup", "other")
    patient = browser.new_context().new_page()
    patient.goto(f"{stack.gateway_url}/chat")
    patient.get_by_role("button", name="Yes").click()
    patient.wait_for_selector("text=main problem")
    patient.fill("#message", "crushing chest pain and I'm sweating")
    patient.press("#message", "Enter")
    patient.wait_for_selector("body[data-triage=emergency]")

    nurse = signed_in(browser, stack, name)
    nurse.locator("tbody tr").first.get_by_role("link").click()
    nurse.get_by_role("button", name="Claim").click()
    nurse.wait_for_selector(f"text={name}")
    assert "crushing chest pain" in nurse.locator(".transcript").inner_text()
    nurse.fill("#reply", "This is the nurse. Please call 911 now if you have not.")
    nurse.get_by_role("button", name="Send reply").click()
    nurse.wait_for_selector("text=answered")

    patient.wait_for_selector("text=A CareLine nurse replied", timeout=15000)
    assert "Please call 911 now" in patient.locator("#log").inner_text()

    nurse.get_by_role("button", name="Sign out").click()
    nurse.wait_for_selector("#password")
    nurse.go_back()
    nurse.reload()
    assert nurse.locator("#password").count() == 1, "after signing out, the console asks to sign in again"


def test_the_queue_refreshes_itself_without_counting_as_the_nurse_s_activity(stack, browser):
    name = f"nurse-{uuid.uuid4().hex[:6]}"
    users.create(name, PASSWORD)
    nurse = signed_in(browser, stack, name)
    signed_in_at = last_seen(name)
    escalation_id = new_escalation("emergency")
    nurse.wait_for_selector(f"text=Open {escalation_id}", timeout=15000)
    assert last_seen(name) == signed_in_at
