"""Application factory for the gateway."""

from __future__ import annotations

import secrets

from flask import Flask, Response, request

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


def secret_key(settings: Settings) -> str:
    """CARELINE_SECRET_KEY, or one generated once into the data dir (outside git)."""
    return secret_from(settings.secret_key, settings.data_dir / "secret.key",
                       lambda: secrets.token_urlsafe(48).encode()).decode()


def create_app(settings: Settings | None = None) -> Flask:
    settings = settings or Settings()
    app = Flask(__name__)
    app.config["SETTINGS"] = settings
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
    return app


def security_headers(response: Response) -> Response:
    """The chat page and the widget set their own embedding policy (ALLOWED_EMBED_ORIGINS); staff areas get ours."""
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    if request.path.split("/")[1] in STAFF_AREAS:
        response.headers.update(STAFF_HEADERS)
    return response
