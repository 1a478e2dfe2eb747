"""POST /sms/twilio: Twilio's inbound webhook, answered with TwiML.

The phone number is identity: it goes to the vault and the conversation gets
an opaque patient id; the number never reaches Rasa, the logs or the LLM.
A picture (NumMedia > 0) is fetched from Twilio (channels/mms.py) and goes through the web upload's
checks and turn (channels/images.accept), with the message's text as its note, so the patient reads
what the web chat would show.
"""

from __future__ import annotations

import ipaddress
import logging
from urllib.parse import parse_qsl, urlsplit

from flask import Blueprint, Response, current_app, request
from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import MessagingResponse

from channels import images, mms
from channels.conversation import Turn, clean_text, take_turn
from channels.errors import ApiError, ServiceDown
from channels.sms_format import with_options
from nursing import vault
from nursing.db import session
from nursing.models import OptOut, ProcessedMessage
from nursing.sms import split

bp = Blueprint("sms", __name__)
log = logging.getLogger(__name__)
STOP_WORDS = {"stop", "stopall", "unsubscribe", "cancel", "end", "quit"}
START_WORDS = {"start", "unstop", "yes start"}
HELP_WORDS = {"help", "info"}
REPLIES = {
    "stopped": "You're unsubscribed from CareLine and will get no more messages. Reply START to come back. "
               "In an emergency, call 911.",
    "started": "Welcome back to CareLine. Say hi to begin.",
    "help": "CareLine is your clinic's virtual assistant: it helps you decide where to get care and can pass "
            "you to a nurse (reply NURSE). It is not for emergencies: call 911. Reply STOP to unsubscribe.",
    "no_picture": "Sorry, I couldn't get your picture. Please send it again, or describe it in words. "
                  "In an emergency, call 911.",
    "empty": "Please type your message in words. In an emergency, call 911.",
    "down": "Sorry, CareLine is having a problem right now. Please send your message again in a few minutes. "
            "If this is an emergency, call 911 now.",
}
_last_buttons: dict[str, list[dict]] = {}


def _twiml(texts: list[str]) -> Response:
    reply = MessagingResponse()
    for text in texts:
        for piece in split(text):
            reply.message(piece)
    return Response(str(reply), mimetype="application/xml")


def _form() -> dict[str, str] | None:
    """The webhook's fields, or None when the body is not valid UTF-8 (Werkzeug would silently drop fields)."""
    try:
        return dict(parse_qsl(request.get_data().decode("utf-8"), keep_blank_values=True, errors="strict"))
    except UnicodeDecodeError:
        return None


def _signed(form: dict[str, str]) -> bool:
    settings = current_app.config["SETTINGS"]
    if not settings.twilio_auth_token:
        log.warning("TWILIO_AUTH_TOKEN is not set: refusing SMS webhooks")
        return False
    if settings.public_base_url:
        url = settings.public_base_url.rstrip("/") + request.full_path.rstrip("?")
    elif _loopback(request.host):
        url = request.url
    else:
        log.warning("SMS webhook with a non-loopback Host and no PUBLIC_BASE_URL: refused")
        return False
    return RequestValidator(settings.twilio_auth_token).validate(
        url, form, request.headers.get("X-Twilio-Signature", ""))


def _loopback(host: str) -> bool:
    """Without PUBLIC_BASE_URL the signed URL comes from the client's Host header, so only trust our own machine."""
    name = urlsplit(f"//{host}").hostname or ""
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def _claim(sid: str) -> bool:
    """Record the MessageSid before the turn: the unique key lets exactly one of concurrent retries through."""
    with session() as db:
        db.add(ProcessedMessage(sid=sid))
        try:
            db.commit()
            return True
        except IntegrityError:
            db.rollback()
            return False


def _release(sid: str) -> None:
    """The turn could not run: forget the MessageSid so Twilio's retry is answered."""
    with session() as db:
        db.execute(delete(ProcessedMessage).where(ProcessedMessage.sid == sid))
        db.commit()


def _set_opt_out(phone: str, out: bool) -> None:
    lookup = vault.lookup_hash("phone", phone)
    with session() as db:
        row = db.get(OptOut, lookup)
        if out and not row:
            db.add(OptOut(lookup=lookup))
        if not out and row:
            db.delete(row)
        db.commit()


def _opted_out(phone: str) -> bool:
    with session() as db:
        return db.get(OptOut, vault.lookup_hash("phone", phone)) is not None


@bp.post("/sms/twilio")
def inbound():
    form = _form()
    if form is None:
        return Response("the body is not valid UTF-8", status=400, mimetype="text/plain")
    if not _signed(form):
        return Response("forbidden", status=403, mimetype="text/plain")
    sid = form.get("MessageSid", "")
    if not sid:
        return Response("MessageSid is missing", status=400, mimetype="text/plain")
    if not _claim(sid):
        return _twiml([])
    texts = _handle(form.get("From", ""), (form.get("Body") or "").strip(), _media_url(form))
    if texts is None:
        _release(sid)
    return _twiml(texts if texts is not None else [REPLIES["down"]])


def _media_url(form: dict[str, str]) -> str | None:
    """The first picture's URL when the message carries media ("" if Twilio gave none), else None."""
    count = form.get("NumMedia", "0")
    return form.get("MediaUrl0", "") if count.isdigit() and int(count) > 0 else None


def _handle(phone: str, body: str, media_url: str | None) -> list[str] | None:
    keyword = body.lower().strip(" .!")
    if keyword in STOP_WORDS:
        _set_opt_out(phone, True)
        return [REPLIES["stopped"]]
    if keyword in START_WORDS:
        _set_opt_out(phone, False)
        return [REPLIES["started"]]
    if _opted_out(phone):
        return []
    if keyword in HELP_WORDS:
        return [REPLIES["help"]]
    if not body and media_url is None:
        return [REPLIES["empty"]]
    patient_id = vault.patient_for("phone", phone)
    try:
        turn = _picture(patient_id, media_url, body) if media_url is not None else _text(patient_id, body)
    except ServiceDown:
        return None
    except mms.MediaUnavailable as err:
        log.warning("MMS picture not fetched: %s", err)
        return [REPLIES["no_picture"]]
    except ApiError as err:
        return [err.message]
    _last_buttons[patient_id] = next((m["buttons"] for m in reversed(turn.messages) if m["buttons"]), [])
    return [with_options(m) for m in turn.messages]


def _text(patient_id: str, body: str) -> Turn:
    text = _numbered_answer(patient_id, body)
    return take_turn(current_app.extensions["rasa"], patient_id, clean_text(text, 1600), channel="sms")


def _picture(patient_id: str, media_url: str, body: str) -> Turn:
    """The message's text goes with the picture as its note, as the web upload's optional text does."""
    data = mms.fetch(media_url, current_app.config["SETTINGS"].nursing)
    return images.accept(patient_id, data, body, "sms")


def _numbered_answer(patient_id: str, body: str) -> str:
    """ "1" means the first option we offered last time."""
    options = _last_buttons.get(patient_id) or []
    if body.isdigit() and 1 <= int(body) <= len(options):
        return options[int(body) - 1]["payload"]
    return body
