"""`make screenshots`: PNGs of the chat page (desktop, 360 px phone), the widget on the demo page,
the nurse console (queue and an escalation) and an SMS transcript, under docs/img/.
Starts its own stack on spare ports."""

from __future__ import annotations

import html
import os
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from scripts.browser import launch
from scripts.stack import ROOT, Stack

OUT = ROOT / "docs" / "img"
SMS = [("patient", "hi"), ("patient", "1"), ("patient", "I have a sore throat and a runny nose")]


def chat_until_consent(page, url: str) -> None:
    page.goto(url)
    page.get_by_role("button", name="Yes").click()
    page.wait_for_selector("text=main problem")
    page.fill("#message", "my chest feels tight and I'm sweaty")
    page.press("#message", "Enter")
    page.wait_for_selector("body[data-triage]:not([data-triage=\"\"])")


def sms_transcript(stack: Stack) -> str:
    from twilio.request_validator import RequestValidator

    from channels.app import create_app
    from channels.settings import Settings
    from nursing.settings import Settings as NursingSettings

    settings = Settings(rasa_url=stack.rasa_url, actions_url=stack.actions_url,
                        nursing=NursingSettings(twilio_auth_token="screenshots"))
    client = create_app(settings).test_client()
    rows = []
    for n, (_, body) in enumerate(SMS):
        form = {"From": "+15550001111", "Body": body, "MessageSid": f"SMshot{n}", "NumMedia": "0"}
        signature = RequestValidator("screenshots").compute_signature("http://localhost/sms/twilio", form)
        reply = client.post("/sms/twilio", data=form, headers={"X-Twilio-Signature": signature}).get_data(as_text=True)
        rows.append(f'<p class="me">{html.escape(body)}</p>')
        for message in reply.split("<Message>")[1:]:
            rows.append(f'<p class="bot">{message.split("</Message>")[0]}</p>')
    style = ("body{font:15px system-ui;background:#f2f2f7;max-width:360px;margin:0;padding:12px}"
             "p{padding:8px 12px;border-radius:16px;margin:6px 0;white-space:pre-wrap}"
             ".me{background:#0b84ff;color:#fff;margin-left:25%}.bot{background:#e5e5ea;margin-right:15%}")
    return f"<!doctype html><html lang=en><style>{style}</style><body>{''.join(rows)}</body></html>"


def console_pages(browser, stack: Stack) -> None:
    from channels.console import users

    users.create("screenshot-nurse", "screenshot password")
    page = browser.new_page(viewport={"width": 1200, "height": 800})
    page.goto(f"{stack.gateway_url}/console/")
    page.fill("#username", "screenshot-nurse")
    page.fill("#password", "screenshot password")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_selector("text=Escalations")
    page.screenshot(path=OUT / "console-queue.png")
    page.locator("tbody tr").first.get_by_role("link").click()
    page.wait_for_selector("text=Transcript")
    page.screenshot(path=OUT / "console-escalation.png", full_page=True)


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as data_dir:
        os.environ["CARELINE_DATA_DIR"] = data_dir  # this process creates the console user in the stack's database
        stack = Stack(gateway_port=18300, rasa_port=15305, actions_port=15355, data_dir=Path(data_dir))
        try:
            stack.start()
            with sync_playwright() as playwright:
                browser = launch(playwright)
                desktop = browser.new_page(viewport={"width": 1200, "height": 800})
                chat_until_consent(desktop, f"{stack.gateway_url}/chat")
                desktop.screenshot(path=OUT / "chat-desktop.png")
                phone = browser.new_page(viewport={"width": 360, "height": 740})
                chat_until_consent(phone, f"{stack.gateway_url}/chat")
                phone.screenshot(path=OUT / "chat-phone.png")
                host = browser.new_page(viewport={"width": 1200, "height": 800})
                host.goto(f"{stack.gateway_url}/demo/embed")
                host.click("#careline-launcher")
                host.frame_locator("#careline-frame").get_by_role("button", name="Yes").wait_for()
                host.screenshot(path=OUT / "widget.png")
                console_pages(browser, stack)
                sms = browser.new_page(viewport={"width": 380, "height": 800})
                sms.set_content(sms_transcript(stack))
                sms.screenshot(path=OUT / "sms.png", full_page=True)
                browser.close()
        finally:
            stack.stop()
    print(f"screenshots written to {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
