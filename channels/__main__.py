"""Serve the gateway: python -m channels.

GATEWAY_WORKERS=1 (the default, `make run`): one process under waitress, re-sending unacknowledged on-call alerts
in a thread. More: gunicorn with that many worker processes (the scaled configuration); the alerts re-sender then
runs once, as its own process (`python -m channels alerts`), because in each worker it would page the on-call nurse
once per worker.
"""

import logging
import os
import sys
import threading

from gunicorn.app.base import BaseApplication
from waitress import serve

from channels.app import RequestFields, create_app
from channels.privacy.logging import JsonFormatter, ScrubbingFormatter
from channels.settings import Settings
from nursing import alerts, db, vault


class GunicornGateway(BaseApplication):
    """The app is made once, before the workers fork, so one process runs the migrations and makes the secrets and
    the development user instead of several racing to; each worker then drops the database connections it
    inherited."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.application = create_app(settings)
        vault.key()
        super().__init__()

    def load_config(self) -> None:
        settings = self.settings
        options = {"bind": f"{settings.host}:{settings.port}", "workers": settings.gateway_workers,
                   "worker_class": "gthread", "threads": settings.gateway_threads,
                   "timeout": int(settings.rasa_timeout_s * 2), "post_fork": _fresh_connections}
        for name, value in options.items():
            self.cfg.set(name, value)

    def load(self):
        return self.application


def _fresh_connections(_server, _worker) -> None:
    db.engine().dispose(close=False)


def log_formatter() -> logging.Formatter:
    """LOG_FORMAT=json (the default): one JSON object a line, with the request's id; text: the classic line."""
    if os.environ.get("LOG_FORMAT", "json").lower() == "text":
        return ScrubbingFormatter("%(asctime)s %(levelname)s %(name)s %(message)s")
    return JsonFormatter()


def configure_logging() -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(log_formatter())
    handler.addFilter(RequestFields())
    logging.basicConfig(level=logging.INFO, handlers=[handler])
    logging.getLogger("presidio-analyzer").setLevel(logging.WARNING)


def main(argv: list[str]) -> None:
    configure_logging()
    settings = Settings()
    if argv == ["alerts"]:
        alerts.resend_forever(settings.alert_resend_s)
    elif settings.gateway_workers > 1:
        GunicornGateway(settings).run()
    else:
        threading.Thread(target=alerts.resend_forever, args=(settings.alert_resend_s,), daemon=True).start()
        serve(create_app(settings), host=settings.host, port=settings.port, threads=settings.gateway_threads)


if __name__ == "__main__":
    main(sys.argv[1:])
