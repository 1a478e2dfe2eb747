"""The Twilio SMS webhook, signed like Twilio signs it, and outbound SMS through the fake Twilio API."""

import dataclasses
import html
import re
import threading
import uuid

import pytest
import requests
from twilio.request_validator import RequestValidator

from channels.app import create_app
from channels.settings import Settings
from channels.sms import REPLIES
from channels.sms_format import with_options
from nursing import sms
from nursing.sms import segments, split
from tests.conftest import TWILIO_TOKEN

URL = "http://localhost/sms/twilio"


def signed_form(body: str, phone: str = "+15551230000", sid: str | None = None, media: int = 0,
                url: str = URL) -> tuple[dict, str]:
    form = {"From": phone, "To": "+15550000000", "Body": body, "MessageSid": sid or "SM" + uuid.uuid4().hex,
            "NumMedia": str(media)}
    if media:
        form["MediaUrl0"] = "https://example.org/photo.jpg"
    return form, RequestValidator(TWILIO_TOKEN).compute_signature(url, form)


def post(client, body: str, phone: str = "+15551230000", sid: str | None = None, signature: str | None = None,
         media: int = 0, url: str = URL):
    form, signed = signed_form(body, phone, sid, media, url)
    host = url.split("/")[2]
    return client.post("/sms/twilio", data=form, headers={"X-Twilio-Signature": signature or signed, "Host": host})


def messages(response) -> list[str]:
    body = response.text if isinstance(response, requests.Response) else response.get_data(as_text=True)
    return re.findall(r"<Message>(.*?)</Message>", body, re.S)


def new_phone() -> str:
    return "+1555" + str(uuid.uuid4().int)[:7]


def test_forged_signature_is_403_and_no_turn(client):
    response = post(client, "hi", signature="forged")
    assert response.status_code == 403


def test_missing_signature_is_403(client):
    assert client.post("/sms/twilio", data={"From": "+15551230000", "Body": "hi"}).status_code == 403


def test_signed_message_gets_twiml_with_numbered_options(client):
    response = post(client, "hi", phone=new_phone())
    assert response.status_code == 200 and response.mimetype == "application/xml"
    assert "Reply 1 for Yes, 2 for No" in messages(response)[-1]


def test_same_message_sid_twice_makes_one_turn(client):
    phone, sid = new_phone(), "SM" + uuid.uuid4().hex
    first = post(client, "hi", phone=phone, sid=sid)
    again = post(client, "hi", phone=phone, sid=sid)
    assert messages(first) and messages(again) == []


def test_four_concurrent_copies_of_one_message_sid_get_one_reply(stack):
    url = f"{stack.gateway_url}/sms/twilio"
    form, signature = signed_form("hi", phone=new_phone(), url=url)
    replies: list[list[str]] = []

    def deliver() -> None:
        response = requests.post(url, data=form, headers={"X-Twilio-Signature": signature}, timeout=60)
        replies.append(messages(response) if response.status_code == 200 else ["failed"])

    threads = [threading.Thread(target=deliver) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(replies) == 4 and ["failed"] not in replies
    assert sum(1 for texts in replies if texts) == 1


def test_a_signature_over_a_spoofed_host_is_403_without_public_base_url(client):
    assert post(client, "HELP", phone=new_phone(), url="http://evil.example/sms/twilio").status_code == 403


def test_a_loopback_host_is_trusted_without_public_base_url(client):
    assert messages(post(client, "HELP", phone=new_phone(), url="http://127.0.0.1:8000/sms/twilio"))


def test_with_public_base_url_only_a_signature_over_it_counts(app):
    settings = app.config["SETTINGS"]
    settings = dataclasses.replace(settings, nursing=dataclasses.replace(settings.nursing,
                                                                         public_base_url="https://careline.example"))
    client = create_app(settings).test_client()
    assert post(client, "HELP", phone=new_phone()).status_code == 403
    assert messages(post(client, "HELP", phone=new_phone(), url="https://careline.example/sms/twilio"))


def test_production_refuses_to_start_without_public_base_url(data_dir):
    with pytest.raises(RuntimeError, match="PUBLIC_BASE_URL"):
        create_app(Settings(environment="production"))


@pytest.mark.parametrize("raw", [b"\xff", b"%FF"])
def test_a_body_that_is_not_utf8_is_400_and_its_sid_stays_unused(client, raw):
    sid = "SM" + uuid.uuid4().hex
    body = b"From=%2B15551230000&Body=" + raw + b"&MessageSid=" + sid.encode()
    response = client.post("/sms/twilio", data=body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert messages(post(client, "HELP", phone=new_phone(), sid=sid))


def test_a_number_answers_the_options_offered(client):
    phone = new_phone()
    post(client, "hi", phone=phone)
    reply = post(client, "1", phone=phone)
    assert "main problem" in " ".join(messages(reply))


def test_stop_then_a_message_gets_no_reply_until_start(client):
    phone = new_phone()
    assert "unsubscribed" in messages(post(client, "STOP", phone=phone))[0]
    assert messages(post(client, "hi", phone=phone)) == []
    assert "Welcome back" in messages(post(client, "START", phone=phone))[0]
    assert messages(post(client, "hi", phone=phone))


def test_help_says_who_we_are_and_how_to_reach_a_person(client):
    text = messages(post(client, "HELP", phone=new_phone()))[0]
    assert "CareLine" in text and "nurse" in text.lower() and "911" in text


def test_a_picture_gets_a_polite_answer(client):
    texts = messages(post(client, "", phone=new_phone(), media=1))
    assert "picture" in texts[0]


def test_the_phone_number_never_reaches_rasa(client, stack):
    import sqlite3

    phone = "+15559876543"
    post(client, "hi", phone=phone)
    rows = sqlite3.connect(stack.data_dir / "tracker.db").execute("select sender_id, data from events").fetchall()
    assert not any(phone in sender or phone in data or "5559876543" in data for sender, data in rows)


@pytest.mark.parametrize("text, count", [("a" * 160, 1), ("a" * 161, 2), ("é" * 70, 1), ("😀" * 40, 2)])
def test_segments_count_gsm7_and_ucs2(text, count):
    assert segments(text) == count


def test_long_replies_split_between_sentences_within_three_segments():
    text = " ".join(f"This is sentence number {n} of a long reply." for n in range(40))
    pieces = split(text)
    assert len(pieces) > 1
    assert all(segments(p) <= 3 and p.endswith(".") for p in pieces)
    assert " ".join(pieces) == text


def test_buttons_become_numbered_options():
    assert with_options({"text": "Agree?", "buttons": [{"title": "Yes", "payload": "/affirm"},
                                                       {"title": "No", "payload": "/deny"}]}) == \
        "Agree?\nReply 1 for Yes, 2 for No."


def test_outbound_sms_goes_through_the_fake_twilio_api(app, fake_twilio):
    sids = sms.send(app.config["SETTINGS"].nursing, "+15551112222", "A nurse has replied: please call the clinic.")
    assert sids and fake_twilio.sent[-1]["To"] == "+15551112222"
    assert fake_twilio.sent[-1]["Body"].startswith("A nurse has replied")


@pytest.fixture
def sms_app_with_rasa(tmp_path, monkeypatch):
    """An app of its own (no live stack) whose Rasa is the test's fake: `use(fake)` puts one in."""
    from nursing.settings import Settings as NursingSettings

    monkeypatch.setenv("CARELINE_DATA_DIR", str(tmp_path))
    app = create_app(Settings(nursing=NursingSettings(data_dir=tmp_path, twilio_auth_token=TWILIO_TOKEN)))

    def use(fake):
        app.extensions["rasa"].http = fake
        return app.test_client()

    return use


@pytest.mark.parametrize("part", ["tracker_store", "rasa"])
def test_a_part_down_that_the_webhook_answers_itself_is_counted_once(sms_app_with_rasa, part):
    """The webhook answers a part down with its own SMS (not the 503 handler's), and counts it in
    careline_service_down_total like the chat API: once, whether the Rasa client or the tracker check refused it."""
    from tests.test_api_hardening import DownRasa, UnstoredRasa, sample

    client = sms_app_with_rasa(UnstoredRasa() if part == "tracker_store" else DownRasa())
    before = sample("careline_service_down_total", part=part)
    response = post(client, "hi", phone=new_phone())
    assert response.status_code == 200
    assert [html.unescape(m) for m in messages(response)] == [REPLIES["down"]]
    assert sample("careline_service_down_total", part=part) == before + 1
