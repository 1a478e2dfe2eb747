"""Talking to Rasa (REST channel and tracker API) and the action server over HTTP."""

from __future__ import annotations

import requests

from channels.errors import ServiceDown
from channels.settings import Settings

HEALTH_TIMEOUT_S = 2


class RasaClient:
    def __init__(self, settings: Settings):
        self.settings = settings
        self.http = requests.Session()

    def send(self, sender: str, text: str, channel: str = "web") -> list[dict]:
        self.require_actions()
        try:
            reply = self.http.post(f"{self.settings.rasa_url}/webhooks/rest/webhook",
                                   json={"sender": sender, "message": text, "metadata": {"channel": channel}},
                                   timeout=self.settings.rasa_timeout_s)
            reply.raise_for_status()
        except requests.RequestException as err:
            raise ServiceDown("rasa") from err
        return reply.json()

    def tracker(self, sender: str) -> dict:
        try:
            reply = self.http.get(f"{self.settings.rasa_url}/conversations/{sender}/tracker",
                                  params={"include_events": "NONE"}, timeout=self.settings.rasa_timeout_s)
            reply.raise_for_status()
        except requests.RequestException as err:
            raise ServiceDown("rasa") from err
        return reply.json()

    def require_actions(self) -> None:
        """Refuse the turn before Rasa consumes it if the action server is down."""
        if not self._answers(f"{self.settings.actions_url}/health"):
            raise ServiceDown("actions")

    def health(self) -> dict[str, bool]:
        return {
            "rasa": self._answers(f"{self.settings.rasa_url}/status"),
            "actions": self._answers(f"{self.settings.actions_url}/health"),
        }

    def _answers(self, url: str) -> bool:
        try:
            return self.http.get(url, timeout=HEALTH_TIMEOUT_S).ok
        except requests.RequestException:
            return False
