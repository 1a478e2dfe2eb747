"""The honesty guard: deterministic checks on what the model wrote, never the model's own word.

A sentence is shown only if enough of its content words appear in one
retrieved passage (SUPPORT_THRESHOLD, calibrated in docs/knowledge.md);
citations that do not point at a retrieved passage are removed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from knowledge.bm25 import tokens

SUPPORT_THRESHOLD = 0.75
MIN_CONTENT_WORDS = 3
CITATION = re.compile(r"\s*\[(\d+)\]")  # with the space before it, so "clots [1]." reads "clots."


@dataclass(frozen=True)
class Checked:
    sentences: list[tuple[str, int]]
    dropped: int


def sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+|\n+", text) if s.strip()]


def support(sentence: str, passage: str) -> float:
    """Share of the sentence's content words found in the passage."""
    words = set(tokens(CITATION.sub("", sentence)))
    if len(words) < MIN_CONTENT_WORDS:
        return 0.0
    return len(words & set(tokens(passage))) / len(words)


def check(answer: str, passages: list[str]) -> Checked:
    """Keep supported sentences, each with the number (1-based) of the passage that supports it."""
    kept, dropped = [], 0
    for sentence in sentences(answer):
        cited = [int(n) for n in CITATION.findall(sentence)]
        scores = [support(sentence, p) for p in passages]
        best = max(range(len(passages)), key=lambda i: scores[i]) if passages else -1
        if best < 0 or scores[best] < SUPPORT_THRESHOLD:
            dropped += 1
            continue
        valid = [n for n in cited if 1 <= n <= len(passages) and scores[n - 1] >= SUPPORT_THRESHOLD]
        kept.append((CITATION.sub("", sentence).strip(), valid[0] if valid else best + 1))
    return Checked(kept, dropped)
