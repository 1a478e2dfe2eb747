"""The web chat in a real browser (Debian chromium, headless): widget, clicks, keyboard only, no outside loads."""

import base64
import io
import time

import pytest
import requests
from PIL import Image

from nursing import escalations
from tests.conftest import bearer

ANSWERS = {"age": "30", "sex": "male", "duration": "2 days", "severity": "2", "conditions": "none",
           "medications": "none", "allergies": "none"}


def answer_until_triage(frame, first: str) -> None:
    """Type the complaint, then answer whatever is asked, like a patient would."""
    frame.fill("#message", first)
    frame.press("#message", "Enter")
    for _ in range(20):
        frame.wait_for_selector("#typing", state="hidden")
        if frame.evaluate("document.body.dataset.triage"):
            return
        if {"Not sure", "Talk to a nurse"} <= set(frame.locator("#choices button").all_inner_texts()):
            frame.get_by_role("button", name="No", exact=True).click()  # a red-flag question: Yes / No / ...
            continue
        last = frame.locator(".msg.bot").last.inner_text().lower()
        answer = next((v for k, v in ANSWERS.items() if k in last or (k == "sex" and "female or male" in last)
                       or (k == "duration" and "how long" in last) or (k == "severity" and "scale" in last)
                       or (k == "age" and "how old" in last) or (k == "conditions" and "long-term" in last)
                       or (k == "medications" and "medicines" in last)), "not sure")
        frame.fill("#message", answer)
        frame.press("#message", "Enter")
    pytest.fail("no triage level was shown")


def test_widget_on_the_demo_page_gives_consent_and_a_triage_level(stack, page):
    page.goto(f"{stack.gateway_url}/demo/embed")
    page.click("#careline-launcher")
    frame = page.frame_locator("#careline-frame")
    frame.get_by_role("button", name="Yes").click()
    inner = next(f for f in page.frames if "/chat?embed=1" in f.url)
    inner.wait_for_selector("text=main problem")
    answer_until_triage(inner, "I have a runny nose and I keep sneezing")
    assert inner.evaluate("document.body.dataset.triage") == "self_care"
    assert "Care at home" in inner.locator("#log").inner_text()


def test_the_chat_works_with_the_keyboard_only(stack, page):
    page.goto(f"{stack.gateway_url}/chat")
    page.wait_for_selector("text=Do you agree")
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent") == "Yes":
            break
    page.keyboard.press("Enter")
    page.wait_for_selector("text=main problem")
    assert page.evaluate("document.activeElement.id") == "message"
    page.keyboard.type("crushing chest pain and I'm sweating")
    page.keyboard.press("Enter")
    page.wait_for_selector("body[data-triage=emergency]")
    assert "911" in page.locator("#log").inner_text()


def test_the_page_is_accessible_in_its_basics(stack, page):
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(f"{stack.gateway_url}/chat")
    assert page.get_attribute("html", "lang") == "en"
    assert page.locator("label[for=message]").count() == 1
    assert page.get_attribute("#log", "role") == "log"
    assert page.locator(".emergency").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 320


def test_the_page_loads_nothing_from_outside(stack, page):
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(f"{stack.gateway_url}/demo/embed")
    page.click("#careline-launcher")
    page.frame_locator("#careline-frame").get_by_role("button", name="Yes").wait_for()
    assert requested and all(url.startswith(stack.gateway_url) for url in requested), requested


def test_a_nurse_reply_shows_in_the_page_which_then_acknowledges_it(stack, page):
    page.goto(f"{stack.gateway_url}/chat")
    page.wait_for_selector("text=Do you agree")
    conversation, token = page.evaluate(
        "[sessionStorage.getItem('careline-conversation'), sessionStorage.getItem('careline-token')]")
    escalation = escalations.create(conversation, "request", "web", None, {}, [])
    escalations.claim(escalation.id, "nurse-browser")
    escalations.reply(escalation.id, "nurse-browser", "Please come in at 3 pm.")
    page.wait_for_selector(".nurse-reply:has-text('Please come in at 3 pm.')", timeout=15_000)
    updates = f"{stack.gateway_url}/api/v1/chat/{conversation}/updates"
    for _ in range(20):
        if not requests.get(updates, headers=bearer(token), timeout=10).json()["messages"]:
            return
        time.sleep(0.25)
    pytest.fail("the page did not acknowledge the nurse reply it showed")


def small_png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 64), (205, 130, 115)).save(out, "PNG")
    return out.getvalue()


def agreed(stack, page) -> None:
    page.goto(f"{stack.gateway_url}/chat")
    page.get_by_role("button", name="Yes").click()
    page.wait_for_selector("text=main problem")


def drop(page, data: bytes, name: str, mime: str) -> None:
    """Drop a file on the conversation, as a patient dragging a photo from their desktop does."""
    transfer = page.evaluate_handle("""([encoded, name, mime]) => {
        const bytes = Uint8Array.from(atob(encoded), c => c.charCodeAt(0));
        const transfer = new DataTransfer();
        transfer.items.add(new File([bytes], name, {type: mime}));
        return transfer;
    }""", [base64.b64encode(data).decode(), name, mime])
    page.dispatch_event("#log", "dragover", {"dataTransfer": transfer})
    page.dispatch_event("#log", "drop", {"dataTransfer": transfer})


def test_a_picture_attached_from_the_keyboard_gets_the_nurses_answer(stack, page):
    agreed(stack, page)
    page.focus("#attach")
    assert page.evaluate("document.activeElement.textContent") == "Send a picture"
    with page.expect_file_chooser() as chooser:
        page.keyboard.press("Enter")
    chooser.value.set_files({"name": "rash.png", "mimeType": "image/png", "buffer": small_png()})
    page.wait_for_selector(".msg.bot:has-text('nurse will look at it')")
    assert page.locator(".msg.user").last.inner_text() == "Picture: rash.png"
    assert page.evaluate("document.activeElement.id") == "message"


def test_a_picture_dropped_on_the_chat_is_sent(stack, page):
    agreed(stack, page)
    drop(page, small_png(), "wound.png", "image/png")
    page.wait_for_selector(".msg.bot:has-text('nurse will look at it')")
    assert not page.evaluate("document.body.classList.contains('dropping')")


def test_a_refused_picture_shows_a_plain_message_and_the_chat_goes_on(stack, page):
    agreed(stack, page)
    drop(page, small_png()[:60], "broken.png", "image/png")
    page.wait_for_selector(".msg.bot:has-text('could not open that picture')")
    answers = page.locator(".msg.bot").count()
    page.fill("#message", "I have a sore throat")
    page.press("#message", "Enter")
    page.locator(".msg.bot").nth(answers).wait_for()  # CareLine answered the next message
