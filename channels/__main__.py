"""Serve the gateway: python -m channels."""

import logging
import threading

from waitress import serve

from channels.app import create_app
from channels.privacy.logging import ScrubbingFormatter
from channels.settings import Settings
from nursing import alerts

if __name__ == "__main__":
    handler = logging.StreamHandler()
    handler.setFormatter(ScrubbingFormatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    logging.basicConfig(level=logging.INFO, handlers=[handler])
    logging.getLogger("presidio-analyzer").setLevel(logging.WARNING)
    settings = Settings()
    threading.Thread(target=alerts.resend_forever, args=(settings.alert_resend_s,), daemon=True).start()
    serve(create_app(settings), host=settings.host, port=settings.port, threads=8)
