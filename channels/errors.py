"""One JSON error shape for every failure: {"error": {"code", "message"}}; never a stack trace."""

from __future__ import annotations

import logging

from flask import Flask, jsonify
from sqlalchemy.exc import DBAPIError
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)

EMERGENCY_NOTE = "If this is an emergency, call 911 now."


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


RETRY_AFTER_S = 2


class ServiceDown(ApiError):
    counted = False  # in careline_service_down_total (channels.metrics.count_outage)

    def __init__(self, part: str):
        super().__init__(
            503, "service_unavailable",
            f"CareLine is temporarily unavailable, so your message was not processed. "
            f"Please send it again in a minute. {EMERGENCY_NOTE}",
        )
        self.part = part


def error_response(status: int, code: str, message: str):
    return jsonify({"error": {"code": code, "message": message}}), status


def _service_down(down: ServiceDown):
    """Every 503 of a part down is counted, also those raised outside the Rasa client (a turn the tracker store did
    not keep, the database), and says when to send the message again (a failover or restart takes seconds);
    channels.metrics is imported here because it imports this module."""
    from channels.metrics import count_outage

    count_outage(down)
    body, status = error_response(down.status, down.code, down.message)
    return body, status, {"Retry-After": str(RETRY_AFTER_S)}


def register(app: Flask) -> None:
    @app.errorhandler(ApiError)
    def _api_error(err: ApiError):
        if isinstance(err, ServiceDown):
            return _service_down(err)
        return error_response(err.status, err.code, err.message)

    @app.errorhandler(HTTPException)
    def _http_error(err: HTTPException):
        code = (err.name or "error").lower().replace(" ", "_")
        return error_response(err.code or 500, code, err.description or err.name)

    @app.errorhandler(DBAPIError)
    def _database_error(err: DBAPIError):
        """A database session ended under the request (a failover, a restart): nothing was done, send it again."""
        if not err.connection_invalidated:
            return _unexpected(err)
        log.warning("database connection lost during a request")
        return _service_down(ServiceDown("database"))

    @app.errorhandler(Exception)
    def _unexpected(err: Exception):
        log.exception("unexpected error")
        return error_response(500, "internal_error", f"Something went wrong on our side. {EMERGENCY_NOTE}")
