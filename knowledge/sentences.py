"""The sentences of the chosen section that answer the question (issue 11, item 2).

A section's retrieved chunk can end at the heading whose answer is in the next
chunk ("Is Shingles Contagious?"), and its first sentences are often about
something else (how common it is). So the whole section is read and its
sentences ranked by MiniLM similarity to the question; the best few are shown
in reading order so they still read as the document wrote them.

Every sentence of a section names its topic, and MiniLM ranks "Shingles is very
common." as close to "is shingles contagious?" as the sentences on spread. So a
sentence's similarity to the topic (the document title) is subtracted, weighted
by TOPIC_WEIGHT (0.75: on the Shingles section 0.5 still kept a prevalence
sentence among four, 1.0 ranked unrelated short sentences up).
"""

from __future__ import annotations

from knowledge import embeddings, guard

TOPIC_WEIGHT = 0.75


def section_text(corpus: dict, citation: str) -> str:
    """All chunks of a section in order; chunk ids end in their position within the file ("path#id#n")."""
    ids = [chunk_id for chunk_id, meta in zip(corpus["ids"], corpus["metas"]) if meta["citation"] == citation]
    ordered = sorted(ids, key=lambda chunk_id: (chunk_id.rsplit("#", 1)[0], int(chunk_id.rsplit("#", 1)[1])))
    return " ".join(corpus["texts"][corpus["index"][chunk_id]] for chunk_id in ordered)


def answering(model_path: str, question: str, topic: str, text: str, limit: int) -> list[str]:
    """The `limit` sentences closest to the question beyond its topic, in reading order.

    Headings (questions) answer nothing; list items repeated as plain sentences are shown once.
    """
    candidates = list(dict.fromkeys(s.lstrip("- ") for s in guard.sentences(text) if not s.endswith("?")))
    if not candidates:
        return []
    question_vector, topic_vector, *vectors = embeddings.embed(model_path, [question, topic, *candidates],
                                                               embeddings.PASSAGE_TOKENS)
    closeness = [_dot(question_vector, vector) - TOPIC_WEIGHT * _dot(topic_vector, vector) for vector in vectors]
    best = sorted(range(len(candidates)), key=lambda i: -closeness[i])[:limit]
    return [candidates[i] for i in sorted(best)]


def _dot(a: list[float], b: list[float]) -> float:
    return sum(x * y for x, y in zip(a, b))
