"""How hard a passage is to read (Flesch-Kincaid grade), so plain sentences are shown as written.

Patient-education guidance asks for about a grade 8 reading level; the small LLM
is only asked to rephrase sentences above it (docs/knowledge.md, "Speed").
"""

from __future__ import annotations

import re

from knowledge import guard


def syllables(word: str) -> int:
    return max(1, len(re.findall(r"[aeiouy]+", word.lower())) - word.lower().endswith("e"))


def grade(text: str) -> float:
    """Flesch-Kincaid grade level."""
    sentences = max(1, len(guard.sentences(text)))
    words = re.findall(r"[A-Za-z]+", text) or ["x"]
    return 0.39 * len(words) / sentences + 11.8 * sum(map(syllables, words)) / len(words) - 15.59
