"""Serve the gateway: python -m channels."""

import logging

from waitress import serve

from channels.app import create_app
from channels.settings import Settings

if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    settings = Settings()
    serve(create_app(settings), host=settings.host, port=settings.port, threads=8)
