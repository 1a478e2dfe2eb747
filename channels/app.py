"""Application factory for the gateway."""

from __future__ import annotations

from flask import Flask

from channels import api, errors, sms, webchat
from channels.rasa_client import RasaClient
from channels.settings import Settings

MAX_BODY_BYTES = 64 * 1024


def create_app(settings: Settings | None = None) -> Flask:
    settings = settings or Settings()
    app = Flask(__name__)
    app.config["SETTINGS"] = settings
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES
    app.extensions["rasa"] = RasaClient(settings)
    errors.register(app)
    app.register_blueprint(api.bp)
    app.register_blueprint(sms.bp)
    app.register_blueprint(webchat.bp)
    return app
