"""Serve the gateway: python -m channels.

GATEWAY_WORKERS=1 (the default, `make run`): one process under waitress, re-sending unacknowledged on-call alerts
in a thread. More: gunicorn with that many worker processes (the scaled configuration); the alerts re-sender then
runs once, as its own process (`python -m channels alerts`), because in each worker it would page the on-call nurse
once per worker.

Nothing that imports prometheus_client (channels.app, via channels.metrics) is imported at the top of this module:
prometheus_client picks its multiprocess mode from PROMETHEUS_MULTIPROC_DIR when it is imported, so main() sets that
first (share_metrics).
"""

import logging
import os
import sys
import threading

from gunicorn import glogging
from gunicorn.app.base import BaseApplication
from waitress import serve

from channels.privacy.logging import JsonFormatter, ScrubbingFormatter
from channels.settings import Settings
from nursing import alerts, db, vault


class GunicornGateway(BaseApplication):
    """The app is made once, before the workers fork, so one process runs the migrations and makes the secrets and
    the development user instead of several racing to; each worker then drops the database connections it
    inherited."""

    def __init__(self, settings: Settings):
        from channels.app import create_app

        self.settings = settings
        self.application = create_app(settings)
        vault.key()
        super().__init__()

    def load_config(self) -> None:
        settings = self.settings
        options = {"bind": f"{settings.host}:{settings.port}", "workers": settings.gateway_workers,
                   "worker_class": "gthread", "threads": settings.gateway_threads,
                   "timeout": int(settings.rasa_timeout_s * 2), "post_fork": _fresh_connections,
                   "child_exit": _worker_gone, "logger_class": GunicornLogger}
        for name, value in options.items():
            self.cfg.set(name, value)

    def load(self):
        return self.application


class GunicornLogger(glogging.Logger):
    """gunicorn's own lines (a worker booted, timed out, was killed) go to the root handler configure_logging set,
    instead of gunicorn's plain-text handler: a scaled gateway writes one format (JSON lines by default) only."""

    def setup(self, cfg) -> None:
        super().setup(cfg)
        for log in (self.error_log, self.access_log):  # the access log stays off: channels.access writes that line
            log.handlers.clear()
            log.propagate = True


def _fresh_connections(_server, _worker) -> None:
    db.engine().dispose(close=False)


def _worker_gone(_server, worker) -> None:
    """A worker that exited leaves its metric files; its live gauges must stop counting (its counters still do)."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def share_metrics(settings: Settings) -> None:
    """Under gunicorn every worker writes its counts to files in PROMETHEUS_MULTIPROC_DIR and /metrics sums them
    (channels.metrics). Set before prometheus_client is imported, which reads it then; the last run's files are
    removed first, or a restarted gateway would report them again on top of its own."""
    path = settings.prometheus_multiproc_dir
    path.mkdir(parents=True, exist_ok=True)
    for stale in path.glob("*.db"):
        stale.unlink()
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(path)


def log_formatter(settings: Settings | None = None) -> logging.Formatter:
    """LOG_FORMAT=json (the default): one JSON object a line, with the request's id; text: the classic line."""
    if (settings or Settings()).log_format == "text":
        return ScrubbingFormatter("%(asctime)s %(levelname)s %(name)s %(message)s")
    return JsonFormatter()


def configure_logging(settings: Settings) -> None:
    from channels.app import RequestFields

    handler = logging.StreamHandler()
    handler.setFormatter(log_formatter(settings))
    handler.addFilter(RequestFields())
    logging.basicConfig(level=logging.INFO, handlers=[handler])
    logging.captureWarnings(True)  # a library's warning is a log line too, not raw text on stderr
    logging.getLogger("presidio-analyzer").setLevel(logging.WARNING)


def main(argv: list[str]) -> None:
    settings = Settings()
    scaled = argv != ["alerts"] and settings.gateway_workers > 1
    if scaled:
        share_metrics(settings)
    configure_logging(settings)
    if argv == ["alerts"]:
        alerts.resend_forever(settings.alert_resend_s)
    elif scaled:
        GunicornGateway(settings).run()
    else:
        from channels.app import create_app

        threading.Thread(target=alerts.resend_forever, args=(settings.alert_resend_s,), daemon=True).start()
        serve(create_app(settings), host=settings.host, port=settings.port, threads=settings.gateway_threads)


if __name__ == "__main__":
    main(sys.argv[1:])
