"""The public API's request and reply models, and the OpenAPI 3 document built from them (GET /api/openapi.json).

One source of truth: POST /api/v1/chat and the ack endpoint validate their bodies with the same pydantic models
whose JSON schemas the document publishes. Replies are described by models too (the tests check real replies
against them).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, create_model, model_validator

from channels.conversation import CONVERSATION_ID, clean_text
from channels.errors import ApiError
from channels.settings import Settings

MAX_TEXT_CHARS = Settings.max_text_chars
ID_PATTERN = f"^{CONVERSATION_ID.pattern}$"


class ChatRequest(BaseModel):
    """One patient message. Without conversation_id a new conversation starts; its first answer carries the
    conversation_token every later request must send as `Authorization: Bearer <token>`."""

    model_config = ConfigDict(strict=True, extra="ignore")
    conversation_id: str | None = Field(None, pattern=ID_PATTERN, max_length=64,
                                        description="Letters, digits, '_' or '-'; omit it to start a conversation.")
    text: str = Field(description="The message. Control characters are removed and the rest trimmed; it must not "
                                  "be empty then.",
                      json_schema_extra={"minLength": 1, "maxLength": MAX_TEXT_CHARS})

    @model_validator(mode="after")
    def _clean(self, info: ValidationInfo) -> ChatRequest:
        # Runs once the fields' types are right. ApiError is not a ValueError, so pydantic lets it through and
        # the client gets the API's own code (empty_text, text_too_long).
        self.text = clean_text(self.text, (info.context or {}).get("max_text_chars", MAX_TEXT_CHARS))
        return self


class AckRequest(BaseModel):
    model_config = ConfigDict(strict=True, extra="ignore")
    ids: list[Annotated[int, Field(ge=0, le=2**63 - 1)]] = Field(
        description="The message ids /updates returned that the page has shown.")


# Which error code a field's validation failure gets (the codes the API has always answered with).
FIELD_ERRORS = {
    "conversation_id": ("invalid_conversation_id", "conversation_id must be 1-64 characters: letters, digits, "
                                                   "'_' or '-'."),
    "text": ("invalid_text", "text must be a string."),
    "ids": ("invalid_ids", "ids must be a list of the message ids /updates returned."),
}


def parse(model: type[BaseModel], body: dict, **context: Any) -> BaseModel:
    """The body as `model`, or the ApiError of its first bad field."""
    try:
        return model.model_validate(body, context=context)
    except ValidationError as err:
        for name in (str(e["loc"][0]) for e in err.errors() if e["loc"]):
            if name in FIELD_ERRORS:
                raise ApiError(400, *FIELD_ERRORS[name]) from err
        raise ApiError(400, "invalid_body", "The request body does not match the API (see /api/openapi.json).") \
            from err


class Button(BaseModel):
    title: str
    payload: str


class Message(BaseModel):
    text: str
    buttons: list[Button]


class Triage(BaseModel):
    level: str
    reasons: list[str] = []
    advice: str = ""


class EscalationState(BaseModel):
    id: str
    priority: str
    status: str


class AnswerState(BaseModel):
    citations: list[Any]
    grounded: bool


class ConversationState(BaseModel):
    requested_slot: str | None
    triage: Triage | None
    escalation: EscalationState | None
    answer: AnswerState | None = None


class ChatReply(BaseModel):
    conversation_id: str
    messages: list[Message]
    state: ConversationState
    conversation_token: str | None = Field(None, description="Only in the first answer of a conversation.")


class NurseMessage(BaseModel):
    id: int
    text: str
    buttons: list[Button]


class Updates(BaseModel):
    messages: list[NurseMessage]


class AckReply(BaseModel):
    acknowledged: int = Field(description="How many of the ids were newly delivered.")


class Health(BaseModel):
    status: Literal["ok", "unavailable"]
    parts: dict[str, bool]
    down: list[str]


class ErrorDetail(BaseModel):
    code: str = Field(description="Stable, machine-readable (invalid_json, invalid_text, rate_limited, ...).")
    message: str = Field(description="For the patient; never a stack trace.")


class Error(BaseModel):
    error: ErrorDetail


class _SmsMessage(BaseModel):
    """The webhook's fixed fields; SmsWebhook adds one MediaUrl per picture."""

    From: str = Field(description="The patient's phone number (goes to the identity vault only).")
    Body: str = Field("", description="The text; with pictures, the note of the first one kept.")
    MessageSid: str = ""
    NumMedia: str = Field("0", description="How many pictures; at most 10 are fetched, whatever it says.")


MAX_MEDIA = 10  # Twilio's limit per message; channels/mms fetches no more than this
# Schema only (no route validates the webhook with it): one MediaUrl field per picture Twilio can send, generated
# rather than written out ten times. MediaContentTypeN is not listed: the type is read from the bytes, not trusted.
SmsWebhook = create_model(
    "SmsWebhook", __base__=_SmsMessage,
    __doc__="Twilio's inbound message webhook (form fields; more are sent and ignored).",
    **{f"MediaUrl{i}": (str, Field("", description=f"Picture {i + 1} (NumMedia > {i}): fetched from Twilio with the "
                                                   "account's credentials and checked like POST "
                                                   "/api/v1/chat/{conversation_id}/images, in order."))
       for i in range(MAX_MEDIA)},
)


MODELS = (ChatRequest, AckRequest, ChatReply, Updates, AckReply, Health, Error, SmsWebhook)


def _ref(model: type[BaseModel]) -> dict:
    return {"$ref": f"#/components/schemas/{model.__name__}"}


def _json(model: type[BaseModel], description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": _ref(model)}}}


def _errors(*statuses: int) -> dict:
    text = {400: "Bad body or parameter", 401: "Missing or wrong conversation_token", 404: "Not found",
            413: "Body, text or picture too large", 415: "Not JSON (a picture: not multipart, or not JPEG, PNG or WebP)",
            422: "The picture is corrupt, truncated or has too many pixels", 429: "Rate limited (see Retry-After)",
            503: "A part of CareLine is down; send it again (the message was not processed)"}
    wait = {429: "Seconds until the limit resets.", 503: "Seconds to wait before sending it again."}
    out = {str(s): _json(Error, text[s]) for s in statuses}
    for status in wait.keys() & set(statuses):
        out[str(status)]["headers"] = {"Retry-After": {"schema": {"type": "integer"}, "description": wait[status]}}
    return out


def _schemas() -> dict:
    schemas: dict[str, Any] = {}
    for model in MODELS:
        schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
        schemas.update(schema.pop("$defs", {}))
        schemas[model.__name__] = schema
    return schemas


CONVERSATION_PARAM = {"name": "conversation_id", "in": "path", "required": True,
                      "schema": {"type": "string", "pattern": ID_PATTERN}}
FHIR_JSON = {"application/fhir+json": {"schema": {"type": "object"}}}
IMAGE_TYPES = "image/jpeg, image/png, image/webp"
# Multipart, so no pydantic model validates it: channels/images.py checks the fields and the picture's bytes.
IMAGE_UPLOAD = {"multipart/form-data": {
    "schema": {"type": "object", "required": ["image"], "properties": {
        "image": {"type": "string", "contentMediaType": "application/octet-stream",
                  "description": "The picture: JPEG, PNG or WebP (the type is read from the bytes), at most 10 MB "
                                 "and IMAGE_MAX_PIXELS pixels. Stored re-encoded as PNG without metadata."},
        "text": {"type": "string", "maxLength": MAX_TEXT_CHARS,
                 "description": "Optional words with the picture; red flags in them are answered as in any message."},
    }},
    "encoding": {"image": {"contentType": IMAGE_TYPES}},
}}
STAFF = [{"consoleSession": []}]


def document() -> dict:
    bearer = [{"conversationToken": []}]
    return {
        "openapi": "3.1.0",
        "info": {"title": "CareLine gateway", "version": "1",
                 "description": "The patient-facing chat API, Twilio's SMS webhook and the staff FHIR reads. "
                                "Every error is {\"error\": {\"code\", \"message\"}}."},
        "paths": {
            "/api/v1/chat": {"post": {
                "summary": "Send one patient message, get CareLine's answers",
                "security": [{}, *bearer],
                "requestBody": {"required": True, "content": {"application/json": {"schema": _ref(ChatRequest)}}},
                "responses": {"200": _json(ChatReply, "The answers and the conversation's state"),
                              **_errors(400, 401, 413, 415, 429, 503)},
            }},
            "/api/v1/chat/{conversation_id}/updates": {"get": {
                "summary": "Nurse replies this web chat has not acknowledged yet",
                "security": bearer, "parameters": [CONVERSATION_PARAM],
                "responses": {"200": _json(Updates, "Undelivered nurse replies"), **_errors(400, 401, 429)},
            }},
            "/api/v1/chat/{conversation_id}/updates/ack": {"post": {
                "summary": "The page showed these nurse replies",
                "security": bearer, "parameters": [CONVERSATION_PARAM],
                "requestBody": {"required": True, "content": {"application/json": {"schema": _ref(AckRequest)}}},
                "responses": {"200": _json(AckReply, "Acknowledged"), **_errors(400, 401, 413, 415, 429)},
            }},
            "/api/v1/chat/{conversation_id}/images": {"post": {
                "summary": "Send a picture for a nurse; the answer is a chat turn's, with state.escalation set",
                "security": bearer, "parameters": [CONVERSATION_PARAM],
                "requestBody": {"required": True, "content": IMAGE_UPLOAD},
                "responses": {"200": _json(ChatReply, "The answers and the conversation's state"),
                              **_errors(400, 401, 413, 415, 422, 429, 503)},
            }},
            "/healthz": {"get": {
                "summary": "Whether the gateway, Rasa and the action server answer",
                "responses": {"200": _json(Health, "All parts up"), "503": _json(Health, "Some part is down")},
            }},
            "/sms/twilio": {"post": {
                "summary": "Twilio's inbound SMS webhook (signed with X-Twilio-Signature), answered with TwiML",
                "parameters": [{"name": "X-Twilio-Signature", "in": "header", "required": True,
                                "schema": {"type": "string"}}],
                "requestBody": {"required": True, "content": {
                    "application/x-www-form-urlencoded": {"schema": _ref(SmsWebhook)}}},
                "responses": {"200": {"description": "TwiML messages",
                                      "content": {"application/xml": {"schema": {"type": "string"}}}},
                              "403": {"description": "Missing or wrong X-Twilio-Signature",
                                      "content": {"text/plain": {"schema": {"type": "string"}}}},
                              **_errors(400, 413)},
            }},
            "/fhir/Questionnaire/careline-intake": {"get": {
                "summary": "The intake form as a FHIR R5 Questionnaire",
                "responses": {"200": {"description": "Questionnaire", "content": FHIR_JSON}},
            }},
            "/fhir/QuestionnaireResponse/{escalation_id}": {"get": {
                "summary": "An escalation's intake answers (staff only; every read is audited)",
                "security": STAFF, "parameters": [_path("escalation_id")],
                "responses": {"200": {"description": "QuestionnaireResponse", "content": FHIR_JSON},
                              "302": {"description": "Not signed in: to the console sign-in"}, **_errors(404)},
            }},
            "/fhir/Flag/{escalation_id}-flag": {"get": {
                "summary": "An escalation's priority as a FHIR Flag (staff only; every read is audited)",
                "security": STAFF, "parameters": [_path("escalation_id")],
                "responses": {"200": {"description": "Flag",
                                      "content": {"application/json": {"schema": {"type": "object"}}}},
                              "302": {"description": "Not signed in: to the console sign-in"}, **_errors(404)},
            }},
            "/metrics": {"get": {
                "summary": "Prometheus metrics (text exposition format)",
                "responses": {"200": {"description": "Metrics", "content": {"text/plain": {"schema": {"type": "string"}}}}},
            }},
        },
        "components": {
            "schemas": _schemas(),
            "securitySchemes": {
                "conversationToken": {"type": "http", "scheme": "bearer",
                                      "description": "The conversation_token of the conversation's first answer."},
                "consoleSession": {"type": "apiKey", "in": "cookie", "name": "session",
                                   "description": "A signed-in nurse's console session."},
            },
        },
    }


def _path(name: str) -> dict:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
