"""Hybrid retrieval: dense over MedQuAD questions, focus names named outright, BM25 over answers, fused.

Consumer wording rarely matches answer wording, so the question a passage
answers is a retrieval key of its own. Lists are fused by reciprocal rank at
the document level, and the best passage of each document is returned.
"""

from __future__ import annotations

import pickle
from dataclasses import dataclass, replace
from functools import cached_property

from knowledge import embeddings
from knowledge.bm25 import BM25, tokens
from knowledge.question_types import QuestionTypes
from knowledge.settings import KnowledgeSettings
from knowledge.store import Store, open_store

CANDIDATES = 60
RRF_K = 30
# Chosen on held-back questions (docs/knowledge.md): dense over focus names and BM25 over question keys
# did not earn their place there and were dropped; the focus names still give the evidence similarity.
WEIGHTS = {"dense_questions": 1.0, "named_focus": 0.75, "bm25_answers": 0.3}
MAX_PHRASE_TOKENS = 8
CACHE_FORMAT = 3


@dataclass
class Hit:
    id: str
    score: float
    title: str
    source: str
    url: str
    text: str
    similarity: float
    unanswered: str | None = None  # the type of question asked that this section does not answer

    def as_json(self) -> dict:
        return {"id": self.id, "score": round(self.score, 6), "title": self.title, "source": self.source,
                "url": self.url, "text": self.text}


class Retriever:
    def __init__(self, settings: KnowledgeSettings | None = None, store: Store | None = None,
                 weights: dict[str, float] | None = None, question_types: QuestionTypes | None = None):
        self.settings = settings or KnowledgeSettings()
        self.store = store or open_store(self.settings)
        self.weights = weights or WEIGHTS
        self.question_types = question_types or QuestionTypes(self.settings)

    @cached_property
    def corpus(self) -> dict:
        """All passages with their metadata and BM25 indexes, cached on disk per store size."""
        count = self.store.chunks.count()
        cache = (self.settings.data_dir /
                 f"bm25-{self.settings.collection}-v{CACHE_FORMAT}-{count}-{self.store.keys.count()}.pkl")
        if cache.exists():
            return pickle.loads(cache.read_bytes())
        chunks = self.store.chunks.get(include=["documents", "metadatas"])
        by_doc: dict[str, list[str]] = {}
        for chunk_id, meta in zip(chunks["ids"], chunks["metadatas"]):
            by_doc.setdefault(meta["doc"], []).append(chunk_id)
        keys = self.store.keys.get(include=["documents", "metadatas"])
        phrases: dict[tuple, set[str]] = {}
        for text, meta in zip(keys["documents"], keys["metadatas"]):
            for phrase in text.split("; "):
                key = tuple(tokens(phrase))
                if 0 < len(key) <= MAX_PHRASE_TOKENS:
                    phrases.setdefault(key, set()).add(meta["doc"])
        corpus = {"ids": chunks["ids"], "texts": chunks["documents"], "metas": chunks["metadatas"], "by_doc": by_doc,
                  "phrases": phrases,
                  "index": {chunk_id: i for i, chunk_id in enumerate(chunks["ids"])},
                  "bm25_answers": BM25(chunks["documents"])}
        if count:
            cache.parent.mkdir(parents=True, exist_ok=True)
            for old in cache.parent.glob(f"bm25-{self.settings.collection}-*.pkl"):
                old.unlink()
            cache.write_bytes(pickle.dumps(corpus))
        return corpus

    def reload(self) -> None:
        """After an ingestion: search what is stored now, not the passages read before it."""
        self.store = open_store(self.settings)
        self.__dict__.pop("corpus", None)

    def warm(self) -> None:
        if self.store.chunks.count():
            self.corpus  # noqa: B018 - builds or loads the cache
        embeddings.model(self.settings.embedding_model)
        self.question_types.sections  # noqa: B018 - parses or loads the section types

    def search(self, query: str, k: int = 5) -> list[Hit]:
        if self.store.chunks.count() == 0:
            return []
        vector = embeddings.embed(self.settings.embedding_model, [query])[0]
        ranked, similarity = self._ranked_lists(query, vector)
        doc_scores, passage_scores = fuse(ranked, self.weights)
        chances = self.question_types.probabilities(query, vector)
        order = sorted(doc_scores, key=lambda d: -doc_scores[d])[:k]
        hits = [self._hit(self._best_passage(doc, passage_scores, chances), doc_scores[doc],
                          similarity.get(doc, 0.0)) for doc in order]
        return [replace(hit, unanswered=self.question_types.unanswered(chances, hit.id, hit.text)) for hit in hits]

    def _best_passage(self, doc: str, passage_scores: dict[str, float], chances: dict[str, float]) -> str:
        """The document's passage that fused best, plus a bonus when its section answers this type of question."""
        corpus = self.corpus
        return max(corpus["by_doc"][doc], key=lambda chunk_id: passage_scores.get(chunk_id, 0.0)
                   + self.question_types.section_bonus(chances, corpus["metas"][corpus["index"][chunk_id]]["citation"],
                                                       corpus["texts"][corpus["index"][chunk_id]]))

    def _ranked_lists(self, query: str, vector: list[float]) -> tuple[dict, dict]:
        corpus = self.corpus
        n = min(CANDIDATES, self.store.chunks.count())
        dense = self.store.chunks.query(query_embeddings=[vector], n_results=n, include=["metadatas", "distances"])
        ranked = {"dense_questions": list(zip(dense["ids"][0], dense["metadatas"][0]))}
        similarity: dict[str, float] = {}
        _keep_closest(similarity, dense)
        n_keys = min(CANDIDATES, self.store.keys.count())
        if n_keys:
            _keep_closest(similarity, self.store.keys.query(query_embeddings=[vector], n_results=n_keys,
                                                            include=["metadatas", "distances"]))
        ranked["bm25_answers"] = [(corpus["ids"][i], corpus["metas"][i])
                                  for i, _ in corpus["bm25_answers"].top(query, CANDIDATES)]
        ranked["named_focus"] = self._named_focus(query, similarity)
        return ranked, similarity

    def _named_focus(self, query: str, similarity: dict[str, float]) -> list:
        """Documents whose focus (or a synonym) the question names outright; longer names first."""
        words = tokens(query)
        named: dict[str, int] = {}
        for size in range(min(MAX_PHRASE_TOKENS, len(words)), 0, -1):
            for start in range(len(words) - size + 1):
                for doc in self.corpus["phrases"].get(tuple(words[start:start + size]), ()):
                    named.setdefault(doc, size)
        order = sorted(named, key=lambda d: (-named[d], -similarity.get(d, 0.0)))[:CANDIDATES]
        return [(None, {"doc": doc}) for doc in order]

    def _hit(self, chunk_id: str, score: float, similarity: float) -> Hit:
        corpus = self.corpus
        index = corpus["index"][chunk_id]
        meta = corpus["metas"][index]
        return Hit(meta["citation"], score, meta["title"], meta["source"], meta["url"], corpus["texts"][index],
                   similarity)


def _keep_closest(similarity: dict[str, float], result: dict) -> None:
    """Each document's best cosine similarity to the question, over one Chroma query's results."""
    for meta, distance in zip(result["metadatas"][0], result["distances"][0]):
        similarity[meta["doc"]] = max(similarity.get(meta["doc"], 0.0), 1 - distance)


def fuse(ranked: dict[str, list[tuple[str | None, dict]]],
         weights: dict[str, float]) -> tuple[dict[str, float], dict[str, float]]:
    """Weighted reciprocal-rank fusion: documents count once per list, passages accumulate."""
    doc_scores: dict[str, float] = {}
    passage_scores: dict[str, float] = {}
    for name, items in ranked.items():
        seen: set[str] = set()
        for rank, (chunk_id, meta) in enumerate(items):
            if not weights.get(name):
                break
            share = weights[name] / (RRF_K + rank + 1)
            if meta["doc"] not in seen:
                seen.add(meta["doc"])
                doc_scores[meta["doc"]] = doc_scores.get(meta["doc"], 0.0) + share
            if chunk_id is not None:
                passage_scores[chunk_id] = passage_scores.get(chunk_id, 0.0) + share
    return doc_scores, passage_scores
