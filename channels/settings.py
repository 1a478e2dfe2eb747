"""Settings of the gateway process, from environment variables (README, Settings)."""

import os
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _env(name: str, default: str) -> str:
    return os.environ.get(name, default)


@dataclass(frozen=True)
class Settings:
    host: str = field(default_factory=lambda: _env("HOST", "127.0.0.1"))
    port: int = field(default_factory=lambda: int(_env("PORT", "8000")))
    rasa_url: str = field(default_factory=lambda: _env("RASA_URL", "http://127.0.0.1:5005"))
    actions_url: str = field(default_factory=lambda: _env("ACTIONS_URL", "http://127.0.0.1:5055"))
    data_dir: Path = field(default_factory=lambda: Path(_env("CARELINE_DATA_DIR", str(ROOT / "var"))))
    rasa_timeout_s: float = field(default_factory=lambda: float(_env("RASA_TIMEOUT_S", "60")))
    max_text_chars: int = 2000

    @property
    def tracker_url(self) -> str:
        """Rasa's SQL tracker store, which "forget me" erases from."""
        default = f"sqlite:///{os.environ.get('CARELINE_TRACKER_DB', self.data_dir / 'tracker.db')}"
        return _env("CARELINE_TRACKER_URL", default)

    @property
    def production(self) -> bool:
        return self.environment == "production"
    twilio_auth_token: str = field(default_factory=lambda: _env("TWILIO_AUTH_TOKEN", ""))
    twilio_account_sid: str = field(default_factory=lambda: _env("TWILIO_ACCOUNT_SID", "AC" + "0" * 32))
    twilio_from_number: str = field(default_factory=lambda: _env("TWILIO_FROM_NUMBER", "+15550000000"))
    twilio_api_base_url: str = field(default_factory=lambda: _env("TWILIO_API_BASE_URL", "https://api.twilio.com"))
    public_base_url: str = field(default_factory=lambda: _env("PUBLIC_BASE_URL", ""))
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
