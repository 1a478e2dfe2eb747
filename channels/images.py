"""POST /api/v1/chat/<conversation_id>/images: a patient shows the nurses a picture.

The gateway validates and stores; the action server classifies (actions/images.py). Authorised like every
later turn of the chat (the conversation token as a bearer). Before anything is kept, Pillow sniffs the real
type from the bytes (JPEG, PNG or WebP), the size and the pixel count are capped (decompression bombs
refused), and the image is fully decoded (corrupt or truncated files refused), then re-encoded as a PNG with
no EXIF or other metadata (GPS positions and device ids are PHI). Each refusal is the chat API's JSON
error with a plain message, and nothing is stored. Then Rasa gets `/image_uploaded{"image_id": ...}`, and
the answer has the shape of POST /api/v1/chat with state.escalation set.

MMS (NumMedia on the Twilio webhook, channels/sms.py) hands each fetched picture of a message (up to 10) to
`accept`, one at a time and in order, the same path: each is its own stored image and turn.
"""

from __future__ import annotations

import io
import json
import warnings

from flask import Blueprint, current_app, jsonify, request
from PIL import Image, ImageOps, UnidentifiedImageError
from werkzeug.exceptions import RequestEntityTooLarge

from channels.api import _authorize
from channels.conversation import Turn, check_conversation_id, clean_text, scrub, send_turn
from channels.errors import ApiError
from nursing import images

bp = Blueprint("images", __name__)

MAX_IMAGE_BYTES = 10 * 1024 * 1024
MULTIPART_OVERHEAD = 64 * 1024  # the form's boundaries, headers and optional text
FORMATS = ("JPEG", "PNG", "WEBP")
KEPT_MODES = ("L", "LA", "RGB", "RGBA")


def too_large() -> ApiError:
    return ApiError(413, "image_too_large", "That picture is too large. Please send one under 10 MB.")


def _not_an_image() -> ApiError:
    return ApiError(415, "unsupported_image_type",
                    "That file is not a picture we can take. Please send a photo as JPEG, PNG or WebP.")


def _unreadable() -> ApiError:
    return ApiError(422, "unreadable_image",
                    "We could not open that picture: it may be damaged or incomplete. Please take or send it again.")


def _too_many_pixels() -> ApiError:
    return ApiError(422, "image_too_many_pixels",
                    "That picture has too many pixels for us to open. Please send a smaller photo or a screenshot.")


def clean_png(data: bytes, pixel_cap: int | None = None) -> tuple[bytes, int, int]:
    """The upload re-encoded as a PNG without metadata, or the ApiError that refuses it."""
    pixel_cap = pixel_cap or current_app.config["SETTINGS"].image_max_pixels
    Image.MAX_IMAGE_PIXELS = pixel_cap
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data), formats=FORMATS)
        except UnidentifiedImageError as err:
            raise _not_an_image() from err
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as err:
            raise _too_many_pixels() from err
        except (OSError, SyntaxError, ValueError) as err:
            raise _unreadable() from err
        width, height = image.size
        if width < 1 or height < 1:
            raise _unreadable()
        if width * height > pixel_cap:
            raise _too_many_pixels()
        try:
            image.load()  # every pixel decoded: a truncated or corrupt file fails here
            image = ImageOps.exif_transpose(image)  # shown the way it was taken, then the EXIF is dropped
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as err:
            raise _too_many_pixels() from err
        except (OSError, SyntaxError, ValueError, EOFError) as err:
            raise _unreadable() from err
    if image.mode not in KEPT_MODES:
        image = image.convert("RGBA" if "A" in image.getbands() or "transparency" in image.info else "RGB")
    bare = Image.frombytes(image.mode, image.size, image.tobytes())  # pixels only: no EXIF, ICC, text chunks
    out = io.BytesIO()
    bare.save(out, "PNG", optimize=False)
    return out.getvalue(), bare.width, bare.height


def _upload() -> tuple[bytes, str]:
    """The image's bytes and the optional text, with the size checked before the body is read."""
    if (request.content_length or 0) > MAX_IMAGE_BYTES + MULTIPART_OVERHEAD:
        raise too_large()
    request.max_content_length = MAX_IMAGE_BYTES + MULTIPART_OVERHEAD  # this route only; the app's stays small
    if request.mimetype != "multipart/form-data":
        raise ApiError(415, "unsupported_media_type",
                       "Send the picture as multipart/form-data, in the field 'image'.")
    try:
        upload = request.files.get("image")
        text = request.form.get("text") or ""
    except RequestEntityTooLarge as err:
        raise too_large() from err
    if upload is None:
        raise ApiError(400, "missing_image", "Attach the picture in the field 'image'.")
    data = upload.read(MAX_IMAGE_BYTES + 1)
    if len(data) > MAX_IMAGE_BYTES:
        raise too_large()
    if not data:
        raise _unreadable()
    return data, text


@bp.post("/api/v1/chat/<conversation_id>/images")
def upload_image(conversation_id: str):
    conversation_id = check_conversation_id(conversation_id)
    _authorize(conversation_id)
    data, text = _upload()
    turn = accept(conversation_id, data, text, "web")
    return jsonify({**turn.as_json(), "conversation_id": conversation_id})


def accept(conversation_id: str, data: bytes, text: str, channel: str) -> Turn:
    """Validate, store and hand a picture to Rasa: one path for the web upload and MMS, so both refuse and answer alike.

    Raises the ApiError of a refused picture before anything is stored; a failed turn discards what was stored.
    """
    png, width, height = clean_png(data)
    note = _note(conversation_id, text)
    image_id = images.store(conversation_id, png, width, height)
    message = "/image_uploaded" + json.dumps({"image_id": image_id, "image_note": note}, separators=(",", ":"))
    try:
        return send_turn(current_app.extensions["rasa"], conversation_id, message, channel)
    except Exception:
        images.discard(image_id)  # the turn never happened: keep nothing; the patient can send it again
        raise


def _note(conversation_id: str, text: str) -> str:
    """The patient's words with the picture, scrubbed at the edge like any message (empty when none)."""
    if not text.strip():
        return ""
    settings = current_app.config["SETTINGS"]
    return scrub(conversation_id, clean_text(text, settings.max_text_chars), None)
