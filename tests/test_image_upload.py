"""Images on the web chat: POST /api/v1/chat/<conversation_id>/images, validated and stored by the gateway,
classified by the action server, always escalated, shown to a signed-in nurse only, erased by "forget me"."""

from __future__ import annotations

import io
import os
import struct
import uuid
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from prometheus_client import REGISTRY
from sqlalchemy import select

from channels.console import users
from nursing import escalations, images
from nursing.db import session
from nursing.models import AuditEntry, StoredImage
from scripts.eval_image import skin_photo
from tests.conftest import all_text

ROOT = Path(__file__).resolve().parent.parent
XRAYS = ROOT.parent / "shared" / "imaging" / "pneumoniamnist.npz"
PASSWORD = "correct horse battery staple"
GPS_IFD = 0x8825


def png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def xray_png() -> bytes:
    with np.load(XRAYS) as split:
        images_, labels = split["test_images"], split["test_labels"].ravel()
    return png(Image.fromarray(images_[int(np.flatnonzero(labels == 1)[0])], mode="L"))


@pytest.fixture
def started(chat):
    """A web conversation whose patient has agreed to go on: (send, conversation_id, Authorization header)."""
    chat("hi", "yes")
    return chat, chat.conversation_id, dict(chat.headers)


def upload(client, conversation_id: str, headers: dict, data: bytes, filename: str = "picture.png",
           text: str | None = None):
    form = {"image": (io.BytesIO(data), filename)}
    if text is not None:
        form["text"] = text
    return client.post(f"/api/v1/chat/{conversation_id}/images", data=form, headers=headers,
                       content_type="multipart/form-data")


def stored(conversation_id: str) -> list[StoredImage]:
    with session() as db:
        return list(db.scalars(select(StoredImage).where(StoredImage.conversation_id == conversation_id)))


def refused(client, started, data: bytes, status: int, filename: str = "picture.png") -> dict:
    send, conversation_id, headers = started
    response = upload(client, conversation_id, headers, data, filename)
    body = response.get_json()
    assert response.status_code == status, body
    assert set(body) == {"error"} and body["error"]["code"] and body["error"]["message"]
    assert stored(conversation_id) == []  # nothing half-stored
    assert send("thanks")["messages"]  # and the conversation goes on
    return body


def test_a_chest_xray_from_the_test_split_is_accepted_and_escalated(client, started):
    _, conversation_id, headers = started
    response = upload(client, conversation_id, headers, xray_png(), "xray.png")
    body = response.get_json()
    assert response.status_code == 200, body
    escalation = body["state"]["escalation"]
    assert escalation and escalation["priority"] in ("urgent", "uncertain")
    assert "nurse will look at it" in all_text(body)
    [image] = stored(conversation_id)
    assert image.escalation_id == escalation["id"] and escalations.get(escalation["id"]) is not None
    check = image.check
    assert check["in_distribution"] is True and check["label"] and 0 <= check["probability"] <= 1
    assert check["intended_use"]
    expected = "urgent" if check["above_threshold"] else "uncertain"
    assert escalation["priority"] == expected


def test_a_colour_photo_is_escalated_as_uncertain_with_the_ood_verdict_stored(client, started):
    _, conversation_id, headers = started
    response = upload(client, conversation_id, headers, png(skin_photo(7)), "rash.png")
    body = response.get_json()
    assert response.status_code == 200, body
    assert body["state"]["escalation"]["priority"] == "uncertain"
    text = all_text(body)
    assert "nurse will look at it" in text and "pneumonia" not in text.lower()  # no model output for the patient
    [image] = stored(conversation_id)
    assert image.check["in_distribution"] is False
    assert image.check["verdict"] == "not the kind of image this model knows" and image.check["label"] is None


def test_a_text_file_is_refused_as_not_an_image(client, started):
    refused(client, started, b"my symptoms: cough and fever\n" * 20, 415, "notes.txt")


def test_a_truncated_png_is_refused_as_corrupt(client, started):
    whole = png(skin_photo(3))
    refused(client, started, whole[: len(whole) // 2], 422)


def test_an_upload_over_10_mb_is_refused_as_too_large(client, started):
    big = png(Image.new("L", (32, 32))) + os.urandom(10 * 1024 * 1024 + 1024)
    refused(client, started, big, 413)


def test_a_decompression_bomb_is_refused(client, started):
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header_bomb = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 100_000, 100_000, 8, 0, 0, 0, 0))
                   + chunk(b"IDAT", zlib.compress(b"\0" * 1000)) + chunk(b"IEND", b""))
    body = refused(client, started, header_bomb, 422)
    assert body["error"]["code"] == "image_too_many_pixels"
    compressible = png(Image.new("L", (6000, 6000)))  # 36 million pixels in about 35 kB
    assert len(compressible) < 100_000
    refused(client, started, compressible, 422)


def test_an_upload_without_the_conversation_token_is_refused_like_the_chat(client, started):
    _, conversation_id, headers = started
    for sent in ({}, {"Authorization": "Bearer not-the-token"}):
        response = upload(client, conversation_id, sent, png(skin_photo(1)))
        assert response.status_code == 401
        assert response.get_json()["error"]["code"] == "invalid_conversation_token"
    assert stored(conversation_id) == []


def test_exif_and_gps_are_stripped_from_a_jpeg(client, started):
    _, conversation_id, headers = started
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "Phone 12 serial 0042"  # Model
    exif[GPS_IFD] = {1: "N", 2: (47.0, 36.0, 12.5), 3: "W", 4: (122.0, 19.0, 55.0)}
    out = io.BytesIO()
    skin_photo(5).save(out, "JPEG", exif=exif)
    assert Image.open(io.BytesIO(out.getvalue())).getexif().get_ifd(GPS_IFD)
    response = upload(client, conversation_id, headers, out.getvalue(), "IMG_0042.jpg")
    assert response.status_code == 200, response.get_json()
    [image] = stored(conversation_id)
    kept = images.load(image.id)
    reopened = Image.open(io.BytesIO(kept))
    assert reopened.format == "PNG" and not reopened.getexif() and not reopened.getexif().get_ifd(GPS_IFD)
    assert b"PhoneMaker" not in kept and b"Exif" not in kept and "exif" not in reopened.info
    encrypted = (images.folder() / f"{image.id}{images.SUFFIX}").read_bytes()
    assert kept not in encrypted and not encrypted.startswith(b"\x89PNG")  # encrypted at rest


def test_the_nurse_console_shows_the_image_with_the_models_verdict_and_audits_it(app, client, started):
    _, conversation_id, headers = started
    body = upload(client, conversation_id, headers, png(skin_photo(9)), "rash.png").get_json()
    escalation_id = body["state"]["escalation"]["id"]
    [image] = stored(conversation_id)
    url = f"/console/escalations/{escalation_id}/images/{image.id}"
    nurse_client = app.test_client()
    assert nurse_client.get(url).status_code == 302  # not signed in: the login page, no picture
    nurse = f"nurse-{uuid.uuid4().hex[:6]}"
    users.create(nurse, PASSWORD)
    from tests.test_console import login

    assert login(nurse_client, nurse).status_code == 302
    page = nurse_client.get(f"/console/escalations/{escalation_id}").get_data(as_text=True)
    assert url in page and "not the kind of image this model knows" in page and "Intended use" in page
    assert image.check["intended_use"] in page.replace("&#39;", "'")
    shown = nurse_client.get(url)
    assert shown.status_code == 200 and shown.mimetype == "image/png" and shown.data == images.load(image.id)
    assert shown.headers["Cache-Control"] == "no-store"
    with session() as db:
        actions = set(db.scalars(select(AuditEntry.action).where(AuditEntry.actor == nurse,
                                                                  AuditEntry.escalation_id == escalation_id)))
    assert "show_image" in actions
    assert nurse_client.get(f"/console/escalations/esc_other/images/{image.id}").status_code == 404


def test_forget_me_erases_the_stored_image(client, started):
    send, conversation_id, headers = started
    assert upload(client, conversation_id, headers, png(skin_photo(2))).status_code == 200
    [image] = stored(conversation_id)
    encrypted = images.folder() / f"{image.id}{images.SUFFIX}"
    assert encrypted.exists()
    send("forget me")
    assert "erased" in all_text(send("yes, forget me"))
    assert stored(conversation_id) == [] and not encrypted.exists()


def test_a_red_flag_in_the_text_with_an_image_still_wins(client, started):
    _, conversation_id, headers = started
    scrubs = REGISTRY.get_sample_value("careline_stage_seconds_count", {"stage": "scrub"}) or 0.0
    response = upload(client, conversation_id, headers, png(skin_photo(4)), "rash.png",
                      text="I have crushing chest pain and I can't breathe")
    body = response.get_json()
    assert response.status_code == 200, body
    assert REGISTRY.get_sample_value("careline_stage_seconds_count", {"stage": "scrub"}) == scrubs + 1
    assert body["state"]["escalation"]["priority"] == "emergency"
    assert "911" in all_text(body) and "nurse will look at your picture too" in all_text(body)
    [image] = stored(conversation_id)
    assert image.escalation_id == body["state"]["escalation"]["id"] and image.check["in_distribution"] is False


def test_a_picture_before_consent_reaches_no_nurse_and_is_not_kept(client, chat):
    chat("hi")
    response = upload(client, chat.conversation_id, dict(chat.headers), xray_png(), "xray.png")
    body = response.get_json()
    assert response.status_code == 200, body
    assert body["state"]["escalation"] is None
    assert "need your agreement" in " ".join(m["text"] or "" for m in body["messages"])
    assert stored(chat.conversation_id) == []
