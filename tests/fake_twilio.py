"""A local stand-in for Twilio's REST API: records the messages CareLine sends, answers like Twilio, and serves
MMS media behind HTTP basic auth (the account SID in the media URL and the auth token), as Twilio does."""

from __future__ import annotations

import base64
import json
import threading
import time
import uuid
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs


@dataclass(frozen=True)
class Media:
    data: bytes
    content_type: str
    account_sid: str
    delay_s: float = 0.0  # a slow download
    declare_length: bool = True  # False: no Content-Length, the body ends when the connection closes


class FakeTwilio:
    def __init__(self, auth_token: str):
        self.sent: list[dict] = []
        self.media: dict[str, Media] = {}
        self.media_requests: list[dict] = []  # every media GET: its path and whether its basic auth was right
        self.refusals: list[int] = []  # statuses the next message POSTs get instead of being sent, one each
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's naming
                length = int(self.headers.get("Content-Length", 0))
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                if not self.path.endswith("/Messages.json"):
                    self._reply(404, {"code": 20404, "message": "not found"})
                    return
                if outer.refusals:
                    self._reply(outer.refusals.pop(0), {"code": 20500, "message": "Service unavailable"})
                    return
                sid = "SM" + uuid.uuid4().hex
                outer.sent.append({**form, "sid": sid, "path": self.path})
                self._reply(201, {"sid": sid, "to": form.get("To"), "from": form.get("From"), "body": form.get("Body"),
                                  "status": "queued", "account_sid": self.path.split("/")[3]})

            def do_GET(self):  # noqa: N802 - http.server's naming
                media = outer.media.get(self.path)
                signed_in = media is not None and self._basic_auth() == (media.account_sid, auth_token)
                outer.media_requests.append({"path": self.path, "authorized": signed_in})
                if media is None:
                    self._reply(404, {"code": 20404, "message": "not found"})
                elif not signed_in:
                    self._reply(401, {"code": 20003, "message": "Authenticate"})
                else:
                    self._media(media)

            def _basic_auth(self) -> tuple[str, str] | None:
                scheme, _, encoded = self.headers.get("Authorization", "").partition(" ")
                if scheme.lower() != "basic":
                    return None
                user, _, password = base64.b64decode(encoded).decode().partition(":")
                return user, password

            def _media(self, media: Media):
                time.sleep(media.delay_s)
                try:
                    self.send_response(200)
                    self.send_header("Content-Type", media.content_type)
                    if media.declare_length:
                        self.send_header("Content-Length", str(len(media.data)))
                    self.end_headers()
                    self.wfile.write(media.data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # CareLine stopped reading: too large or too slow

            def _reply(self, status: int, body: dict):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"

    def add_media(self, account_sid: str, data: bytes, content_type: str = "image/jpeg", **options) -> str:
        """Serve `data` at a media URL of the kind Twilio puts in MediaUrl0; returns the URL."""
        path = f"/2010-04-01/Accounts/{account_sid}/Messages/MM{uuid.uuid4().hex}/Media/ME{uuid.uuid4().hex}"
        self.media[path] = Media(data, content_type, account_sid, **options)
        return self.url + path

    def __enter__(self) -> FakeTwilio:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
