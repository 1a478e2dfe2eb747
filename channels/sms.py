"""POST /sms/twilio: Twilio's inbound webhook, answered with TwiML.

The phone number is identity: it goes to the vault and the conversation gets
an opaque patient id; the number never reaches Rasa, the logs or the LLM.
Pictures (NumMedia > 0, up to Twilio's 10) are fetched from Twilio (channels/mms.py) and each goes, in order,
through the web upload's checks and turn (channels/images.accept), the message's text being the first kept
picture's note, so the patient reads what the web chat would show. One picture that cannot be fetched or used
costs only itself: with several, a last short SMS says how many arrived and which could not be used, and why.
When none is kept, the text goes to the conversation as an ordinary SMS would (a red flag must interrupt even
then), and the reply carries both its answer and the picture problem.
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

from channels import images, mms, shared_state
from channels.conversation import Turn, clean_text, take_turn
from channels.errors import ApiError, ServiceDown
from channels.metrics import count_outage
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
OPTIONS_KEPT_S = 7 * 24 * 3600  # an SMS conversation may pause for days before the patient answers "1"


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
    texts = _handle(form.get("From", ""), (form.get("Body") or "").strip(), mms.media_urls(form))
    if texts is None:
        _release(sid)
    return _twiml(texts if texts is not None else [REPLIES["down"]])


def _handle(phone: str, body: str, media_urls: list[str]) -> list[str] | None:
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
    if not body and not media_urls:
        return [REPLIES["empty"]]
    patient_id = vault.patient_for("phone", phone)
    try:
        return _pictures(patient_id, media_urls, body) if media_urls else _answer(patient_id, [_text(patient_id, body)])
    except ServiceDown as down:  # answered here, not by the 503 handler: counted here (once, as the chat API does)
        count_outage(down)
        return None
    except ApiError as err:
        return [err.message]


def _answer(patient_id: str, turns: list[Turn]) -> list[str]:
    """The turns' messages as SMS, each text once (every picture's turn thanks alike); a number answers the last
    options offered."""
    messages = [m for turn in turns for m in turn.messages]
    options = next((m["buttons"] for m in reversed(messages) if m["buttons"]), [])
    shared_state.current().set(_options_key(patient_id), options, OPTIONS_KEPT_S)
    return list(dict.fromkeys(with_options(m) for m in messages))


def _text(patient_id: str, body: str) -> Turn:
    text = _numbered_answer(patient_id, body)
    return take_turn(current_app.extensions["rasa"], patient_id, clean_text(text, 1600), channel="sms")


def _pictures(patient_id: str, urls: list[str], body: str) -> list[str]:
    """One picture answers exactly as before (the web's answer or its refusal); several add the summary SMS.

    With no picture kept, the text had no picture to ride on: it takes its own turn (_text_alone), so nothing the
    patient wrote is lost and a red flag in it still interrupts.
    """
    turns, failed = _accept_all(patient_id, mms.fetch_all(urls, current_app.config["SETTINGS"].nursing), body)
    if not turns:
        problem = _refusal(failed[1]) if len(urls) == 1 else _summary(len(urls), failed)
        return _text_alone(patient_id, body, problem)
    texts = _answer(patient_id, turns)
    return texts + [_summary(len(urls), failed)] if len(urls) > 1 else texts


def _text_alone(patient_id: str, body: str, problem: str) -> list[str]:
    """The text as an ordinary SMS (same scrubbing and turn), with the picture problem: the emergency advice first,
    as it must be read first; otherwise the problem first, so the options offered stay last for a numbered reply.

    Rasa down raises ServiceDown: no picture was kept, so Twilio's retry stores nothing twice.
    """
    if not body:
        return [problem]
    try:
        turn = _text(patient_id, body)
    except ServiceDown:
        raise
    except ApiError as err:  # the text refused as an SMS would be (too long): both problems are said
        return [problem, err.message]
    texts = _answer(patient_id, [turn])
    return texts + [problem] if _emergency(turn) else [problem, *texts]


def _emergency(turn: Turn) -> bool:
    """The conversation's result is an emergency (advised now, or a reminder of it heads the reply)."""
    return (turn.state.get("triage") or {}).get("level") == "emergency"


def _accept_all(patient_id: str, fetched: list[bytes | Exception], body: str) -> tuple[list[Turn], dict[int, Exception]]:
    """Each fetched picture in order through the web upload's path; the refused ones by number (from 1), with why.

    The text is the note of the first picture kept only, so a red flag in it is answered once. Rasa down before any
    picture was kept raises ServiceDown (the webhook asks for the message again); after, the rest are not tried and
    are reported, so a resent message does not store the kept ones twice.
    """
    turns: list[Turn] = []
    failed: dict[int, Exception] = {}
    for number, data in enumerate(fetched, 1):
        if not isinstance(data, bytes):
            failed[number] = data
            continue
        try:
            turns.append(images.accept(patient_id, data, "" if turns else body, "sms"))
        except ServiceDown as err:
            if not turns:
                raise
            failed.update(dict.fromkeys(range(number, len(fetched) + 1), err))
            break
        except ApiError as err:
            failed[number] = err
    return turns, failed


def _refusal(err: Exception) -> str:
    """A lone picture's refusal, as the web gives it; a failed fetch gets "couldn't get your picture"."""
    if isinstance(err, ApiError):
        return err.message
    log.warning("MMS picture not fetched: %s", err)
    return REPLIES["no_picture"]


# Why a picture of several was not used, in a few words (the web's full refusals would make the SMS too long).
PICTURE_REASONS = {"image_too_large": "over 10 MB", "unsupported_image_type": "not a JPEG, PNG or WebP photo",
                   "unreadable_image": "damaged or incomplete", "image_too_many_pixels": "too many pixels",
                   "service_unavailable": "CareLine had a problem"}


def _why(err: Exception) -> str:
    if isinstance(err, mms.MediaUnavailable):
        log.warning("MMS picture not fetched: %s", err)
        return "download failed"
    return PICTURE_REASONS.get(getattr(err, "code", ""), "could not be used")


def _summary(count: int, failed: dict[int, Exception]) -> str:
    """How many of the message's pictures arrived and, grouped by reason, which did not: one SMS even for 10."""
    if not failed:
        return f"I received all {count} of your pictures."
    by_reason: dict[str, list[int]] = {}
    for number, err in failed.items():
        by_reason.setdefault(_why(err), []).append(number)
    which = ", ".join(f"{_numbered(numbers)} ({why})" for why, numbers in by_reason.items())
    them, kept = ("it" if len(failed) == 1 else "them"), count - len(failed)
    head = f"I received {kept} of your {count} pictures. I couldn't use " if kept else \
        f"I couldn't use any of your {count} pictures: "
    return f"{head}{which}. Please send {them} again, or describe {them} in words." + \
        ("" if kept else " In an emergency, call 911.")


def _numbered(numbers: list[int]) -> str:
    """[2] -> "picture 2"; [2, 3, 5] -> "pictures 2, 3 and 5"."""
    if len(numbers) == 1:
        return f"picture {numbers[0]}"
    return "pictures " + ", ".join(map(str, numbers[:-1])) + f" and {numbers[-1]}"


def _numbered_answer(patient_id: str, body: str) -> str:
    """ "1" means the first option we offered last time."""
    options = shared_state.current().get(_options_key(patient_id)) or []
    if body.isdigit() and 1 <= int(body) <= len(options):
        return options[int(body) - 1]["payload"]
    return body


def _options_key(patient_id: str) -> str:
    """The options last offered live in the shared state: the answer may reach another worker."""
    return f"sms-options:{patient_id}"
