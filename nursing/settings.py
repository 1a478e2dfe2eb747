"""Settings of the nurse-side domain, from environment variables (README, Settings).

The only place CARELINE_DATA_DIR is read for CareLine's own data; the gateway and the action server use these.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def _numbers(value: str) -> tuple[str, ...]:
    return tuple(n.strip() for n in value.split(",") if n.strip())


@dataclass(frozen=True)
class Settings:
    data_dir: Path = field(default_factory=lambda: Path(_env("CARELINE_DATA_DIR", str(ROOT / "var"))))
    database_url: str = field(default_factory=lambda: _env("DATABASE_URL"))  # empty: SQLite under data_dir
    vault_key: str = field(default_factory=lambda: _env("CARELINE_VAULT_KEY"))  # empty: generated into data_dir
    twilio_auth_token: str = field(default_factory=lambda: _env("TWILIO_AUTH_TOKEN"))
    twilio_account_sid: str = field(default_factory=lambda: _env("TWILIO_ACCOUNT_SID", "AC" + "0" * 32))
    twilio_from_number: str = field(default_factory=lambda: _env("TWILIO_FROM_NUMBER", "+15550000000"))
    twilio_api_base_url: str = field(default_factory=lambda: _env("TWILIO_API_BASE_URL", "https://api.twilio.com"))
    # Each request to Twilio's API: its time limit, and how many times a send refused with a 5xx or a failed
    # connection (so not sent) is tried again, after 0.5 s, then 1 s, ... (nursing/sms.py).
    twilio_timeout_s: float = field(default_factory=lambda: float(_env("TWILIO_TIMEOUT_S", "10")))
    twilio_retries: int = field(default_factory=lambda: int(_env("TWILIO_RETRIES", "2")))
    on_call_numbers: tuple[str, ...] = field(default_factory=lambda: _numbers(_env("ON_CALL_NUMBERS")))
    public_base_url: str = field(default_factory=lambda: _env("PUBLIC_BASE_URL"))
    fhir_server_url: str = field(default_factory=lambda: _env("FHIR_SERVER_URL"))

    @property
    def console_url(self) -> str:
        """Where the links in on-call alerts point."""
        return self.public_base_url or "http://127.0.0.1:8000"


def secret_from(value: str, path: Path, generate: Callable[[], bytes]) -> bytes:
    """A secret given in the environment (value), else one generated once into path (the data dir, outside git)."""
    if value:
        return value.encode()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(generate())
        path.chmod(0o600)
    return path.read_bytes().strip()
