"""Talking to Rasa (REST channel and tracker API) and the action server over HTTP.

With several Rasa servers (RASA_URLS, each with its own action server), a conversation goes to the one a stable
hash of its id picks, so its turns usually meet the same server; when that one or its action server does not
answer, the next one carries the conversation on: the tracker lives in the shared tracker store, and Rasa's lock
store keeps its turns in order whichever server takes them.
"""

from __future__ import annotations

import hashlib

import requests

from channels.errors import ServiceDown
from channels.settings import RasaInstance, Settings

HEALTH_TIMEOUT_S = 2


def instance_order(sender: str, count: int) -> list[int]:
    """The servers to try for a conversation, by position: its own first (a hash that is the same in every
    worker and on every restart, unlike Python's hash()), then the others in turn."""
    first = int.from_bytes(hashlib.sha256(sender.encode()).digest()[:8], "big") % count
    return [(first + step) % count for step in range(count)]


class RasaClient:
    def __init__(self, settings: Settings):
        self.settings = settings
        self.http = requests.Session()

    def send(self, sender: str, text: str, channel: str = "web") -> list[dict]:
        """The turn on the conversation's server, or the next one when it cannot be reached.

        Only a message that never reached a server is sent to the next one; one that reached Rasa and then
        failed (a timeout, an error) may have been taken, so it is ServiceDown and the patient sends it again.
        An empty reply from a server whose action server no longer answers means that the action server died
        during the turn: Rasa dropped the actions' events and answered as if all were well (the message stored,
        no reply). That is ServiceDown too, and the message sent again is the one that gets its reply. (A reply
        with messages is kept even then: its turn ran, and its message sent again would answer the next question.
        Rasa's own undo, `rewind`, is no help: inside a form it reverts two turns.)
        """
        down = ServiceDown("rasa")
        for instance in self._instances(sender):
            if not self._answers(f"{instance.actions_url}/health"):  # refuse before Rasa consumes the turn
                down = ServiceDown("actions")
                continue
            try:
                reply = self.http.post(f"{instance.rasa_url}/webhooks/rest/webhook",
                                       json={"sender": sender, "message": text, "metadata": {"channel": channel}},
                                       timeout=self.settings.rasa_timeout_s)
                reply.raise_for_status()
            except requests.ConnectionError:
                down = ServiceDown("rasa")
            except requests.RequestException as err:
                raise ServiceDown("rasa") from err
            else:
                replies = reply.json()
                if not replies and not self._answers(f"{instance.actions_url}/health"):
                    raise ServiceDown("actions")
                return replies
        raise down

    def tracker(self, sender: str) -> dict:
        down = ServiceDown("rasa")
        for instance in self._instances(sender):
            try:
                reply = self.http.get(f"{instance.rasa_url}/conversations/{sender}/tracker",
                                      params={"include_events": "NONE"}, timeout=self.settings.rasa_timeout_s)
                reply.raise_for_status()
                return reply.json()
            except requests.RequestException:
                down = ServiceDown("rasa")
        raise down

    def health(self) -> dict[str, bool]:
        """Every Rasa and action server: "rasa" and "actions" for one, "rasa_1", "actions_1", ... for several."""
        instances = self.settings.rasa_instances
        parts = {}
        for number, instance in enumerate(instances, 1):
            suffix = f"_{number}" if len(instances) > 1 else ""
            parts[f"rasa{suffix}"] = self._answers(f"{instance.rasa_url}/status")
            parts[f"actions{suffix}"] = self._answers(f"{instance.actions_url}/health")
        return parts

    def _instances(self, sender: str) -> list[RasaInstance]:
        instances = self.settings.rasa_instances
        return [instances[i] for i in instance_order(sender, len(instances))]

    def _answers(self, url: str) -> bool:
        try:
            return self.http.get(url, timeout=HEALTH_TIMEOUT_S).ok
        except requests.RequestException:
            return False

