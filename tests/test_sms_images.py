"""Pictures by MMS: the signed Twilio webhook with NumMedia > 0, the media fetched from the fake Twilio with basic
auth, then the web upload's checks and turn; and the image route in the OpenAPI document."""

from __future__ import annotations

import html
import os
import uuid

import pytest
from openapi_spec_validator import validate
from PIL import Image
from twilio.request_validator import RequestValidator

from channels import mms
from channels.openapi import document
from channels.sms import REPLIES
from channels.sms_format import with_options
from nursing import escalations, vault
from nursing.sms import split
from scripts.eval_image import skin_photo
from tests.conftest import TWILIO_TOKEN
from tests.test_image_upload import png, stored, upload
from tests.test_sms import URL, messages, new_phone, post

CHEST_PAIN = "I have crushing chest pain and I can't breathe"


def send_mms(client, phone: str, media_url: str | None, body: str = ""):
    """A signed webhook carrying one picture (media_url None: NumMedia 1 but no MediaUrl0)."""
    form = {"From": phone, "To": "+15550000000", "Body": body, "MessageSid": "MM" + uuid.uuid4().hex, "NumMedia": "1"}
    if media_url is not None:
        form["MediaUrl0"] = media_url
    signature = RequestValidator(TWILIO_TOKEN).compute_signature(URL, form)
    response = client.post("/sms/twilio", data=form, headers={"X-Twilio-Signature": signature, "Host": "localhost"})
    assert response.status_code == 200 and response.mimetype == "application/xml"
    return [html.unescape(text) for text in messages(response)]


@pytest.fixture
def account_sid(app) -> str:
    return app.config["SETTINGS"].nursing.twilio_account_sid


@pytest.fixture
def patient(client):
    """A phone whose patient has agreed to go on by SMS: (phone, patient id)."""
    phone = new_phone()
    assert messages(post(client, "hi", phone=phone))
    assert messages(post(client, "yes", phone=phone))
    return phone, vault.patient_for("phone", phone)


def goes_on(client, phone: str) -> None:
    assert messages(post(client, "it itches", phone=phone))


def test_an_mms_picture_is_fetched_with_basic_auth_and_answered_as_the_web_would(client, chat, patient, fake_twilio,
                                                                                 account_sid):
    chat("hi", "yes")
    web = upload(client, chat.conversation_id, dict(chat.headers), png(skin_photo(7)), "rash.png").get_json()
    phone, patient_id = patient
    url = fake_twilio.add_media(account_sid, png(skin_photo(7)), "image/png")
    texts = send_mms(client, phone, url)
    assert texts == [piece for m in web["messages"] for piece in split(with_options(m))]
    assert "nurse will look at it" in texts[0]
    assert {"path": url.removeprefix(fake_twilio.url), "authorized": True} in fake_twilio.media_requests
    [image] = stored(patient_id)
    escalation = escalations.get(image.escalation_id)
    assert escalation is not None and escalation.priority == "uncertain"
    assert image.check["in_distribution"] is False


def test_the_text_with_the_picture_is_its_note_and_a_red_flag_in_it_still_wins(client, patient, fake_twilio,
                                                                              account_sid):
    phone, patient_id = patient
    texts = send_mms(client, phone, fake_twilio.add_media(account_sid, png(skin_photo(4))), body=CHEST_PAIN)
    joined = " ".join(texts)
    assert "911" in joined and "nurse will look at your picture too" in joined
    [image] = stored(patient_id)
    assert escalations.get(image.escalation_id).priority == "emergency"


def test_a_first_contact_by_mms_asks_for_consent_and_keeps_nothing(client, fake_twilio, account_sid):
    phone = new_phone()
    texts = send_mms(client, phone, fake_twilio.add_media(account_sid, png(skin_photo(2))))
    assert "need your agreement" in " ".join(texts)
    assert stored(vault.patient_for("phone", phone)) == []


@pytest.mark.parametrize("data, content_type, said", [
    (b"my symptoms: cough and fever\n" * 20, "text/plain", "not a picture we can take"),
    (png(skin_photo(3))[:2000], "image/png", "could not open that picture"),
])
def test_media_that_is_not_a_whole_picture_gets_the_web_uploads_refusal(client, patient, fake_twilio, account_sid,
                                                                        data, content_type, said):
    phone, patient_id = patient
    texts = send_mms(client, phone, fake_twilio.add_media(account_sid, data, content_type))
    assert len(texts) == 1 and said in texts[0]
    assert stored(patient_id) == []
    goes_on(client, phone)


@pytest.mark.parametrize("declare_length", [True, False])
def test_media_over_10_mb_is_refused_as_too_large_while_downloading(client, patient, fake_twilio, account_sid,
                                                                    declare_length):
    phone, patient_id = patient
    big = png(Image.new("L", (32, 32))) + os.urandom(10 * 1024 * 1024 + 1024)
    url = fake_twilio.add_media(account_sid, big, "image/png", declare_length=declare_length)
    texts = send_mms(client, phone, url)
    assert len(texts) == 1 and "too large" in texts[0]
    assert stored(patient_id) == []
    goes_on(client, phone)


def test_media_twilio_refuses_to_our_credentials_gets_the_fetch_failure_reply(client, patient, fake_twilio):
    phone, patient_id = patient
    url = fake_twilio.add_media("AC" + "1" * 32, png(skin_photo(5)))  # another account's media: 401 for ours
    assert send_mms(client, phone, url) == [REPLIES["no_picture"]]
    assert {"path": url.removeprefix(fake_twilio.url), "authorized": False} in fake_twilio.media_requests
    assert stored(patient_id) == []
    goes_on(client, phone)


def test_missing_media_gets_the_fetch_failure_reply(client, patient, fake_twilio, account_sid):
    phone, patient_id = patient
    gone = f"{fake_twilio.url}/2010-04-01/Accounts/{account_sid}/Messages/MMgone/Media/MEgone"
    assert send_mms(client, phone, gone) == [REPLIES["no_picture"]]
    assert send_mms(client, phone, None) == [REPLIES["no_picture"]]
    assert stored(patient_id) == []


def test_a_media_url_off_twilios_host_is_never_sent_the_credentials(client, patient, fake_twilio):
    phone, patient_id = patient
    asked = len(fake_twilio.media_requests)
    assert send_mms(client, phone, "http://localhost:9/photo.jpg") == [REPLIES["no_picture"]]
    assert len(fake_twilio.media_requests) == asked and stored(patient_id) == []


def test_a_download_slower_than_the_deadline_gets_the_fetch_failure_reply(client, patient, fake_twilio, account_sid,
                                                                           monkeypatch):
    monkeypatch.setattr(mms, "MEDIA_TIMEOUT_S", 0.5)
    phone, patient_id = patient
    url = fake_twilio.add_media(account_sid, png(skin_photo(6)), delay_s=2)
    assert send_mms(client, phone, url) == [REPLIES["no_picture"]]
    assert stored(patient_id) == []
    goes_on(client, phone)


def test_the_openapi_document_describes_the_image_route_and_mms():
    spec = document()
    validate(spec)
    route = spec["paths"]["/api/v1/chat/{conversation_id}/images"]["post"]
    form = route["requestBody"]["content"]["multipart/form-data"]
    assert form["schema"]["required"] == ["image"] and set(form["schema"]["properties"]) == {"image", "text"}
    assert form["encoding"]["image"]["contentType"] == "image/jpeg, image/png, image/webp"
    assert route["security"] == [{"conversationToken": []}]
    assert route["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ChatReply"}
    assert {"400", "401", "413", "415", "422", "429", "503"} <= set(route["responses"])
    assert "MediaUrl0" in spec["components"]["schemas"]["SmsWebhook"]["properties"]
