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

from channels import images, mms
from channels.errors import ServiceDown
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
    return send_pictures(client, phone, [] if media_url is None else [media_url], body, num_media="1")


def send_pictures(client, phone: str, urls: list[str], body: str = "", num_media: str | None = None,
                  sid: str | None = None):
    """A signed webhook with MediaUrl0.. set to `urls` and NumMedia (by default, how many urls there are)."""
    form = {"From": phone, "To": "+15550000000", "Body": body, "MessageSid": sid or "MM" + uuid.uuid4().hex,
            "NumMedia": str(len(urls)) if num_media is None else num_media}
    form.update({f"MediaUrl{i}": url for i, url in enumerate(urls)})
    signature = RequestValidator(TWILIO_TOKEN).compute_signature(URL, form)
    response = client.post("/sms/twilio", data=form, headers={"X-Twilio-Signature": signature, "Host": "localhost"})
    assert response.status_code == 200 and response.mimetype == "application/xml"
    return [html.unescape(text) for text in messages(response)]


def photos(fake_twilio, account_sid: str, *seeds: int) -> tuple[list[str], list[tuple[int, int]]]:
    """Distinct rash photos served by the fake Twilio: their URLs and their sizes (to tell them apart once stored)."""
    pictures = [skin_photo(seed) for seed in seeds]
    return [fake_twilio.add_media(account_sid, png(p), "image/png") for p in pictures], [p.size for p in pictures]


def stored_sizes(patient_id: str) -> list[tuple[int, int]]:
    return [(i.width, i.height) for i in sorted(stored(patient_id), key=lambda i: i.created_at)]


def gone_url(fake_twilio, account_sid: str) -> str:
    return f"{fake_twilio.url}/2010-04-01/Accounts/{account_sid}/Messages/MM{uuid.uuid4().hex}/Media/MEgone"


@pytest.fixture
def account_sid(app) -> str:
    return app.config["SETTINGS"].nursing.twilio_account_sid


@pytest.fixture
def patient(client):
    """A phone whose patient has agreed to go on by SMS: (phone, patient id)."""
    return consenting(client)


def consenting(client) -> tuple[str, str]:
    """A new phone whose patient has agreed to go on by SMS: (phone, patient id)."""
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
    webhook = spec["components"]["schemas"]["SmsWebhook"]["properties"]
    assert {name for name in webhook if name.startswith("Media")} == {f"MediaUrl{i}" for i in range(mms.MAX_MEDIA)}


def test_three_pictures_in_one_mms_are_all_stored_in_order_with_one_thanks_and_a_count(client, patient, fake_twilio,
                                                                                      account_sid):
    phone, patient_id = patient
    urls, sizes = photos(fake_twilio, account_sid, 1, 2, 3)
    texts = send_pictures(client, phone, urls)
    assert stored_sizes(patient_id) == sizes
    assert len({image.escalation_id for image in stored(patient_id)}) == 1  # one escalation holds them all
    assert sum("nurse will look at it" in text for text in texts) == 1
    assert texts[-1] == "I received all 3 of your pictures."
    assert all({"path": url.removeprefix(fake_twilio.url), "authorized": True} in fake_twilio.media_requests
               for url in urls)


def test_a_broken_and_a_missing_picture_among_good_ones_lose_nothing_else_and_the_reply_says_which(
        client, patient, fake_twilio, account_sid):
    phone, patient_id = patient
    (first, last), sizes = photos(fake_twilio, account_sid, 4, 5)
    broken = fake_twilio.add_media(account_sid, png(skin_photo(6))[:2000], "image/png")
    texts = send_pictures(client, phone, [first, broken, gone_url(fake_twilio, account_sid), last])
    assert stored_sizes(patient_id) == sizes
    assert "nurse will look at it" in texts[0]
    assert texts[-1] == ("I received 2 of your 4 pictures. I couldn't use picture 2 (damaged or incomplete), "
                         "picture 3 (download failed). Please send them again, or describe them in words.")
    assert len(split(texts[-1])) == 1
    goes_on(client, phone)


def test_the_text_goes_with_the_first_picture_kept_so_a_red_flag_still_wins_when_the_first_is_broken(
        client, patient, fake_twilio, account_sid):
    phone, patient_id = patient
    broken = fake_twilio.add_media(account_sid, b"not a picture at all", "image/jpeg")
    urls, sizes = photos(fake_twilio, account_sid, 8, 9)
    texts = send_pictures(client, phone, [broken, *urls], body=CHEST_PAIN)
    joined = " ".join(texts)
    assert "911" in joined and "nurse will look at your picture too" in joined
    assert texts[-1].startswith("I received 2 of your 3 pictures.")
    assert "picture 1 (not a JPEG, PNG or WebP photo)" in texts[-1]
    assert stored_sizes(patient_id) == sizes
    assert {escalations.get(image.escalation_id).priority for image in stored(patient_id)} == {"emergency"}


def test_num_media_above_the_urls_present_counts_the_missing_ones_as_not_received(client, patient, fake_twilio,
                                                                                   account_sid):
    phone, patient_id = patient
    urls, sizes = photos(fake_twilio, account_sid, 10, 11)
    texts = send_pictures(client, phone, urls, num_media="3")
    assert stored_sizes(patient_id) == sizes
    assert texts[-1] == ("I received 2 of your 3 pictures. I couldn't use picture 3 (download failed). "
                         "Please send it again, or describe it in words.")


@pytest.mark.parametrize("num_media", ["500", "9" * 5000], ids=["500", "5000 digits"])
def test_a_num_media_over_twilios_10_fetches_only_the_first_10_urls(client, patient, fake_twilio, account_sid,
                                                                     num_media):
    phone, patient_id = patient
    gone = [gone_url(fake_twilio, account_sid) for _ in range(mms.MAX_MEDIA)]
    never, _ = photos(fake_twilio, account_sid, 1, 2)
    asked = len(fake_twilio.media_requests)
    texts = send_pictures(client, phone, gone + never, num_media=num_media)
    asked_for = sorted(r["path"] for r in fake_twilio.media_requests[asked:])  # fetched side by side: any order
    assert asked_for == sorted(url.removeprefix(fake_twilio.url) for url in gone)
    assert stored(patient_id) == []
    assert texts == ["I couldn't use any of your 10 pictures: pictures 1, 2, 3, 4, 5, 6, 7, 8, 9 and 10 (download "
                     "failed). Please send them again, or describe them in words. In an emergency, call 911."]
    assert len(split(texts[0])) == 1
    goes_on(client, phone)


@pytest.mark.parametrize("num_media", ["\u00b2", "-1", "two", ""])
def test_a_num_media_that_is_not_a_number_means_no_picture(client, patient, fake_twilio, account_sid, num_media):
    phone, patient_id = patient
    urls, _ = photos(fake_twilio, account_sid, 3)
    asked = len(fake_twilio.media_requests)
    assert send_pictures(client, phone, urls, num_media=num_media) == [REPLIES["empty"]]
    assert len(fake_twilio.media_requests) == asked and stored(patient_id) == []


def test_rasa_down_after_the_first_picture_keeps_it_and_reports_the_rest_without_a_retry(client, patient, fake_twilio,
                                                                                        account_sid, monkeypatch):
    phone, patient_id = patient
    urls, sizes = photos(fake_twilio, account_sid, 5, 6, 7)
    real, calls = images.accept, []

    def down_after_one(*args):
        calls.append(args)
        if len(calls) > 1:
            raise ServiceDown("rasa")
        return real(*args)

    monkeypatch.setattr(images, "accept", down_after_one)
    sid = "MM" + uuid.uuid4().hex
    texts = send_pictures(client, phone, urls, sid=sid)
    assert len(calls) == 2 and stored_sizes(patient_id) == sizes[:1]
    assert texts[-1].startswith("I received 1 of your 3 pictures. I couldn't use pictures 2 and 3 (CareLine had a "
                                "problem).")
    assert send_pictures(client, phone, urls, sid=sid) == []  # kept as answered: a resend would store picture 1 twice


def as_plain_sms(client, body: str) -> list[str]:
    """What another patient at the same point gets for `body` sent as an ordinary SMS, without a picture."""
    phone, _ = consenting(client)
    return [html.unescape(text) for text in messages(post(client, body, phone=phone))]


def escalation_priorities(patient_id: str) -> set[str]:
    return {e.priority for e in escalations.queue() if e.conversation_id == patient_id}


def test_a_red_flag_text_with_its_only_picture_broken_still_gets_the_emergency_advice_first(
        client, patient, fake_twilio, account_sid):
    phone, patient_id = patient
    broken = fake_twilio.add_media(account_sid, png(skin_photo(3))[:2000], "image/png")
    texts = send_mms(client, phone, broken, body=CHEST_PAIN)
    assert texts[:-1] == as_plain_sms(client, CHEST_PAIN)
    assert "911" in texts[0] and "could not open that picture" in texts[-1]
    assert stored(patient_id) == [] and escalation_priorities(patient_id) == {"emergency"}


def test_a_red_flag_text_with_all_of_several_pictures_broken_still_gets_the_emergency_advice_first(
        client, patient, fake_twilio, account_sid):
    phone, patient_id = patient
    broken = fake_twilio.add_media(account_sid, png(skin_photo(3))[:2000], "image/png")
    not_a_picture = fake_twilio.add_media(account_sid, b"not a picture at all", "image/jpeg")
    texts = send_pictures(client, phone, [broken, gone_url(fake_twilio, account_sid), not_a_picture],
                          body=CHEST_PAIN)
    assert texts[:-1] == as_plain_sms(client, CHEST_PAIN)
    assert "911" in texts[0]
    assert texts[-1] == ("I couldn't use any of your 3 pictures: picture 1 (damaged or incomplete), picture 2 "
                         "(download failed), picture 3 (not a JPEG, PNG or WebP photo). Please send them again, or "
                         "describe them in words. In an emergency, call 911.")
    assert stored(patient_id) == [] and escalation_priorities(patient_id) == {"emergency"}


def test_an_ordinary_text_with_a_broken_picture_gets_the_picture_problem_and_its_normal_reply(
        client, patient, fake_twilio, account_sid):
    phone, patient_id = patient
    texts = send_mms(client, phone, gone_url(fake_twilio, account_sid), body="it itches")
    assert texts == [REPLIES["no_picture"], *as_plain_sms(client, "it itches")]
    assert len(texts) > 1 and stored(patient_id) == [] and escalation_priorities(patient_id) == set()
