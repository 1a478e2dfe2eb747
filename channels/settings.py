"""Settings of the gateway process, from environment variables (README, Settings).

The nurse-side ones (data dir, database, Twilio, public URL) are nursing.settings, held here as `nursing`.
"""

import os
from dataclasses import dataclass, field
from pathlib import Path

from nursing.settings import Settings as NursingSettings


def _env(name: str, default: str) -> str:
    return os.environ.get(name, default)


def _urls(value: str) -> tuple[str, ...]:
    return tuple(url.strip().rstrip("/") for url in value.split(",") if url.strip())


@dataclass(frozen=True)
class RasaInstance:
    """One Rasa server and the action server it calls."""

    rasa_url: str
    actions_url: str


@dataclass(frozen=True)
class Settings:
    host: str = field(default_factory=lambda: _env("HOST", "127.0.0.1"))
    port: int = field(default_factory=lambda: int(_env("PORT", "8000")))
    rasa_url: str = field(default_factory=lambda: _env("RASA_URL", "http://127.0.0.1:5005"))
    actions_url: str = field(default_factory=lambda: _env("ACTIONS_URL", "http://127.0.0.1:5055"))
    # Several Rasa servers (scaled configuration): comma-separated, paired by position with ACTIONS_URLS.
    rasa_urls: tuple[str, ...] = field(default_factory=lambda: _urls(_env("RASA_URLS", "")))
    actions_urls: tuple[str, ...] = field(default_factory=lambda: _urls(_env("ACTIONS_URLS", "")))
    rasa_timeout_s: float = field(default_factory=lambda: float(_env("RASA_TIMEOUT_S", "60")))
    max_text_chars: int = 2000
    nursing: NursingSettings = field(default_factory=NursingSettings)
    secret_key: str = field(default_factory=lambda: _env("CARELINE_SECRET_KEY", ""))  # empty: generated into data_dir
    tracker_db: str = field(default_factory=lambda: _env("CARELINE_TRACKER_DB", ""))  # empty: data_dir/tracker.db
    tracker_store_url: str = field(default_factory=lambda: _env("CARELINE_TRACKER_URL", ""))
    allowed_embed_origins: str = field(default_factory=lambda: _env("ALLOWED_EMBED_ORIGINS", "'self'"))
    chat_title: str = field(default_factory=lambda: _env("CHAT_TITLE", "CareLine"))
    portal_jwt_key: str = field(default_factory=lambda: _env("PORTAL_JWT_KEY", ""))
    alert_resend_s: float = field(default_factory=lambda: float(_env("ALERT_RESEND_S", "300")))
    console_idle_timeout_s: float = field(default_factory=lambda: float(_env("CONSOLE_IDLE_TIMEOUT_S", "900")))
    console_sign_in_backoff_s: float = field(default_factory=lambda: float(_env("CONSOLE_SIGN_IN_BACKOFF_S", "2")))
    console_sign_in_window_s: float = field(default_factory=lambda: float(_env("CONSOLE_SIGN_IN_WINDOW_S", "900")))
    environment: str = field(default_factory=lambda: _env("CARELINE_ENV", "development"))
    portal_jwks_file: str = field(default_factory=lambda: _env("PORTAL_JWKS_FILE", ""))
    portal_jwt_audience: str = field(default_factory=lambda: _env("PORTAL_JWT_AUDIENCE", "CareLine"))
    # Rate limits (channels.limits): messages per conversation, requests to /api/ per client address (a clinic's
    # NAT puts many patients behind one address: keep it generous); counts in memory unless a storage URI is set.
    chat_rate_per_minute: int = field(default_factory=lambda: int(_env("CHAT_RATE_PER_MINUTE", "30")))
    client_rate_per_minute: int = field(default_factory=lambda: int(_env("CLIENT_RATE_PER_MINUTE", "3000")))
    # Pictures per conversation: each one is a classifier run and a stored file.
    image_rate_per_minute: int = field(default_factory=lambda: int(_env("IMAGE_RATE_PER_MINUTE", "10")))
    image_max_pixels: int = field(default_factory=lambda: int(_env("IMAGE_MAX_PIXELS", "25000000")))
    rate_limit_storage_uri: str = field(default_factory=lambda: _env("RATE_LIMIT_STORAGE_URI", ""))
    # Per-conversation state between requests (channels.shared_state): "" = this process's memory.
    shared_state_url: str = field(default_factory=lambda: _env("SHARED_STATE_URL", ""))
    # 1: one process under waitress (`make run`); more: gunicorn with that many worker processes.
    gateway_workers: int = field(default_factory=lambda: int(_env("GATEWAY_WORKERS", "1")))
    gateway_threads: int = field(default_factory=lambda: int(_env("GATEWAY_THREADS", "8")))
    # Under gunicorn the workers' metric files (prometheus_client's own variable); empty: data_dir/prometheus.
    metrics_dir: str = field(default_factory=lambda: _env("PROMETHEUS_MULTIPROC_DIR", ""))
    # json: one JSON object a line; text: the classic line (channels.__main__.log_formatter).
    log_format: str = field(default_factory=lambda: _env("LOG_FORMAT", "json").lower())

    def __post_init__(self):
        if len(self.rasa_urls) != len(self.actions_urls):
            raise ValueError("RASA_URLS and ACTIONS_URLS must name as many servers each (paired by position)")

    @property
    def rasa_instances(self) -> tuple[RasaInstance, ...]:
        """RASA_URLS paired with ACTIONS_URLS, or the one RASA_URL with ACTIONS_URL."""
        if self.rasa_urls:
            return tuple(map(RasaInstance, self.rasa_urls, self.actions_urls))
        return (RasaInstance(self.rasa_url, self.actions_url),)

    @property
    def data_dir(self) -> Path:
        return self.nursing.data_dir

    @property
    def prometheus_multiproc_dir(self) -> Path:
        """Emptied of metric files each time the gateway starts with several workers (channels.__main__)."""
        return Path(self.metrics_dir) if self.metrics_dir else self.data_dir / "prometheus"

    @property
    def twilio_auth_token(self) -> str:
        """Checks the signatures of inbound SMS webhooks (nursing.sms signs in to Twilio with it to send)."""
        return self.nursing.twilio_auth_token

    @property
    def public_base_url(self) -> str:
        return self.nursing.public_base_url

    @property
    def tracker_url(self) -> str:
        """Rasa's SQL tracker store, which "forget me" erases from."""
        return self.tracker_store_url or f"sqlite:///{self.tracker_db or self.data_dir / 'tracker.db'}"

    @property
    def production(self) -> bool:
        return self.environment == "production"
