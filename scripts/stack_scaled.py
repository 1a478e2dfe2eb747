"""`make run-scaled`: the same code as `make run`, laid out as a hospital runs it (docs/deploy.md).

Chroma as a server, two action servers, two Rasa servers sharing the tracker store on PostgreSQL and a lock store on
Redis, the gateway under gunicorn with several workers and one alerts re-sender, CareLine's own tables on
PostgreSQL, rate limits and per-conversation state on Redis. Every part is chosen by an environment variable whose
default suits this machine (README, Settings); its files live in CARELINE_DATA_DIR/scaled, apart from `make run`'s
(whose knowledge manifest would otherwise vouch for an index the Chroma server does not hold). Ctrl-C stops
everything.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from channels.settings import Settings as GatewaySettings
from knowledge.ingest import complete_ingestion
from knowledge.settings import KnowledgeSettings
from nursing import db
from nursing.settings import Settings as NursingSettings
from scripts.model import ROOT, ensure_model
from scripts.stack import PYTHON, Stack, actions_command, actions_metrics_env, rasa_command, run_until_interrupted

CHROMA = ROOT / ".venv" / "bin" / "chroma"
ENDPOINTS = "bot/endpoints-scaled.yml"
POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
SEARCH_PATH = re.compile(r"-csearch_path=(\w+)")
START_TIMEOUT_S = 420  # two action servers and two Rasa servers load their models side by side on two cores


def env(name: str, default: str) -> str:
    """A setting of the scaled stack and the scripts that drive it (bench-load, fault-test)."""
    return os.environ.get(name, default)


@dataclass(frozen=True)
class ScaledSettings:
    """Where each shared part lives; the defaults use this machine's PostgreSQL (database `test`) and Redis."""

    database_url: str = field(default_factory=lambda: env(
        "DATABASE_URL", f"{POSTGRES}?options=-csearch_path%3Dcareline"))
    tracker_url: str = field(default_factory=lambda: env(
        "CARELINE_TRACKER_URL", f"{POSTGRES}?options=-csearch_path%3Dcareline_tracker"))
    lock_store_url: str = field(default_factory=lambda: env("RASA_LOCK_STORE_URL", "redis://127.0.0.1:6379/3"))
    rate_limit_storage_uri: str = field(default_factory=lambda: env("RATE_LIMIT_STORAGE_URI",
                                                                     "redis://127.0.0.1:6379/1"))
    shared_state_url: str = field(default_factory=lambda: env("SHARED_STATE_URL", "redis://127.0.0.1:6379/2"))
    chroma_url: str = field(default_factory=lambda: env("CHROMA_URL", "http://127.0.0.1:8300"))
    instances: int = field(default_factory=lambda: int(env("RASA_INSTANCES", "2")))
    gateway_workers: int = field(default_factory=lambda: int(env("GATEWAY_WORKERS", "3")))
    # Rasa's own variable: how long a conversation's lock outlives a Rasa server killed mid-turn. Above the slowest
    # turn (or a turn could start before the one ahead of it ends), below the gateway's RASA_TIMEOUT_S (or the
    # gateway gives up on the other server while it waits out the lock).
    ticket_lock_lifetime_s: int = field(default_factory=lambda: int(env("TICKET_LOCK_LIFETIME", "20")))

    def __post_init__(self):
        if self.ticket_lock_lifetime_s >= GatewaySettings().rasa_timeout_s:
            raise ValueError("TICKET_LOCK_LIFETIME must be shorter than RASA_TIMEOUT_S")


@dataclass
class ScaledStack(Stack):
    scaled: ScaledSettings = field(default_factory=ScaledSettings)
    corpus_dir: Path = field(default_factory=lambda: KnowledgeSettings().corpus_dir)
    start_timeout_s: float = START_TIMEOUT_S

    @property
    def rasa_urls(self) -> list[str]:
        return [f"http://127.0.0.1:{self.rasa_port + i}" for i in range(self.scaled.instances)]

    @property
    def actions_urls(self) -> list[str]:
        return [f"http://127.0.0.1:{self.actions_port + i}" for i in range(self.scaled.instances)]

    @property
    def actions_metrics_ports(self) -> list[int]:
        """Each action server's metrics port: after the last action server's port (5057, 5058 by default)."""
        return [self.actions_port + self.scaled.instances + i for i in range(self.scaled.instances)]

    def numbered_instances(self) -> list[tuple[int, str, str]]:
        """(number from 1, Rasa URL, its action server's URL) for each instance."""
        return [(number, *urls) for number, urls in enumerate(zip(self.rasa_urls, self.actions_urls), 1)]

    def env(self) -> dict:
        scaled = self.scaled
        return {
            **super().env(),
            "DATABASE_URL": scaled.database_url, "CARELINE_TRACKER_URL": scaled.tracker_url,
            "RATE_LIMIT_STORAGE_URI": scaled.rate_limit_storage_uri, "SHARED_STATE_URL": scaled.shared_state_url,
            "CHROMA_URL": scaled.chroma_url, "CARELINE_CORPUS_DIR": str(self.corpus_dir),
            "GATEWAY_WORKERS": str(scaled.gateway_workers), "TICKET_LOCK_LIFETIME": str(scaled.ticket_lock_lifetime_s),
            "RASA_URLS": ",".join(self.rasa_urls), "ACTIONS_URLS": ",".join(self.actions_urls),
            **tracker_store_env(scaled.tracker_url), **lock_store_env(scaled.lock_store_url),
            **self.extra_env,
        }

    def start(self, gateway: bool = True) -> ScaledStack:
        model = ensure_model()
        self.prepare_databases()
        self.start_chroma()
        for number, rasa_url, actions_url in self.numbered_instances():
            self.spawn(f"actions_{number}", actions_command(_port(actions_url)),
                       **actions_metrics_env(self.actions_metrics_ports[number - 1]))
            self.spawn(f"rasa_{number}", rasa_command(model, ENDPOINTS, _port(rasa_url)), CARELINE_ACTIONS_URL=actions_url)
        if gateway:
            self.spawn("alerts", [str(PYTHON), "-m", "channels", "alerts"])
            self.spawn("gateway", [str(PYTHON), "-m", "channels"])
        self.wait_ready(gateway)
        return self

    def prepare_databases(self) -> None:
        """The schemas exist (Rasa refuses a missing one) and CareLine's tables are migrated, once, before the
        processes that would otherwise race to create them start."""
        for url in (self.scaled.database_url, self.scaled.tracker_url):
            schema = _schema(url)
            if schema:
                admin = create_engine(make_url(url).difference_update_query(["options"]))
                with admin.begin() as connection:
                    connection.execute(text(f'create schema if not exists "{schema}"'))
                admin.dispose()
        db.engine(self.scaled.database_url).dispose()

    def start_chroma(self) -> None:
        """Chroma's server, with the knowledge index built into it once (an unchanged index is only checked)."""
        url = urlsplit(self.scaled.chroma_url)
        self.spawn("chroma", [str(CHROMA), "run", "--path", str(self.data_dir / "chroma-server"),
                              "--host", url.hostname or "127.0.0.1", "--port", str(url.port or 8000)])
        self.wait_for({"chroma": f"{self.scaled.chroma_url}/api/v2/heartbeat"})
        complete_ingestion(KnowledgeSettings(data_dir=self.data_dir, chroma_url=self.scaled.chroma_url,
                                             corpus_dir=self.corpus_dir))

    def wait_ready(self, gateway: bool = True) -> None:
        urls = {}
        for number, rasa_url, actions_url in self.numbered_instances():
            urls[f"actions_{number}"] = f"{actions_url}/health"
            urls[f"rasa_{number}"] = f"{rasa_url}/status"
        if gateway:
            urls["gateway"] = f"{self.gateway_url}/healthz"
        self.wait_for(urls)


def tracker_store_env(url: str) -> dict[str, str]:
    """bot/endpoints-scaled.yml's tracker store, from the SQLAlchemy URL the gateway erases from."""
    parts = make_url(url)
    schema = _schema(url)
    return {"CARELINE_TRACKER_HOST": parts.host or "127.0.0.1", "CARELINE_TRACKER_PORT": str(parts.port or 5432),
            "CARELINE_TRACKER_DATABASE": parts.database or "", "CARELINE_TRACKER_USER": parts.username or "",
            "CARELINE_TRACKER_PASSWORD": parts.password or "", **({"POSTGRESQL_SCHEMA": schema} if schema else {})}


def lock_store_env(url: str) -> dict[str, str]:
    """bot/endpoints-scaled.yml's Redis lock store, from a redis:// URL."""
    parts = urlsplit(url)
    return {"RASA_LOCK_HOST": parts.hostname or "127.0.0.1", "RASA_LOCK_PORT": str(parts.port or 6379),
            "RASA_LOCK_DB": parts.path.strip("/") or "0", "RASA_LOCK_PASSWORD": parts.password or ""}


def _schema(url: str) -> str | None:
    """The schema a PostgreSQL URL selects with `options=-csearch_path=NAME`, if any."""
    found = SEARCH_PATH.search(str(make_url(url).query.get("options", "")))
    return found.group(1) if found else None


def _port(url: str) -> int:
    return urlsplit(url).port


def main() -> int:
    stack = ScaledStack(host=env("HOST", "127.0.0.1"), gateway_port=int(env("PORT", "8000")),
                        rasa_port=int(env("RASA_PORT", "5005")), actions_port=int(env("ACTIONS_PORT", "5055")),
                        data_dir=NursingSettings().data_dir / "scaled")
    print(f"starting scaled CareLine (Chroma, {stack.scaled.instances} action servers, {stack.scaled.instances} "
          f"Rasa servers, gateway with {stack.scaled.gateway_workers} workers) ...", flush=True)
    print(f"Rasa: {', '.join(stack.rasa_urls)}; actions: {', '.join(stack.actions_urls)} (metrics on ports "
          f"{', '.join(map(str, stack.actions_metrics_ports))}); Chroma: {stack.scaled.chroma_url}", flush=True)
    return run_until_interrupted(stack)


if __name__ == "__main__":
    sys.exit(main())
