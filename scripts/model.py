"""Train the Rasa model only when its inputs changed: a hash of bot/ and data/ decides.

The model and Rasa's training cache live under var/, like every file a run writes.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INPUTS = [ROOT / "bot" / "config.yml", ROOT / "bot" / "domain.yml", ROOT / "data" / "nlu", ROOT / "data" / "rules"]
RASA = ROOT / ".venv-rasa" / "bin" / "rasa"
MODELS = ROOT / "var" / "models" / "rasa"
RASA_CACHE = ROOT / "var" / "rasa-cache"


def rasa_env() -> dict[str, str]:
    """What every Rasa command gets on top of the environment: its cache under var/ (never ./.rasa)."""
    return {"RASA_CACHE_DIRECTORY": str(RASA_CACHE)}


def inputs_hash() -> str:
    digest = hashlib.sha256()
    files = sorted(p for base in INPUTS for p in ([base] if base.is_file() else base.rglob("*.yml")))
    for path in files:
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def ensure_model() -> Path:
    name = f"careline-{inputs_hash()}"
    model = MODELS / f"{name}.tar.gz"
    if model.exists():
        return model
    print(f"training the Rasa model ({name}) ...", flush=True)
    subprocess.run(
        [str(RASA), "train", "--config", "bot/config.yml", "--domain", "bot/domain.yml",
         "--data", "data/nlu", "data/rules", "--out", str(MODELS), "--fixed-model-name", name],
        cwd=ROOT, check=True, stdout=subprocess.DEVNULL, env={**os.environ, **rasa_env()},
    )
    return model


if __name__ == "__main__":
    print(ensure_model())
    sys.exit(0)
