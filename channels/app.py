"""Application factory for the gateway."""

from __future__ import annotations

import logging
import re
import secrets
import time
import uuid

from flask import Flask, Response, g, has_request_context, request

from channels import api, errors, fhir, images, limits, metrics, sms, webchat
from channels.console import admin, users, views
from channels.settings import Settings
from nursing.settings import secret_from

MAX_BODY_BYTES = 64 * 1024
# Console and FHIR pages: no inline script or style, never framed, never cached (they show patients' details).
STAFF_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
                               "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
STAFF_AREAS = ("console", "fhir")
# An incoming X-Request-ID (a proxy's, a client's) is kept when it is this plain; anything else gets a fresh one.
REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{8,128}")
access_log = logging.getLogger("channels.access")


def secret_key(settings: Settings) -> str:
    """CARELINE_SECRET_KEY, or one generated once into the data dir (outside git)."""
    return secret_from(settings.secret_key, settings.data_dir / "secret.key",
                       lambda: secrets.token_urlsafe(48).encode()).decode()


def create_app(settings: Settings | None = None) -> Flask:
    settings = settings or Settings()
    app = Flask(__name__)
    app.config["SETTINGS"] = settings
    app.before_request(_start_request)
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES
    app.config.update(SECRET_KEY=secret_key(settings), SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Strict",
                      SESSION_COOKIE_SECURE=settings.production)
    if settings.production and not settings.public_base_url:
        raise RuntimeError("refusing to start in production without PUBLIC_BASE_URL (Twilio signatures need it)")
    if settings.production and users.has_default_password():
        raise RuntimeError("refusing to start in production with the development nurse password")
    if not settings.production:
        users.ensure_development_user()
    app.extensions["rasa"] = metrics.InstrumentedRasaClient(settings)
    errors.register(app)
    app.register_blueprint(api.bp)
    app.register_blueprint(sms.bp)
    app.register_blueprint(webchat.bp)
    app.register_blueprint(views.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(fhir.bp)
    app.register_blueprint(images.bp)
    metrics.init_app(app)
    limits.init_app(app, settings)
    app.after_request(security_headers)
    app.after_request(_finish_request)
    return app


def _start_request() -> None:
    incoming = request.headers.get("X-Request-ID", "")
    g.request_id = incoming if REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
    g.request_started = time.perf_counter()


def _finish_request(response: Response) -> Response:
    """Hand the id back (so a patient's report or a proxy's log finds our lines) and write the access line."""
    response.headers["X-Request-ID"] = g.request_id
    duration_ms = round((time.perf_counter() - g.request_started) * 1000, 1)
    access_log.info("%s %s %s", request.method, logged_path(), response.status_code,
                    extra={"status": response.status_code, "duration_ms": duration_ms})
    return response


def logged_path() -> str:
    """The route ("/api/v1/chat/<conversation_id>/updates"), not the path: no id and nothing a client typed reaches
    a log through it (the formatter scrubs the message, not this field)."""
    return request.url_rule.rule if request.url_rule else "<unmatched>"


class RequestFields(logging.Filter):
    """Stamps every line logged while a request is handled with its id, method and path (set on the handler)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if has_request_context() and "request_id" in g:
            record.request_id, record.method, record.path = g.request_id, request.method, logged_path()
        return True


def security_headers(response: Response) -> Response:
    """The chat page and the widget set their own embedding policy (ALLOWED_EMBED_ORIGINS); staff areas get ours."""
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    if request.path.split("/")[1] in STAFF_AREAS:
        response.headers.update(STAFF_HEADERS)
    return response
