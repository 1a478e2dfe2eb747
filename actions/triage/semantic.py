"""Wording no phrase list has: clauses matched by meaning to each concept's examples.

The exact phrases are the fast, precise first pass; this pass embeds the
message's clauses with the MiniLM model the action server already loads and
keeps the concepts whose examples are close enough (data/triage/semantic.yml).
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np
import yaml

from actions.settings import SEMANTIC_MATCHING, TRIAGE_DIR
from actions.triage import vitals
from actions.triage.lexicon import Mention, load_concepts
from knowledge.embeddings import KEY_TOKENS
from knowledge.embeddings import embed as embed_texts
from knowledge.settings import KnowledgeSettings

# A full stop between digits is a decimal point ("temp 36.9 C" is one reading, not "temp 36").
CLAUSE_BREAK = re.compile(r"(?:[;:!?\n,()]|\.(?!\d))+|\s(?:but|and|then|so|because|plus|also|or|with|since|after|while|when)\s")
SENTENCE_BREAK = re.compile(r"(?:[;!?\n]|\.(?!\d))+")


@lru_cache(maxsize=1)
def settings() -> dict:
    return yaml.safe_load((TRIAGE_DIR / "semantic.yml").read_text())


def embed(texts: list[str], max_tokens: int = KEY_TOKENS) -> np.ndarray:
    """Unit vectors from the embedding model the knowledge layer loads (one copy per process)."""
    return np.asarray(embed_texts(KnowledgeSettings().embedding_model, texts, max_tokens=max_tokens), dtype=np.float32)


NOTHING = ""  # the label of the ordinary sentences that must not fire a concept


@lru_cache(maxsize=1)
def _examples() -> tuple[tuple[str, ...], np.ndarray]:
    """Each concept's examples under its name, and every concept's `not` sentences as NOTHING."""
    skip = set(settings()["skip"])
    pairs = [(c.name, e) for c in load_concepts() if c.name not in skip for e in c.examples]
    pairs += [(NOTHING, e) for c in load_concepts() for e in c.not_examples]
    if not pairs:
        return (), np.zeros((0, 0), dtype=np.float32)
    return tuple(name for name, _ in pairs), embed([e for _, e in pairs])


def clauses(text: str) -> list[tuple[int, int]]:
    """Character spans worth matching: each clause, and each sentence that holds several clauses
    ("she screams when I press on her tummy" means more than its halves)."""
    spans = _pieces(text, CLAUSE_BREAK)
    spans += [s for s in _pieces(text, SENTENCE_BREAK) if s not in spans]
    return spans[: settings()["max_clauses"]]


def _pieces(text: str, breaks: re.Pattern) -> list[tuple[int, int]]:
    spans, start = [], 0
    for brk in [*breaks.finditer(text), None]:
        end = brk.start() if brk else len(text)
        piece = text[start:end]
        if len(piece.split()) >= settings()["min_words"]:
            lead = len(piece) - len(piece.lstrip())
            spans.append((start + lead, start + len(piece.rstrip())))
        start = brk.end() if brk else end
    return spans


def scores(text: str) -> list[tuple[tuple[int, int], dict[str, float]]]:
    """For each clause, the best similarity per concept."""
    spans = clauses(text)
    names, examples = _examples()
    if not spans or not names:
        return []
    similarity = embed([text[s:e] for s, e in spans]) @ examples.T
    result = []
    for span, row in zip(spans, similarity):
        best: dict[str, float] = {}
        for name, value in zip(names, row):
            best[name] = max(best.get(name, -1.0), float(value))
        result.append((span, best))
    return result


def contenders(clause: str, best: dict[str, float]) -> dict[str, float]:
    """The concepts a clause is (nearly) closest to, when its closest match is not an ordinary sentence.

    A number decides the findings a reading can give, never a likeness of words.
    """
    top = max(best.values())
    measured = vitals.measured_concepts() if any(ch.isdigit() for ch in clause) else frozenset()
    return {name: value for name, value in best.items()
            if name != NOTHING and name not in measured and value >= top - settings()["margin"]}


def mentions(text: str) -> list[Mention]:
    """Concepts whose examples a clause is close enough to, and closer than to anything else."""
    if not SEMANTIC_MATCHING:
        return []
    config = settings()
    return [Mention(name, start, end, "semantic")
            for (start, end), best in scores(text)
            for name, value in contenders(text[start:end], best).items()
            if value >= config["per_concept"].get(name, config["threshold"])]
